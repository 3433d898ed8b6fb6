// Runs a stage as a dry run: the faces (CLI `--dry-run`, the editor's Show Plan) open the
// environment with a plan recorder and run the stage exactly as they would for real; reads happen,
// nothing else does. A stage that would be refused is planned up to its refusal, which is said.
import { PlanRecorder } from './planRecorder';
import { PlanSummary, formatPlan, summarisePlan } from './formatPlan';

export interface DryRunOutcome {
  summary: PlanSummary;
  text: string;
  /** Set when the stage would stop: its message and hint, after the plan up to there. */
  stopped?: { message: string; hint?: string };
}

export async function dryRun(stage: string, environment: string, run: (plan: PlanRecorder) => Promise<unknown>): Promise<DryRunOutcome> {
  const plan = new PlanRecorder();
  let stopped: DryRunOutcome['stopped'];
  try {
    await run(plan);
  } catch (error) {
    stopped = { message: (error as Error).message, hint: (error as { hint?: string }).hint };
  }
  const summary = summarisePlan(plan, stage, environment);
  const tail = stopped ? `\nThe stage would stop here: ${stopped.message}${stopped.hint ? `\n  hint: ${stopped.hint}` : ''}\n` : '';
  return { summary, text: formatPlan(summary) + tail, stopped };
}
