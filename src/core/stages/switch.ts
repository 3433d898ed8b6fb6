// switch <color>: every user to one color, then wait (as drain does) for the requests the other
// color was serving to finish. Warns when that color was not verified since its last deploy —
// the story's team tested green before they switched.
import { Color, RouterState, otherColor } from '../model';
import { percentPlan } from '../router';
import { changeTraffic } from './changeTraffic';
import { connectionGate } from './connectionGate';
import { describePlan } from '../router/describePlan';
import { StageContext, StageResult } from './stageContext';
import { describeInFlight, waitForInFlight } from './inFlightWait';

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
  const inFlight = describeInFlight(otherColor(color), await waitForInFlight(ctx, otherColor(color)));
  return { stage, summary: `switched to ${color}: ${describePlan(result.next.plan)}; ${inFlight.line}`, warnings: [...warnings, ...result.warnings, ...inFlight.warnings], durationMs: Date.now() - started };
}

export function unverifiedWarning(state: RouterState, color: Color): string | undefined {
  const checks = state.checks?.[color];
  if (!checks?.deployedAt) return undefined;
  if (!checks.verifiedAt || checks.verifiedAt < checks.deployedAt) {
    return `${color} was deployed at ${checks.deployedAt} and not verified since (bluegreen verify ${color})`;
  }
  return undefined;
}
