// rollback: traffic back to the newest earlier plan that is known-good (rollbackTarget.ts says
// exactly what that means), read from every router's state history. It moves traffic only; it
// does not redeploy. Routers whose histories disagree are reported, never silently preferred.
import { RouterState } from '../model';
import { parseState } from '../router';
import { readHistory } from '../fleet/audit';
import { onRouters } from '../fleet/routerHandle';
import { StageError } from '../errors';
import { changeTraffic } from './changeTraffic';
import { describePlan } from '../router/describePlan';
import { lastKnownGood, mergeHistories } from './rollbackTarget';
import { StageContext, StageResult } from './stageContext';

export { lastKnownGood } from './rollbackTarget';

export const ROLLBACK_MEANING = 'traffic back to the newest earlier plan that is known-good (every color it sends users to still runs the version it ran then), never to a canary or to a plan a rollback left; it does not redeploy';

export async function rollback(ctx: StageContext, options: { reason?: string; noConfirm?: boolean } = {}): Promise<StageResult> {
  const started = Date.now();
  let states: RouterState[] = [];
  let disagreements: string[] = [];
  const result = await changeTraffic(ctx, {
    stage: options.reason ? `rollback (${options.reason})` : 'rollback',
    noConfirm: options.noConfirm,
    prepare: [async () => {
      const routers = ctx.handle.routers;
      const read = await onRouters(routers, (router) => readHistory(router, 200));
      const merged = mergeHistories(read.flatMap((r, i) => r.ok
        ? [{ router: routers[i].name, states: r.value.flatMap((line) => { try { return [parseState(line)]; } catch { return []; } }) }]
        : []));
      const unreadable = read.flatMap((r, i) => (r.ok ? [] : [`${routers[i].name}: history unreadable (${r.error.message})`]));
      states = merged.states;
      disagreements = [...unreadable, ...merged.disagreements];
      for (const line of disagreements) ctx.progress(`warning: routers disagree on the history: ${line}`);
    }],
    plan: (current) => {
      const target = lastKnownGood(states, current);
      if (!target) {
        throw new StageError(
          'no earlier known-good plan in the routers\' history: every earlier plan is a canary, was left by a rollback, or sends users to a color that has been redeployed since',
          'move traffic yourself: `bluegreen switch COLOR` (after `bluegreen verify COLOR`) or `bluegreen restore`',
        );
      }
      ctx.progress(`rolling back to the plan of state #${target.serial} (${target.stage}, ${target.changedAt})`);
      return target.plan;
    },
  });
  const warnings = [...disagreements.map((d) => `routers disagree on the history: ${d}`), ...result.warnings];
  return { stage: 'rollback', summary: `rolled back: ${describePlan(result.next.plan)}`, warnings, durationMs: Date.now() - started };
}
