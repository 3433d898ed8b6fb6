// What `rollback` means: the newest earlier known-good plan, never a canary, never a plan a
// rollback left; histories from every router merged, disagreements named.
import assert from 'node:assert/strict';
import { lastKnownGood, mergeHistories, notKnownGood } from '../../src/core/stages/rollbackTarget';
import { nextState } from '../../src/core/router';
import { RouterState, TrafficPlan } from '../../src/core/model';

const split = (blue: number, green: number, segments: TrafficPlan['segments'] = []): TrafficPlan => ({ weights: { blue, green }, segments });
const V1 = { api: '1.0.0', web: '1.0.0' };
const V2 = { api: '1.0.1', web: '1.0.1' };

function first(plan: TrafficPlan): RouterState {
  return {
    schema: 1, serial: 1, plan, segments: { mobile: { kind: 'userAgent', regex: 'iphone', caseInsensitive: true } },
    preview: { header: 'X-Bluegreen-Preview', cookie: 'bluegreen_preview' }, stickyCookie: 'bluegreen_split',
    versions: { blue: V1, green: V1 }, changedBy: 'a@b', changedAt: '2026-01-01T00:00:01Z', stage: 'sandbox up',
  };
}

/** A history built stage by stage, the way changeTraffic writes it. */
class History {
  states: RouterState[];
  constructor(plan: TrafficPlan) { this.states = [first(plan)]; }
  get current(): RouterState { return this.states[this.states.length - 1]; }
  push(stage: string, plan: TrafficPlan, versions?: RouterState['versions']): RouterState {
    const next = nextState(this.current, plan, { changedBy: 'a@b', stage, versions });
    this.states.push(next);
    return next;
  }
  /** One `rollback`: the plan it goes to, or undefined when it says there is none. */
  rollback(): TrafficPlan | undefined {
    const target = lastKnownGood(this.states, this.current);
    if (target) this.push('rollback', target.plan);
    return target?.plan;
  }
}

/** The sandbox's release up to `switch green`, green redeployed on the way. */
function releasedToGreen(): History {
  const h = new History(split(50, 50));
  h.push('drain green', split(100, 0));
  h.push('deploy green 1.0.1', split(100, 0), { blue: V1, green: V2 });
  h.push('verify green', split(100, 0));
  h.push('canary green --segment mobile', split(100, 0, [{ name: 'mobile', color: 'green' }]));
  h.push('switch green', split(0, 100));
  return h;
}

describe('rollback target', () => {
  it('never returns to "not released yet": after the first release there is no earlier plan to roll back to', () => {
    const h = new History(split(0, 0));
    h.push('deploy blue 1.0.0 (bootstrap 1.0.0, step 1)', split(0, 0), { blue: V1, green: {} });
    h.push('deploy green 1.0.0 (bootstrap 1.0.0, step 2)', split(0, 0), { blue: V1, green: V1 });
    h.push('restore (bootstrap 1.0.0, step 5)', split(50, 50));
    assert.equal(h.rollback(), undefined);
    h.push('drain green', split(100, 0));
    assert.deepEqual(h.rollback(), split(50, 50), 'the released plan, not the one before it');
  });

  it('a second rollback does not undo the first: it goes further back to a known-good plan, or says there is none', () => {
    const h = releasedToGreen();
    assert.deepEqual(h.rollback(), split(100, 0), 'first: back to blue 100%');
    // 50/50 would send users to green, which ran 1.0.0 then and runs 1.0.1 now; green 100% was left by a rollback.
    assert.equal(h.rollback(), undefined, 'second: no earlier known-good plan');
    assert.deepEqual(h.current.plan, split(100, 0));
  });

  it('without a redeploy in between, the second rollback goes further back and the third says there is none', () => {
    const h = new History(split(50, 50));
    h.push('drain green', split(100, 0));
    h.push('switch green', split(0, 100));
    assert.deepEqual(h.rollback(), split(100, 0));
    assert.deepEqual(h.rollback(), split(50, 50));
    assert.equal(h.rollback(), undefined);
  });

  it('from a canary: the plan before it; from a restore: the switch before it when that color still runs its version', () => {
    const h = releasedToGreen();
    const canary = h.states[4];
    assert.equal(lastKnownGood(h.states.slice(0, 5), canary)?.serial, 4);
    h.push('restore', split(50, 50));
    assert.equal(lastKnownGood(h.states, h.current)?.stage, 'switch green');
    assert.equal(lastKnownGood(h.states.slice(0, 1), h.states[0]), undefined);
  });

  it('names why a plan is not known-good', () => {
    const h = releasedToGreen();
    assert.equal(notKnownGood(h.states[0], h.current), 'green ran api 1.0.0, web 1.0.0 then and runs api 1.0.1, web 1.0.1 now');
    assert.equal(notKnownGood(h.states[1], h.current), undefined, 'blue 100% sends nobody to green');
  });
});

describe('rollback history from every router', () => {
  it('merges by serial and names routers that lack states or carry different ones', () => {
    const h = releasedToGreen();
    const forged = { ...h.states[3], stage: 'verify green (forged)' };
    const merged = mergeHistories([
      { router: 'lb1', states: h.states.slice(0, 4) },
      { router: 'lb2', states: [...h.states.slice(0, 3), forged, ...h.states.slice(4)] },
    ]);
    assert.deepEqual(merged.states.map((s) => s.serial), [1, 2, 3, 4, 5, 6]);
    assert.deepEqual(merged.disagreements, ['state #4 differs between lb1 and lb2', 'lb1 lacks states #5, #6']);
    // The newest target comes from whichever router holds it: lb1 alone would miss the switch.
    assert.equal(lastKnownGood(merged.states, merged.states[5])?.serial, 4);
  });

  it('does not count older lines cut off by the tail as a disagreement', () => {
    const h = releasedToGreen();
    assert.deepEqual(mergeHistories([{ router: 'lb1', states: h.states.slice(2) }, { router: 'lb2', states: h.states }]).disagreements, []);
  });
});
