// bootstrap <version>: the first release of an environment that `hosts setup` just prepared.
// The routers send no user anywhere yet ("not released yet"), so both colors can be deployed
// and verified without --force; then traffic.initial is put in place. It refuses where users
// are already served, and where another version already runs on a host (that is a release,
// not a first one). Safe to run again after a failure: hosts already on <version> are fine.
import { COLORS, Color, hasLiveTraffic } from '../model';
import { isUnreleased, unreleasedPlan } from '../router';
import { RefusedError, StageError } from '../errors';
import { requireVersion } from '../version';
import { acquireLock, releaseLock } from '../fleet/lock';
import { appendAudit } from '../fleet/audit';
import { readRouters, currentState } from '../fleet/readRouters';
import { ColorHealth, checkColorHealth } from './health';
import { changeTraffic } from './changeTraffic';
import { describePlan } from '../router/describePlan';
import { deploy } from './deploy';
import { verify } from './verify';
import { restore } from './restore';
import { runStage } from './runStage';
import { StageContext, StageResult } from './stageContext';

/** What already runs on the hosts: each host and app with a `current` release. */
function runningReleases(health: ColorHealth[]): Array<{ color: Color; host: string; app: string; version: string }> {
  return health.flatMap((h) => h.hosts.filter((x) => x.version).map((x) => ({ color: h.color, host: x.host, app: x.app, version: x.version as string })));
}

export async function bootstrap(ctx: StageContext, version: string): Promise<StageResult[]> {
  requireVersion(version);
  const { handle } = ctx;
  const env = handle.env.name;
  const label = `bootstrap ${version}`;
  const outcome = await acquireLock(handle.routers, { holder: ctx.actor, since: new Date().toISOString(), stage: label, message: 'first release', pid: process.pid });
  const results: StageResult[] = [];
  try {
    ctx.progress('reading the routers and what runs on every host');
    const [readings, ...health] = await Promise.all([readRouters(handle.routers), ...COLORS.map((c) => checkColorHealth(handle, c))]);
    const { state } = currentState(readings);
    const running = runningReleases(health);
    const served = running.filter((r) => hasLiveTraffic(state.plan, r.color));
    if (served.length) {
      throw new RefusedError(
        `${env} already has users: the routers send ${describePlan(state.plan)}, and ${served.map((r) => `${r.host} runs ${r.app} ${r.version}`).join(', ')}; bootstrap is only for a first release`,
        `release it instead: bluegreen release ${version} --env ${env}`,
      );
    }
    const other = running.filter((r) => r.version !== version);
    if (other.length) {
      throw new RefusedError(
        `a release already runs on ${other.map((r) => `${r.host} (${r.app} ${r.version})`).join(', ')}; bootstrap installs a first release only and replaces nothing`,
        `deploy the colors one by one (bluegreen deploy blue ${version}, then green), verify both, then bluegreen restore --env ${env}`,
      );
    }

    const steps: Array<{ name: string; run: () => Promise<StageResult> }> = [];
    if (!isUnreleased(state.plan)) {
      // Set up by an older `hosts setup`: users are sent to colors where nothing runs, and get
      // errors. "Not released yet" first, so the deploys below touch no user.
      steps.push({ name: 'no users until released', run: () => unreleased(ctx) });
    }
    for (const color of COLORS) steps.push({ name: `deploy ${color} ${version}`, run: () => deploy(ctx, color, version) });
    for (const color of COLORS) steps.push({ name: `verify ${color}`, run: () => verify(ctx, color) });
    steps.push({ name: 'restore', run: () => restore(ctx) });

    for (const [index, step] of steps.entries()) {
      ctx.progress(`\n[${index + 1}/${steps.length}] ${step.name}`);
      try {
        results.push(await runStage(ctx, `${step.name} (${label}, step ${index + 1})`, step.run, { lockHeld: true }));
      } catch (error) {
        const again = `fix the cause, then run it again: bluegreen bootstrap ${version} --env ${env} (hosts already on ${version} are kept)`;
        const message = `${label} stopped at step ${index + 1} (${step.name}): ${(error as Error).message}`;
        throw error instanceof RefusedError ? new RefusedError(message, error.hint ?? again) : new StageError(message, again);
      }
    }
    await appendAudit(handle.routers, { time: new Date().toISOString(), who: ctx.actor, environment: env, stage: label, result: 'ok', detail: `${steps.length} step(s)` });
    return results;
  } finally {
    if (outcome === 'taken') await releaseLock(handle.routers, ctx.actor).catch(() => undefined);
  }
}

async function unreleased(ctx: StageContext): Promise<StageResult> {
  const started = Date.now();
  const result = await changeTraffic(ctx, { stage: 'bootstrap: not released yet', plan: unreleasedPlan });
  return { stage: 'unreleased', summary: `no users until released (was ${describePlan(result.previous.plan)})`, warnings: result.warnings, durationMs: Date.now() - started };
}
