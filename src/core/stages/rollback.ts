// rollback: traffic back to the last known-good plan from the routers' state history. It moves
// traffic only; it does not redeploy. Known-good: the newest earlier plan that differs from the
// current one and was not a canary (a canary is the thing being rolled back, not a safe place).
import { RouterState } from '../model';
import { parseState } from '../router';
import { readHistory } from '../fleet/audit';
import { StageError } from '../errors';
import { changeTraffic } from './changeTraffic';
import { describePlan, samePlan } from './describePlan';
import { StageContext, StageResult } from './stageContext';

export async function rollback(ctx: StageContext, options: { reason?: string; noConfirm?: boolean } = {}): Promise<StageResult> {
  const started = Date.now();
  let states: RouterState[] = [];
  const result = await changeTraffic(ctx, {
    stage: options.reason ? `rollback (${options.reason})` : 'rollback',
    noConfirm: options.noConfirm,
    prepare: [async () => {
      const history = await readHistory(ctx.handle.routers[0], 200);
      states = history.flatMap((line) => { try { return [parseState(line)]; } catch { return []; } });
    }],
    plan: (current) => {
      const target = lastKnownGood(states, current);
      if (!target) throw new StageError('no earlier known-good plan in the routers\' history', 'use `bluegreen switch COLOR` or `bluegreen restore`');
      ctx.progress(`rolling back to the plan of state #${target.serial} (${target.stage}, ${target.changedAt})`);
      return target.plan;
    },
  });
  return { stage: 'rollback', summary: `rolled back: ${describePlan(result.next.plan)}`, warnings: result.warnings, durationMs: Date.now() - started };
}

export function lastKnownGood(history: RouterState[], current: RouterState): RouterState | undefined {
  const older = history.filter((s) => s.serial < current.serial).sort((a, b) => b.serial - a.serial);
  return older.find((s) => !samePlan(s.plan, current.plan) && !s.stage.startsWith('canary'));
}
