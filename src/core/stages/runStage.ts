// Every stage runs under the release lock and leaves an audit line, whatever its outcome.
import { appendAudit } from '../fleet/audit';
import { acquireLock, releaseLock } from '../fleet/lock';
import { RefusedError } from '../errors';
import { refuseForeignSandbox } from '../sandbox/ownership';
import { notify } from '../notify/notify';
import { StageContext, StageResult } from './stageContext';

export interface RunStageOptions {
  /** The lock is already held by this run (the release runbook holds it across its stages). */
  lockHeld?: boolean;
  message?: string;
  /**
   * Hosts the stage reaches besides the routers (the color it deploys to, verifies or sends users
   * to): connected while the lock is taken, so their handshakes do not wait for it.
   */
  ahead?: string[];
}

export async function runStage(
  ctx: StageContext,
  stage: string,
  body: () => Promise<StageResult>,
  options: RunStageOptions = {},
): Promise<StageResult> {
  const { handle } = ctx;
  // Routers left out on purpose are part of what ran: the lock and the audit line say so.
  const label = handle.without.length && !options.lockHeld ? `${stage} (without ${handle.without.join(', ')})` : stage;
  if (!options.lockHeld) await refuseForeignSandbox(handle.config, handle.env);
  // The lock is taken on the first router, then on the rest: their connections (and those of the
  // hosts the stage reaches next) are made meanwhile.
  handle.connectAhead([...handle.routers.map((router) => router.name), ...(options.ahead ?? [])]);
  // Under the actor's own `lock hold`, the stage goes through and the hold stays.
  const outcome = options.lockHeld
    ? 'held'
    : await acquireLock(handle.routers, {
      holder: ctx.actor, since: new Date().toISOString(), stage: label, message: options.message ?? '', pid: process.pid,
      ...(handle.without.length ? { without: handle.without } : {}),
    });
  const audit = (result: 'ok' | 'failed' | 'refused', detail?: string) =>
    appendAudit(handle.routers, { time: new Date().toISOString(), who: ctx.actor, environment: handle.env.name, stage: label, result, detail })
      .catch((error: Error) => ctx.progress(`warning: could not write the audit line: ${error.message}`))
      .then(() => notify(ctx, { kind: 'stage', stage: label, result, detail }));
  try {
    const result = await body();
    await audit('ok', result.summary);
    return result;
  } catch (error) {
    await audit(error instanceof RefusedError ? 'refused' : 'failed', (error as Error).message.split('\n')[0]);
    throw error;
  } finally {
    if (outcome === 'taken') await releaseLock(handle.routers, ctx.actor).catch(() => undefined);
  }
}
