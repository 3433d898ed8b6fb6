// Routers that are behind: one that was lost and came back still carries its last plan, and one
// left out with --without may come back with it. Either can send users to a color its plan
// names; a deploy to that color would hit them. So a deploy asks first (or stops, naming the
// way out), and `bluegreen routers sync` brings the routers that answer up to date.
import { Color, RouterState, hasLiveTraffic } from '../model';
import { RouterReading } from '../fleet/readRouters';
import { describePlan } from '../router/describePlan';
import { confirmOrStop } from './confirm';
import { StageContext } from './stageContext';

/** Before a deploy to `color`: every behind or left-out router that could send users there is confirmed out of rotation. */
export async function confirmBehindRoutersOutOfRotation(ctx: StageContext, readings: RouterReading[], current: RouterState, color: Color): Promise<void> {
  const env = ctx.handle.env.name;
  const behind = readings.filter((r) => r.state && r.state.serial < current.serial && hasLiveTraffic(r.state.plan, color));
  for (const r of behind) {
    const state = r.state as RouterState;
    await confirmOrStop(ctx,
      `${r.router} is behind: it carries state #${state.serial} (${describePlan(state.plan)}), which sends users to ${color}. Is ${r.router} out of rotation, so the deploy hits none of them?`,
      `bring it up to date first: bluegreen routers sync --env ${env}; or, if ${r.router} is out of rotation, run the deploy again with --yes`);
  }
  for (const router of ctx.handle.without) {
    await confirmOrStop(ctx,
      `${router} is left out (--without): if it comes back before a stage brings it up to date, it serves its last plan, which may send users to ${color}. Is ${router} out of rotation?`,
      `take ${router} out of rotation first, then run the deploy again with --yes; once it answers, bluegreen routers sync --env ${env} brings it up to date`);
  }
}
