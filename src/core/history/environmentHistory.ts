// Reads an environment's history from its routers: every router's state history (merged by
// serial, disagreements named, as rollback reads it) and the audit log, joined by historyEntries.
import type { RouterState } from '../model';
import type { EnvironmentHandle } from '../environment/openEnvironment';
import { readAudit, readHistory } from '../fleet/audit';
import { onRouters } from '../fleet/routerHandle';
import { parseState } from '../router';
import { mergeHistories } from '../stages/rollbackTarget';
import { HistoryEntry, buildHistory } from './historyEntries';

export interface EnvironmentHistory {
  environment: string;
  /** Oldest first; at most `limit`, the newest ones. */
  entries: HistoryEntry[];
  /** Routers whose history could not be read, and where the routers' histories disagree. */
  warnings: string[];
}

export async function readEnvironmentHistory(handle: Pick<EnvironmentHandle, 'env' | 'routers'>, options: { limit: number }): Promise<EnvironmentHistory> {
  const limit = Math.max(1, Math.floor(options.limit));
  const { routers } = handle;
  // More states than shown, so the oldest shown has its "before" (a change also writes the state
  // it replaced, so a file can hold a serial twice); the audit log also has the stages that
  // changed nothing, so more of it too.
  const [read, audit] = await Promise.all([
    onRouters(routers, (router) => readHistory(router, limit * 2 + 2)),
    readAudit(routers, limit * 3 + 10),
  ]);
  const warnings = read.flatMap((r, i) => (r.ok ? [] : [`${routers[i].name}: history unreadable (${r.error.message})`]));
  const merged = mergeHistories(read.flatMap((r, i) => (r.ok ? [{ router: routers[i].name, states: parseLines(r.value) }] : [])));
  warnings.push(...merged.disagreements);
  const entries = buildHistory(merged.states, audit, handle.env.name);
  return { environment: handle.env.name, entries: entries.slice(-limit), warnings };
}

function parseLines(lines: string[]): RouterState[] {
  return lines.flatMap((line) => {
    try {
      return [parseState(line)];
    } catch {
      return []; // a torn line from a crash
    }
  });
}
