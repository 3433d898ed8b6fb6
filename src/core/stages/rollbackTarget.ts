// What `rollback` means, as pure functions over the routers' state history:
// back to the newest earlier plan that is known-good — every color it sends users to still runs
// the version it ran then — that is not a canary (the thing being rolled back) and not a plan a
// rollback left (so a second rollback goes further back instead of undoing the first), and never
// the plan that sends no user anywhere (before the first release).
import { COLORS, RouterState, hasLiveTraffic } from '../model';
import { isUnreleased, renderState } from '../router';
import { samePlan } from '../router/describePlan';

const isRollback = (state: RouterState) => state.stage.startsWith('rollback');

/** Why `candidate` is not a known-good place to send users back to; undefined when it is. */
export function notKnownGood(candidate: RouterState, current: RouterState): string | undefined {
  for (const color of COLORS) {
    if (!hasLiveTraffic(candidate.plan, color)) continue;
    const then = candidate.versions[color];
    const now = current.versions[color];
    const changed = Object.keys({ ...then, ...now }).filter((app) => then[app] !== now[app]);
    if (changed.length) return `${color} ran ${changed.map((a) => `${a} ${then[a] ?? 'none'}`).join(', ')} then and runs ${changed.map((a) => `${a} ${now[a] ?? 'none'}`).join(', ')} now`;
  }
  return undefined;
}

/**
 * Walks back from `current`. Every rollback passed on the way marks the plan it left (the state
 * just before it) as not a place to return to.
 */
export function lastKnownGood(history: RouterState[], current: RouterState): RouterState | undefined {
  const bySerial = new Map(history.map((s) => [s.serial, s]));
  bySerial.set(current.serial, current);
  const left: RouterState[] = [];
  const leftBy = (state: RouterState) => {
    const before = bySerial.get(state.serial - 1);
    if (isRollback(state) && before) left.push(before);
  };
  leftBy(current);
  const older = [...bySerial.values()].filter((s) => s.serial < current.serial).sort((a, b) => b.serial - a.serial);
  for (const candidate of older) {
    leftBy(candidate);
    if (samePlan(candidate.plan, current.plan)) continue;
    if (candidate.stage.startsWith('canary')) continue;
    // "Not released yet" (hosts setup, before bootstrap) serves no user: never a place to return to.
    if (isUnreleased(candidate.plan)) continue;
    if (left.some((l) => samePlan(l.plan, candidate.plan))) continue;
    if (notKnownGood(candidate, current)) continue;
    return candidate;
  }
  return undefined;
}

export interface MergedHistory {
  states: RouterState[];
  /** Where routers disagree: a serial some lack, or different documents under one serial. */
  disagreements: string[];
}

/** One history from every router's: the union by serial, with every disagreement named. */
export function mergeHistories(perRouter: Array<{ router: string; states: RouterState[] }>): MergedHistory {
  const bySerial = new Map<number, Map<string, string[]>>(); // serial → document → routers
  const states = new Map<number, RouterState>();
  for (const { router, states: list } of perRouter) {
    for (const state of list) {
      const text = renderState(state);
      const variants = bySerial.get(state.serial) ?? new Map<string, string[]>();
      variants.set(text, [...(variants.get(text) ?? []), router]);
      bySerial.set(state.serial, variants);
      if (!states.has(state.serial)) states.set(state.serial, state);
    }
  }
  const routers = perRouter.map((r) => r.router);
  const disagreements: string[] = [];
  if (routers.length > 1) {
    // Only the span every router could have seen: a router's history file is tailed, so older
    // lines missing from one of them are not a disagreement.
    const oldest = Math.max(...perRouter.map((r) => Math.min(...r.states.map((s) => s.serial), Infinity)).filter(Number.isFinite));
    const lacking = new Map<string, number[]>();
    for (const serial of [...bySerial.keys()].sort((a, b) => a - b)) {
      if (serial < oldest) continue;
      const variants = bySerial.get(serial) as Map<string, string[]>;
      const holding = [...variants.values()].flat();
      for (const r of routers.filter((x) => !holding.includes(x))) lacking.set(r, [...(lacking.get(r) ?? []), serial]);
      if (variants.size > 1) disagreements.push(`state #${serial} differs between ${[...variants.values()].map((rs) => rs.join('+')).join(' and ')}`);
    }
    for (const [router, serials] of lacking) disagreements.push(`${router} lacks state${serials.length > 1 ? 's' : ''} ${serials.map((n) => `#${n}`).join(', ')}`);
  }
  return { states: [...states.values()].sort((a, b) => a.serial - b.serial), disagreements };
}
