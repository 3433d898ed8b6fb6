// restore: the routers back to their initial state (traffic.initial), every color serving users.
import { changeTraffic } from './changeTraffic';
import { connectionGate } from '../db/connectionGate';
import { describePlan } from './describePlan';
import { StageContext, StageResult } from './stageContext';

export async function restore(ctx: StageContext): Promise<StageResult> {
  const started = Date.now();
  // The story's zombies: refuse to move every user while the database is near its limit.
  await connectionGate(ctx);
  const initial = ctx.handle.config.traffic.initial;
  const result = await changeTraffic(ctx, { stage: 'restore', plan: () => ({ weights: { ...initial }, segments: [] }) });
  return { stage: 'restore', summary: `restored: ${describePlan(result.next.plan)}`, warnings: result.warnings, durationMs: Date.now() - started };
}
