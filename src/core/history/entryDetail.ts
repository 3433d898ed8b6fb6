// One history entry as a document for a person: what ran, who, when, its result, and the plan and
// versions before and after as a diff (the same diff a dry run prints). Pure.
import { lineDiff } from '../plan/formatPlan';
import { describePlan } from '../router/describePlan';
import { formatEntry } from './formatHistory';
import type { HistoryEntry } from './historyEntries';

export function entryDetail(entry: HistoryEntry, environment: string): string {
  const lines = [`${environment}: ${entry.stage}`, '', formatEntry(entry)];
  if (entry.kind === 'audit') {
    lines.push('', 'This stage changed no router state (its audit line is above).');
    return `${lines.join('\n')}\n`;
  }
  if (entry.planAfter) {
    lines.push('', `Users: ${entry.planBefore ? `${describePlan(entry.planBefore)} → ` : ''}${describePlan(entry.planAfter)}`);
  }
  const shown = (plan: unknown, versions: unknown) => JSON.stringify({ plan, versions }, null, 2).split('\n');
  if (entry.planBefore && entry.planAfter) {
    const diff = lineDiff(shown(entry.planBefore, entry.versionsBefore), shown(entry.planAfter, entry.versionsAfter));
    lines.push('', `Plan and versions, state #${(entry.serial ?? 1) - 1} → #${entry.serial}:`, ...(diff.length ? diff.map((l) => `  ${l}`) : ['  (the same: only checks or who/when changed)']));
  } else if (entry.planAfter) {
    lines.push('', `Plan and versions in state #${entry.serial} (the state before it was not read):`, ...shown(entry.planAfter, entry.versionsAfter).map((l) => `  ${l}`));
  }
  return `${lines.join('\n')}\n`;
}
