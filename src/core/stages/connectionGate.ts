// The database gate before `switch` and `restore`: moving all users onto one color opens its
// pools' connections on top of whatever the other color still holds — in the story, enough
// zombies to reach the limit. Refuse while zombies exceed database.maxZombies or connections
// exceed database.maxConnectionShare of max_connections, naming who holds them.
import { RefusedError } from '../errors';
import { StageContext } from './stageContext';
import { ConnectionReport, describeGroup, formatSeconds, readConnections } from '../db/connections';

export interface GateVerdict {
  ok: boolean;
  reasons: string[];
  /** Who holds the zombies (or, over the share, the most connections). */
  culprits: string[];
}

export function judgeConnections(report: ConnectionReport, limits: { maxZombies: number; maxConnectionShare: number }): GateVerdict {
  const reasons: string[] = [];
  if (report.zombies > limits.maxZombies) {
    reasons.push(`${report.zombies} zombie connection(s) idle longer than ${formatSeconds(report.zombieAfterSeconds)} (at most ${limits.maxZombies} allowed)`);
  }
  if (report.share > limits.maxConnectionShare) {
    reasons.push(`${report.total} of ${report.maxConnections} connections in use (${(report.share * 100).toFixed(0)}% > ${(limits.maxConnectionShare * 100).toFixed(0)}%)`);
  }
  const holders = report.zombies > limits.maxZombies ? report.groups.filter((g) => g.zombies > 0) : report.groups.slice(0, 3);
  const culprits = reasons.length
    ? holders.map((g) => `${describeGroup(g)}: ${g.zombies ? `${g.zombies} zombie(s), ` : ''}${g.total} connection(s)${g.oldestIdleSeconds !== undefined ? `, oldest idle ${formatSeconds(g.oldestIdleSeconds)}` : ''}`)
    : [];
  return { ok: reasons.length === 0, reasons, culprits };
}

/** Throws RefusedError when the database is too full of connections for a switch or a restore. */
export async function connectionGate(ctx: StageContext): Promise<void> {
  const { handle } = ctx;
  if (handle.env.kind === 'ssh' && !handle.env.database?.host) {
    ctx.progress(`database gate skipped: environment "${handle.env.name}" names no database host`);
    return;
  }
  if (handle.env.kind === 'docker' && !handle.config.database.declared) {
    ctx.progress('database gate skipped: the config has no database (no `database:` section), so the sandbox runs none');
    return;
  }
  ctx.progress('checking database connections');
  const report = await readConnections(handle, ctx.signal).catch((error: Error) => {
    // A database that refuses new connections is the story's end state: refuse, do not crash.
    if (/too many clients|remaining connection slots are reserved/i.test(error.message)) {
      throw new RefusedError(
        `database gate: the database refuses new connections (${error.message.split('\n')[0]}); moving users now would fail every new connection`,
        'find the build that leaks connections (pg_stat_activity on the database host, as a superuser), restart it to drop them, then try again',
      );
    }
    throw error;
  });
  const verdict = judgeConnections(report, handle.config.database);
  if (!verdict.ok) {
    throw new RefusedError(
      `database gate: ${verdict.reasons.join('; ')}; held by ${verdict.culprits.join('; ')}`,
      'find the leak in the build named above (or restart it to drop its connections), check `bluegreen db connections`, then try again',
    );
  }
  ctx.progress(`database gate passed: ${report.total} of ${report.maxConnections} connections, ${report.zombies} zombie(s)`);
}
