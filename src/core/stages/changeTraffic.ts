// The one path by which a stage moves traffic: read the routers, gate on the health of every
// color that will receive users, confirm with what will change, apply atomically to all routers.
import { COLORS, Color, RouterState, TrafficPlan, hasLiveTraffic } from '../model';
import { nextState, validatePlan } from '../router';
import { readRouters, currentState, RouterReading } from '../fleet/readRouters';
import { applyState } from '../fleet/applyState';
import { RefusedError, InputError } from '../errors';
import { StageContext } from './stageContext';
import { ColorHealth, checkColorHealth, describeUnhealthy } from './health';
import { describeChange, samePlan } from '../router/describePlan';
import { confirmOrStop } from './confirm';
import { unhealthyColorHint } from './nextStep';
import { requireCurrentToolingOn } from '../hosts/hostTooling';

export interface TrafficChange {
  /** The stage as typed, e.g. `switch green`: recorded in the state document. */
  stage: string;
  plan: (current: RouterState) => TrafficPlan;
  /** Extra fields for the next state (versions, checks). */
  amend?: (next: RouterState) => RouterState;
  /** Skip the health gate (drain moves traffic away, it needs the other color healthy only). */
  skipHealthGate?: boolean;
  /** Skip the confirmation (a rollback driven by the canary analysis). */
  noConfirm?: boolean;
  /**
   * Work that runs while the routers are read — the database gate, reading the history. The plan
   * is made, and anything written, only after all of it has succeeded.
   */
  prepare?: Array<() => Promise<void>>;
  /**
   * The colors the new plan sends users to, when the stage knows them before reading (switch,
   * restore): their health is checked while the routers are read instead of after.
   */
  receiving?: Color[];
}

export interface TrafficChangeResult {
  previous: RouterState;
  next: RouterState;
  changed: boolean;
  warnings: string[];
  /** What the routers carried before the change (a dry run plans a canary's rollback from it). */
  readings: RouterReading[];
}

export async function changeTraffic(ctx: StageContext, change: TrafficChange): Promise<TrafficChangeResult> {
  const { handle } = ctx;
  // Everything that only reads runs at once; nothing is written until all of it has answered.
  const early = new Map<Color, Promise<ColorHealth>>();
  if (!change.skipHealthGate) for (const color of change.receiving ?? []) early.set(color, healthOf(ctx, color));
  const [readings] = await Promise.all([
    readRouters(handle.routers),
    ...(change.prepare ?? []).map((work) => work()),
    ...early.values(),
  ]);
  const { state: previous, stale } = currentState(readings);
  const warnings: string[] = [];
  if (stale.length) warnings.push(`router(s) ${stale.join(', ')} carried an older state; this change rewrites them`);
  requireCurrentToolingOn(handle.env, readings);
  warnings.push(...silentRouters(readings));

  const plan = change.plan(previous);
  const problems = validatePlan(plan, handle.config.traffic);
  if (problems.length) throw new InputError(`invalid traffic plan: ${problems.join('; ')}`);

  if (!change.skipHealthGate) {
    const receiving = COLORS.filter((c: Color) => hasLiveTraffic(plan, c));
    for (const color of receiving) {
      const health = await (early.get(color) ?? healthOf(ctx, color));
      if (!health.healthy) {
        throw new RefusedError(`${describeUnhealthy(health)}; traffic was not moved`, unhealthyColorHint(handle.env.name, previous.plan, health));
      }
    }
  }

  const unchanged = samePlan(previous.plan, plan) && !stale.length && !change.amend;
  if (unchanged) return { previous, next: previous, changed: false, warnings: [...warnings, 'the routers already carry this plan; nothing to do'], readings };

  if (!change.noConfirm && !samePlan(previous.plan, plan)) {
    const verb = change.stage.split(' ')[0];
    await confirmOrStop(ctx, `${verb[0].toUpperCase()}${verb.slice(1)} ${describeChange(handle.env.name, previous.plan, plan)}?`);
  }

  let next = nextState(previous, plan, { changedBy: ctx.actor, stage: change.stage });
  if (change.amend) next = change.amend(next);
  await applyState({
    routers: handle.routers,
    readings,
    next,
    render: { apps: handle.config.apps, traffic: handle.config.traffic, topology: handle.topology, listenPort: handle.routerPort },
    onProgress: ctx.progress,
  });
  return { previous, next, changed: true, warnings, readings };
}

/**
 * Routers whose nginx does not answer: the change is written all the same (both modes read it per
 * request, no reload needed), and said as a warning.
 */
function silentRouters(readings: RouterReading[]): string[] {
  return readings.filter((r) => r.answering === false)
    .map((r) => `nginx does not answer on ${r.router} (${r.probe}): users reaching it get no answer; it serves the new plan once nginx runs again`);
}

function healthOf(ctx: StageContext, color: Color): Promise<ColorHealth> {
  ctx.progress(`checking ${color} health on every host`);
  return checkColorHealth(ctx.handle, color);
}
