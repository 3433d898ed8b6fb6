// `bluegreen routers sync`: every router that answers carries the environment's current state
// again — a router that was lost (or left out with --without) and came back is brought up to date
// before anything else moves. The plan is the one live on the other routers: no user moves there.
import { changeTraffic } from './changeTraffic';
import { StageContext, StageResult } from './stageContext';

export async function syncRouters(ctx: StageContext): Promise<StageResult> {
  const started = Date.now();
  const stage = 'routers sync';
  const result = await changeTraffic(ctx, { stage, plan: (current) => current.plan, skipHealthGate: true, noConfirm: true });
  const routers = ctx.handle.routers.map((r) => r.name).join(', ');
  return {
    stage,
    summary: result.changed ? `${routers} carry state #${result.next.serial} (${result.warnings.find((w) => w.includes('older state')) ?? 'rewritten'})` : `${routers} already carry state #${result.previous.serial}: nothing to do`,
    warnings: result.changed ? result.warnings.filter((w) => !w.includes('older state')) : [],
    durationMs: Date.now() - started,
  };
}
