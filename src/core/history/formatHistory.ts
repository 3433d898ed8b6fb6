// The history as text for a terminal: newest first, one block per entry.
import type { HistoryEntry } from './historyEntries';

export function formatHistory(entries: HistoryEntry[], warnings: string[] = []): string {
  const blocks = [...entries].reverse().map(formatEntry);
  const text = blocks.join('\n') || 'no history yet';
  return warnings.length ? `${text}\n${warnings.map((w) => `warning: ${w}`).join('\n')}` : text;
}

export function formatEntry(entry: HistoryEntry): string {
  const result = entry.result ? `  ${entry.result}` : '';
  const serial = entry.serial !== undefined ? `#${entry.serial} ` : '';
  const head = `${entry.time}  ${serial}${entry.stage}${result}  (${entry.who})`;
  const lines = [head];
  if (entry.automatic) lines.push(`    automatic, during: ${entry.auditStage}`);
  else if (entry.auditStage) lines.push(`    as: ${entry.auditStage}`);
  for (const change of entry.changes) lines.push(`    ${change}`);
  if (entry.detail) lines.push(`    ${entry.detail}`);
  return lines.join('\n');
}
