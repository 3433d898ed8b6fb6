// restore: the routers back to their initial state (traffic.initial), every color serving users.
import { COLORS } from '../model';
import { changeTraffic } from './changeTraffic';
import { connectionGate } from './connectionGate';
import { describePlan } from '../router/describePlan';
import { StageContext, StageResult } from './stageContext';

export async function restore(ctx: StageContext): Promise<StageResult> {
  const started = Date.now();
  const initial = ctx.handle.config.traffic.initial;
  const result = await changeTraffic(ctx, {
    stage: 'restore',
    plan: () => ({ weights: { ...initial }, segments: [] }),
    // The story's zombies: refuse to move every user while the database is near its limit.
    prepare: [() => connectionGate(ctx)],
    receiving: COLORS.filter((color) => initial[color] > 0),
  });
  return { stage: 'restore', summary: `restored: ${describePlan(result.next.plan)}`, warnings: result.warnings, durationMs: Date.now() - started };
}
