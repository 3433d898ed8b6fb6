// drain <color>: every user to the other color; the drained color keeps serving preview requests.
import { Color, otherColor } from '../model';
import { percentPlan } from '../router';
import { changeTraffic } from './changeTraffic';
import { describePlan } from '../router/describePlan';
import { StageContext, StageResult } from './stageContext';

export async function drain(ctx: StageContext, color: Color): Promise<StageResult> {
  const started = Date.now();
  const stage = `drain ${color}`;
  const result = await changeTraffic(ctx, {
    stage,
    plan: () => percentPlan(otherColor(color), 100),
  });
  return { stage, summary: `${color} drained: ${describePlan(result.next.plan)}`, warnings: result.warnings, durationMs: Date.now() - started };
}
