// An environment's release history as people read it: every state the routers applied (who,
// when, which stage, the plan before and after, the versions per color) joined with the audit
// log's line for the stage that made it (its result and detail), and the audit lines that changed
// nothing (a verify that failed, a refused switch, a release's summary) in between. Pure.
import { COLORS, type Color, type RouterState, type TrafficPlan } from '../model';
import type { AuditEntry } from '../fleet/audit';
import { describePlan, samePlan } from '../router/describePlan';

export type Versions = Record<Color, Record<string, string>>;

export interface HistoryEntry {
  /** `change`: a state the routers applied; `audit`: an audit line that changed no state. */
  kind: 'change' | 'audit';
  /** ISO 8601: when the state was applied, or when the audit line was written. */
  time: string;
  who: string;
  /** The stage that made the change (the state's), or the audit line's stage. */
  stage: string;
  /** The router state's serial (changes only). */
  serial?: number;
  /** The audit log's result for the stage; absent when no audit line was found for a change. */
  result?: AuditEntry['result'];
  detail?: string;
  /** The audit line's stage when it says more than the state's (`… (release 2.0.0, step 2)`). */
  auditStage?: string;
  /** A rollback the canary analysis made by itself, during the stage named in `auditStage`. */
  automatic?: boolean;
  planBefore?: TrafficPlan;
  planAfter?: TrafficPlan;
  versionsBefore?: Versions;
  versionsAfter?: Versions;
  /** What changed, in words: `users: blue 100% → green 100%`, `green api: 1.0.0 → 2.0.0`. */
  changes: string[];
}

/** How long after a state its stage's audit line may come (a canary's watch, a slow deploy). */
const JOIN_WINDOW_MS = 6 * 3_600_000;

/** The audit line of a stage names the state's stage, maybe followed by ` (release …, step N)`. */
export function auditNamesStage(auditStage: string, stateStage: string): boolean {
  return auditStage === stateStage || auditStage.startsWith(`${stateStage} (`);
}

/** The plan and version differences between two states, in words. */
export function describeChanges(before: Pick<RouterState, 'plan' | 'versions'> | undefined, after: Pick<RouterState, 'plan' | 'versions'>): string[] {
  if (!before) return [`users: ${describePlan(after.plan)}`];
  const changes: string[] = [];
  if (!samePlan(before.plan, after.plan)) changes.push(`users: ${describePlan(before.plan)} → ${describePlan(after.plan)}`);
  for (const color of COLORS) {
    const then = before.versions[color] ?? {};
    const now = after.versions[color] ?? {};
    for (const app of [...new Set([...Object.keys(then), ...Object.keys(now)])].sort()) {
      if (then[app] !== now[app]) changes.push(`${color} ${app}: ${then[app] ?? 'none'} → ${now[app] ?? 'none'}`);
    }
  }
  return changes;
}

/**
 * Oldest first. `states` may come in any order and with gaps (the routers' history files are
 * tailed): a state's "before" is the state with the serial just below it, when it was read.
 * `audit` lines of other environments are left out.
 */
export function buildHistory(states: RouterState[], audit: AuditEntry[], environment: string): HistoryEntry[] {
  const bySerial = [...new Map(states.map((s) => [s.serial, s])).values()].sort((a, b) => a.serial - b.serial);
  const lines = audit.filter((a) => a.environment === environment).sort((a, b) => a.time.localeCompare(b.time));
  const used = new Set<AuditEntry>();
  const entries: HistoryEntry[] = [];
  let previous: RouterState | undefined;
  let previousAudit: AuditEntry | undefined;
  for (const state of bySerial) {
    const before = previous && previous.serial === state.serial - 1 ? previous : undefined;
    const applied = Date.parse(state.changedAt);
    const line = lines.find((a) => !used.has(a) && a.who === state.changedBy && auditNamesStage(a.stage, state.stage)
      && Date.parse(a.time) >= applied && Date.parse(a.time) - applied <= JOIN_WINDOW_MS);
    const entry: HistoryEntry = {
      kind: 'change',
      time: state.changedAt,
      who: state.changedBy,
      stage: state.stage,
      serial: state.serial,
      ...(before ? { planBefore: before.plan, versionsBefore: before.versions } : {}),
      planAfter: state.plan,
      versionsAfter: state.versions,
      changes: describeChanges(before, state),
    };
    if (line) {
      used.add(line);
      Object.assign(entry, auditFields(line, state.stage));
    } else if (state.stage.startsWith('rollback (canary breach') && previousAudit && before?.stage.startsWith('canary')) {
      // The analysis rolled the canary back inside the canary stage: that stage's line tells its end.
      Object.assign(entry, auditFields(previousAudit, ''), { automatic: true });
    }
    entries.push(entry);
    previous = state;
    previousAudit = line;
  }
  const oldest = bySerial[0] ? Date.parse(bySerial[0].changedAt) : -Infinity;
  for (const line of lines) {
    if (used.has(line)) continue;
    // Before the oldest state read, a line may belong to a state that was not read: leave it out.
    if (Date.parse(line.time) < oldest) continue;
    entries.push({ kind: 'audit', time: line.time, who: line.who, stage: line.stage, result: line.result, ...(line.detail ? { detail: line.detail } : {}), changes: [] });
  }
  return entries.sort((a, b) => a.time.localeCompare(b.time) || (a.serial ?? Infinity) - (b.serial ?? Infinity));
}

function auditFields(line: AuditEntry, stateStage: string): Partial<HistoryEntry> {
  return {
    result: line.result,
    ...(line.detail ? { detail: line.detail } : {}),
    ...(line.stage !== stateStage ? { auditStage: line.stage } : {}),
  };
}
