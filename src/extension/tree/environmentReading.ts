// What the editor knows about one environment, read from its routers and hosts through the core
// (never remembered from a stage it ran): the status, the database's connections, or the problem
// that kept it from being read — each environment on its own, so one unreachable environment
// leaves the others readable.
import type { BluegreenConfig, Environment } from '../../core/model';
import type { EnvironmentStatus } from '../../core/stages/status';
import type { HostLogSink } from '../../core/transport';
import { engine } from '../engine';
import { environmentAccess } from '../editorAccess';
import type { BluegreenSettings } from '../settings';

export type ProblemReason = 'noEngine' | 'notUp' | 'unreachable' | 'restricted' | 'failed';

export interface EnvironmentProblem {
  reason: ProblemReason;
  message: string;
  /** What to do about it. */
  hint?: string;
}

export type DatabaseReading =
  | { ok: true; summary: string; detail: string; zombies: number }
  | { ok: false; message: string };

export type EnvironmentReading =
  | { kind: 'pending' }
  | { kind: 'read'; status: EnvironmentStatus; database?: DatabaseReading; at: number }
  | { kind: 'problem'; problem: EnvironmentProblem; at: number };

/** How long the database row may take before the tree shows the rest without it. */
const DATABASE_TIMEOUT_MS = 8_000;
const ENGINE_TIMEOUT_MS = 3_000;

export { configWithSettings } from '../editorAccess';

export interface ReadOptions {
  settings: BluegreenSettings;
  /** Restricted Mode: nothing the workspace's file names is contacted (editorAccess.ts). */
  trusted: boolean;
  hostLog?: HostLogSink;
}

export async function readEnvironment(rawConfig: BluegreenConfig, envName: string, options: ReadOptions): Promise<EnvironmentReading> {
  const at = Date.now();
  const access = environmentAccess(rawConfig, envName, options.settings, options.trusted);
  if (!access.ok) return { kind: 'problem', at, problem: { reason: access.reason, message: access.message, hint: access.hint } };
  const { config, env } = access;
  const core = await engine();
  if (env.kind === 'docker') {
    try {
      await core.requireEngine(env.dockerHost, ENGINE_TIMEOUT_MS);
    } catch (error) {
      const e = error as Error & { hint?: string };
      return { kind: 'problem', at, problem: { reason: 'noEngine', message: e.message, hint: e.hint } };
    }
  }
  const handle = core.openEnvironment(config, envName, { hostLog: options.hostLog, sshPath: access.sshPath });
  try {
    const database = wantsDatabase(env) ? readDatabase(core, handle) : Promise.resolve(undefined);
    const status = await core.readStatus(handle);
    if (status.routers.length && status.routers.every((r) => !r.reachable)) {
      const errors = status.routers.map((r) => `${r.router}: ${r.error ?? 'unreachable'}`).join('; ');
      return {
        kind: 'problem', at,
        problem: env.kind === 'docker'
          ? { reason: 'notUp', message: `sandbox "${envName}" is not up`, hint: 'Run Blue-Green: Sandbox Up to create its routers, app hosts and database.' }
          : { reason: 'unreachable', message: `no router answers (${errors})`, hint: 'Check the hosts and your ~/.ssh/config, then refresh.' },
      };
    }
    return { kind: 'read', status, database: await database, at };
  } catch (error) {
    const e = error as Error & { hint?: string };
    return { kind: 'problem', at, problem: { reason: 'failed', message: e.message, hint: e.hint } };
  } finally {
    await handle.close();
  }
}

function wantsDatabase(env: Environment): boolean {
  return env.kind === 'docker' || Boolean(env.database?.host || env.database?.url);
}

async function readDatabase(core: Awaited<ReturnType<typeof engine>>, handle: import('../../core/environment/openEnvironment').EnvironmentHandle): Promise<DatabaseReading> {
  const stop = new AbortController();
  const timer = setTimeout(() => stop.abort(new Error(`no answer within ${DATABASE_TIMEOUT_MS / 1000} s`)), DATABASE_TIMEOUT_MS);
  try {
    const report = await core.readConnections(handle, stop.signal);
    const share = Math.round(report.share * 100);
    const groups = report.groups.map((g) => `${g.applicationName || '(none)'}: ${g.total} (${g.active} active, ${g.idle} idle${g.zombies ? `, ${g.zombies} zombie` : ''})`);
    return {
      ok: true,
      zombies: report.zombies,
      summary: `${report.total}/${report.maxConnections} connections (${share}%)${report.zombies ? ` · ${report.zombies} zombie${report.zombies > 1 ? 's' : ''}` : ''}`,
      detail: groups.join('\n') || 'no client connections',
    };
  } catch (error) {
    return { ok: false, message: (error as Error).message.split('\n')[0] };
  } finally {
    clearTimeout(timer);
  }
}
