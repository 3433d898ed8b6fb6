// drain <color>: every user to the other color, then wait (up to traffic.drainTimeout) for the
// requests the color was serving to finish, so a deploy right after cuts none. The drained color
// keeps serving preview requests.
import { Color, otherColor } from '../model';
import { percentPlan } from '../router';
import { changeTraffic } from './changeTraffic';
import { describePlan } from '../router/describePlan';
import { StageContext, StageResult } from './stageContext';
import { describeInFlight, waitForInFlight } from './inFlightWait';

export async function drain(ctx: StageContext, color: Color): Promise<StageResult> {
  const started = Date.now();
  const stage = `drain ${color}`;
  const result = await changeTraffic(ctx, {
    stage,
    plan: () => percentPlan(otherColor(color), 100),
  });
  const inFlight = describeInFlight(color, await waitForInFlight(ctx, color));
  return { stage, summary: `${color} drained: ${describePlan(result.next.plan)}; ${inFlight.line}`, warnings: [...result.warnings, ...inFlight.warnings], durationMs: Date.now() - started };
}
