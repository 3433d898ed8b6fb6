// The append-only audit log on every router: who, when, environment, stage, result.
import { appendAuditCommand, readAuditCommand, readHistoryCommand } from '../hostCommands/routerCommands';
import { runHostCommand } from '../hostCommands/run';
import { RouterHandle, onRouters } from './routerHandle';

export interface AuditEntry {
  time: string;
  who: string;
  environment: string;
  stage: string;
  result: 'ok' | 'failed' | 'refused';
  detail?: string;
}

export async function appendAudit(routers: RouterHandle[], entry: AuditEntry): Promise<void> {
  const line = `${JSON.stringify(entry)}\n`;
  await onRouters(routers, (router) => {
    return runHostCommand(router.transport, appendAuditCommand(router, line));
  });
}

/** The last `count` entries, merged from every reachable router (a router may have missed some). */
export async function readAudit(routers: RouterHandle[], count: number): Promise<AuditEntry[]> {
  const results = await onRouters(routers, (router) => {
    return runHostCommand(router.transport, readAuditCommand(router, count));
  });
  const seen = new Map<string, AuditEntry>();
  for (const result of results) {
    if (!result.ok) continue;
    for (const line of result.value.stdout.split('\n')) {
      if (!line.trim()) continue;
      try { seen.set(line, JSON.parse(line) as AuditEntry); } catch { /* a torn line from a crash */ }
    }
  }
  return [...seen.values()].sort((a, b) => a.time.localeCompare(b.time)).slice(-count);
}

export async function readHistory(router: RouterHandle, count: number): Promise<string[]> {
  const result = await runHostCommand(router.transport, readHistoryCommand(router, count));
  return result.stdout.split('\n').filter((l) => l.trim());
}
