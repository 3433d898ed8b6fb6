// The connection watch: pg_stat_activity grouped by application_name, which the apps set to
// `<app>-<color>-<version>`, so a pile of idle connections is pinned on the build that holds
// them. A *zombie* is a connection idle (or idle in a transaction) longer than
// database.zombieAfter — the story's connections "kept alive hours and even days".
import { COLORS, Color } from '../model';
import { EnvironmentHandle } from '../environment/openEnvironment';
import { OWN_APPLICATION_NAME, openPsql } from './psql';

/** One row of pg_stat_activity, as the watch reads it. */
export interface ActivityRow {
  applicationName: string;
  /** active, idle, idle in transaction, idle in transaction (aborted), …; null when unknown. */
  state: string | null;
  /** Seconds since the state last changed. */
  stateSeconds: number | null;
}

export interface AppIdentity {
  app: string;
  color: Color;
  version: string;
}

export interface ConnectionGroup {
  applicationName: string;
  app?: string;
  color?: Color;
  version?: string;
  total: number;
  active: number;
  idle: number;
  idleInTransaction: number;
  /** Seconds the longest-idle connection of the group has been idle. */
  oldestIdleSeconds?: number;
  zombies: number;
}

export interface ConnectionReport {
  environment: string;
  maxConnections: number;
  /** Client connections (ours left out). */
  total: number;
  /** total / maxConnections. */
  share: number;
  zombieAfterSeconds: number;
  zombies: number;
  /** Most zombies first, then most connections. */
  groups: ConnectionGroup[];
}

/** `web-green-1.2.0` → web, green, 1.2.0. App names and versions may contain dashes. */
export function parseApplicationName(name: string): AppIdentity | undefined {
  const match = new RegExp(`^(.+?)-(${COLORS.join('|')})-(.+)$`).exec(name);
  return match ? { app: match[1], color: match[2] as Color, version: match[3] } : undefined;
}

const isIdle = (state: string | null) => state === 'idle' || (state?.startsWith('idle in transaction') ?? false);

export function summariseConnections(rows: ActivityRow[], options: { environment: string; maxConnections: number; zombieAfterSeconds: number }): ConnectionReport {
  const groups = new Map<string, ConnectionGroup>();
  for (const row of rows) {
    const key = row.applicationName;
    let group = groups.get(key);
    if (!group) {
      group = { applicationName: key, ...parseApplicationName(key), total: 0, active: 0, idle: 0, idleInTransaction: 0, zombies: 0 };
      groups.set(key, group);
    }
    group.total++;
    if (row.state === 'active') group.active++;
    else if (row.state === 'idle') group.idle++;
    else if (row.state?.startsWith('idle in transaction')) group.idleInTransaction++;
    if (isIdle(row.state) && row.stateSeconds !== null) {
      group.oldestIdleSeconds = Math.max(group.oldestIdleSeconds ?? 0, row.stateSeconds);
      if (row.stateSeconds > options.zombieAfterSeconds) group.zombies++;
    }
  }
  const list = [...groups.values()].sort((a, b) => b.zombies - a.zombies || b.total - a.total || a.applicationName.localeCompare(b.applicationName));
  const total = rows.length;
  return {
    environment: options.environment,
    maxConnections: options.maxConnections,
    total,
    share: options.maxConnections > 0 ? total / options.maxConnections : 0,
    zombieAfterSeconds: options.zombieAfterSeconds,
    zombies: list.reduce((n, g) => n + g.zombies, 0),
    groups: list,
  };
}

/** Client backends except our own session, with how long each has been in its state. */
export const ACTIVITY_QUERY = `SELECT json_build_object(
  'maxConnections', current_setting('max_connections')::int,
  'rows', coalesce((SELECT json_agg(json_build_object(
      'applicationName', a.application_name,
      'state', a.state,
      'stateSeconds', extract(epoch FROM clock_timestamp() - a.state_change)::float8))
    FROM pg_stat_activity a
    WHERE a.backend_type = 'client backend' AND a.pid <> pg_backend_pid()
      AND a.application_name <> '${OWN_APPLICATION_NAME}'), '[]'::json));`;

export async function readConnections(handle: EnvironmentHandle, signal?: AbortSignal): Promise<ConnectionReport> {
  const answer = await openPsql(handle, process.env, { watch: true }).queryJson<{ maxConnections: number; rows: ActivityRow[] }>(ACTIVITY_QUERY, { signal, timeoutMs: 20_000 });
  return summariseConnections(answer.rows, {
    environment: handle.env.name,
    maxConnections: answer.maxConnections,
    zombieAfterSeconds: handle.config.database.zombieAfterSeconds,
  });
}

export function describeGroup(group: ConnectionGroup): string {
  return group.app ? `${group.app} on ${group.color} at ${group.version}` : `"${group.applicationName || '(no application_name)'}"`;
}

export function formatConnections(report: ConnectionReport): string {
  const header = `${report.environment}: ${report.total} of ${report.maxConnections} connections (${(report.share * 100).toFixed(0)}%), `
    + `${report.zombies} zombie(s) idle longer than ${formatSeconds(report.zombieAfterSeconds)}`;
  if (!report.groups.length) return `${header}\n  no client connections`;
  const rows = [['application', 'app', 'color', 'version', 'total', 'active', 'idle', 'idle-in-tx', 'oldest idle', 'zombies']];
  for (const g of report.groups) {
    rows.push([g.applicationName || '(none)', g.app ?? '-', g.color ?? '-', g.version ?? '-', String(g.total), String(g.active), String(g.idle),
      String(g.idleInTransaction), g.oldestIdleSeconds === undefined ? '-' : formatSeconds(g.oldestIdleSeconds), String(g.zombies)]);
  }
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return [header, ...rows.map((r) => `  ${r.map((cell, i) => cell.padEnd(widths[i])).join('  ').trimEnd()}`)].join('\n');
}

export function formatSeconds(seconds: number): string {
  if (seconds < 120) return `${Math.round(seconds)}s`;
  if (seconds < 7200) return `${Math.round(seconds / 60)}m`;
  return `${(seconds / 3600).toFixed(1)}h`;
}
