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
  /** The error the stage stopped with (a face rethrows it, so the exit code says it too). */
  error?: Error;
}

export async function dryRun(stage: string, environment: string, run: (plan: PlanRecorder) => Promise<unknown>): Promise<DryRunOutcome> {
  const plan = new PlanRecorder();
  return planned(plan, stage, environment, () => run(plan));
}

/** Runs `run` (a stage on an environment opened with `plan`) and describes what it planned. */
export async function planned(plan: PlanRecorder, stage: string, environment: string, run: () => Promise<unknown>): Promise<DryRunOutcome> {
  let error: Error | undefined;
  try {
    await run();
  } catch (caught) {
    error = caught as Error;
  }
  const stopped = error ? { message: error.message, hint: (error as { hint?: string }).hint } : undefined;
  const summary = summarisePlan(plan, stage, environment);
  const tail = stopped ? `\nThe stage would stop here: ${stopped.message}${stopped.hint ? `\n  hint: ${stopped.hint}` : ''}\n` : '';
  return { summary, text: formatPlan(summary) + tail, stopped, error };
}
