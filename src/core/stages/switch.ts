// switch <color>: every user to one color. Warns when that color was not verified since its
// last deploy — the story's team tested green before they switched.
import { Color, RouterState } from '../model';
import { percentPlan } from '../router';
import { changeTraffic } from './changeTraffic';
import { connectionGate } from './connectionGate';
import { describePlan } from '../router/describePlan';
import { StageContext, StageResult } from './stageContext';

export async function switchTo(ctx: StageContext, color: Color): Promise<StageResult> {
  const started = Date.now();
  const stage = `switch ${color}`;
  const warnings: string[] = [];
  const result = await changeTraffic(ctx, {
    stage,
    // The story's zombies: refuse to move every user while the database is near its limit.
    prepare: [() => connectionGate(ctx)],
    receiving: [color],
    plan: (current) => {
      const warning = unverifiedWarning(current, color);
      if (warning) {
        warnings.push(warning);
        ctx.progress(`warning: ${warning}`);
      }
      return percentPlan(color, 100);
    },
  });
  return { stage, summary: `switched to ${color}: ${describePlan(result.next.plan)}`, warnings: [...warnings, ...result.warnings], durationMs: Date.now() - started };
}

export function unverifiedWarning(state: RouterState, color: Color): string | undefined {
  const checks = state.checks?.[color];
  if (!checks?.deployedAt) return undefined;
  if (!checks.verifiedAt || checks.verifiedAt < checks.deployedAt) {
    return `${color} was deployed at ${checks.deployedAt} and not verified since (bluegreen verify ${color})`;
  }
  return undefined;
}
