// A dry run's plan as text: the router state change as a diff, what the stage would do besides
// host commands, then the exact commands per host in the order they would run, and the branches
// a failure would take. Commands are shown as a transport's log shows them (stepText), so a
// plan can be compared line by line with what a real run logged.
import { renderState } from '../router';
import { describePlan } from '../router/describePlan';
import { stepText } from '../hostCommands/hostCommand';
import { PlanRecorder, StateChange } from './planRecorder';

export interface PlanSummary {
  stage: string;
  environment: string;
  stateChanges: Array<{ from: number; to: number; planBefore: string; planAfter: string; diff: string[] }>;
  notes: string[];
  steps: Array<{ n: number; host: string; effect: string; purpose: string; command: string; ran: boolean }>;
  branches: Array<{ when: string; steps: Array<{ host: string; purpose: string; command: string }> }>;
}

export function summarisePlan(plan: PlanRecorder, stage: string, environment: string): PlanSummary {
  return {
    stage,
    environment,
    stateChanges: plan.stateChanges.map((change) => ({
      from: change.before.serial,
      to: change.after.serial,
      planBefore: describePlan(change.before.plan),
      planAfter: describePlan(change.after.plan),
      diff: stateDiff(change),
    })),
    notes: [...plan.notes],
    steps: plan.steps.map((s, i) => ({ n: i + 1, host: s.host, effect: s.step.effect, purpose: s.step.purpose, command: stepText(s.step), ran: s.ran })),
    branches: plan.branches.map((b) => ({ when: b.when, steps: b.steps.map((s) => ({ host: s.host, purpose: s.step.purpose, command: stepText(s.step) })) })),
  };
}

export function formatPlan(summary: PlanSummary): string {
  const out: string[] = [`Dry run of \`${summary.stage}\` on ${summary.environment}: nothing was changed.`];
  if (!summary.stateChanges.length) out.push('', 'Router state: unchanged.');
  for (const change of summary.stateChanges) {
    out.push('', `Router state #${change.from} → #${change.to}: ${change.planBefore} → ${change.planAfter}`);
    out.push(...change.diff.map((line) => `  ${line}`));
  }
  if (summary.notes.length) out.push('', 'Besides host commands:', ...summary.notes.map((n) => `  - ${n}`));
  out.push('', `Commands per host, in order (${summary.steps.length}; "read, ran" = run by this dry run, which changes nothing):`);
  const hosts = [...new Set(summary.steps.map((s) => s.host))];
  for (const host of hosts) {
    out.push(`  ${host}`);
    for (const step of summary.steps.filter((s) => s.host === host)) {
      out.push(`    ${String(step.n).padStart(3)}. [${step.ran ? 'read, ran' : step.effect}] ${step.purpose}`);
      out.push(...indentCommand(step.command, '           $ '));
    }
  }
  for (const branch of summary.branches) {
    if (!branch.steps.length) continue;
    out.push('', `${branch.when[0].toUpperCase()}${branch.when.slice(1)}, it runs:`);
    for (const step of branch.steps) {
      out.push(`    ${step.host}: ${step.purpose}`);
      out.push(...indentCommand(step.command, '           $ '));
    }
  }
  return `${out.join('\n')}\n`;
}

/** A multi-line script keeps its lines, each under the first one's prompt. */
function indentCommand(command: string, prompt: string): string[] {
  return command.split('\n').map((line, i) => `${i === 0 ? prompt : ' '.repeat(prompt.length)}${line}`);
}

/** The state documents' lines that differ, as a unified diff without context (small documents). */
export function stateDiff(change: StateChange): string[] {
  const before = renderState(change.before).trimEnd().split('\n');
  const after = renderState(change.after).trimEnd().split('\n');
  return lineDiff(before, after);
}

/** Longest-common-subsequence diff: `- ` for removed lines, `+ ` for added, unchanged left out. */
export function lineDiff(a: string[], b: string[]): string[] {
  const lcs: number[][] = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      lcs[i][j] = a[i] === b[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
    }
  }
  const out: string[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      i++;
      j++;
    } else if (i < a.length && (j === b.length || lcs[i + 1][j] >= lcs[i][j + 1])) {
      out.push(`- ${a[i++]}`);
    } else {
      out.push(`+ ${b[j++]}`);
    }
  }
  return out;
}

