import * as assert from 'node:assert/strict';
import type { RouterState, TrafficSpec } from '../../src/core/model';
import { initialState, nextState, parseState, percentPlan, renderState, segmentPlan, validatePlan } from '../../src/core/router';

const traffic: TrafficSpec = {
  initial: { blue: 50, green: 50 },
  segments: [
    { name: 'mobile', match: { kind: 'userAgent', regex: '(android|iphone)', caseInsensitive: true } },
    { name: 'beta', match: { kind: 'cookie', name: 'beta', value: 'yes' } },
  ],
  preview: { header: 'X-Bluegreen-Preview', cookie: 'bluegreen_preview' },
  canary: { windowSeconds: 60, maxErrorRate: 0.01, maxP95Ms: 800 },
  stickyCookie: 'bluegreen_bucket',
  drainTimeoutSeconds: 30,
};
const versions = { blue: { web: '1.0.0', api: '1.0.0' }, green: { api: '1.1.0', web: '1.1.0' } };
const when = new Date('2025-01-02T03:04:05.000Z');

describe('router state document', () => {
  it('starts at serial 1 with traffic.initial and a copy of the segments', () => {
    const state = initialState(traffic, versions, 'alice', 'restore', when);
    assert.equal(state.serial, 1);
    assert.deepEqual(state.plan, { weights: { blue: 50, green: 50 }, segments: [] });
    assert.deepEqual(Object.keys(state.segments), ['mobile', 'beta']);
    assert.equal(state.changedAt, '2025-01-02T03:04:05.000Z');
    assert.equal(state.stage, 'restore');
    assert.equal(initialState(traffic, versions, 'alice').stage, 'init');
  });

  it('counts serials up and keeps versions unless given new ones', () => {
    const first = initialState(traffic, versions, 'alice', 'init', when);
    const second = nextState(first, segmentPlan('green', 'mobile'), { changedBy: 'bob', stage: 'canary green --segment mobile', now: when });
    assert.equal(second.serial, 2);
    assert.deepEqual(second.plan, { weights: { blue: 100, green: 0 }, segments: [{ name: 'mobile', color: 'green' }] });
    assert.deepEqual(second.versions, versions);
    const third = nextState(second, percentPlan('green', 100), { changedBy: 'bob', stage: 'switch green', versions: { blue: {}, green: { api: '2' } } });
    assert.equal(third.serial, 3);
    assert.deepEqual(third.versions, { blue: {}, green: { api: '2' } });
    assert.equal(first.serial, 1, 'the previous document is not changed');
  });

  it('refuses a next plan that is not valid', () => {
    const first = initialState(traffic, versions, 'alice');
    assert.throws(() => nextState(first, { weights: { blue: 60, green: 60 }, segments: [] }, { changedBy: 'x', stage: 'x' }), /sum to 100/);
    assert.throws(() => nextState(first, segmentPlan('green', 'tablet'), { changedBy: 'x', stage: 'x' }), /unknown segment "tablet"/);
  });

  it('round-trips through canonical bytes, the same for equal states in any key order', () => {
    const state = nextState(initialState(traffic, versions, 'alice', 'init', when), { weights: { blue: 90, green: 10 }, segments: [{ name: 'beta', color: 'green' }] }, { changedBy: 'bob', stage: 'canary', now: when });
    const text = renderState(state);
    assert.ok(text.endsWith('}\n'));
    assert.deepEqual(parseState(text), state);
    const shuffled = JSON.parse(text) as RouterState;
    const reordered = { ...Object.fromEntries(Object.entries(shuffled).reverse()), versions: { green: shuffled.versions.green, blue: shuffled.versions.blue } };
    assert.equal(renderState(reordered as RouterState), text);
    assert.ok(text.indexOf('"api"') < text.indexOf('"web"'), 'maps are written in sorted key order');
  });

  it('keeps optional color checks through the round trip', () => {
    const state = { ...initialState(traffic, versions, 'alice', 'init', when), checks: { green: { deployedAt: when.toISOString() } } };
    assert.deepEqual(parseState(renderState(state)).checks, { green: { deployedAt: when.toISOString() } });
    assert.deepEqual(nextState(state, percentPlan('green', 10), { changedBy: 'a', stage: 's' }).checks, state.checks);
  });

  it('says what is wrong with a bad document', () => {
    assert.throws(() => parseState('{"schema": 1, "serial": '), /not JSON/);
    assert.throws(() => parseState('[]'), /must be a JSON object/);
    const good = JSON.parse(renderState(initialState(traffic, versions, 'alice', 'init', when))) as Record<string, unknown>;
    const broken = { ...good, serial: 0, plan: { weights: { blue: 50.5, green: 49.5 }, segments: [{ name: 'nope', color: 'red' }] } };
    assert.throws(() => parseState(JSON.stringify(broken)), (error: Error) => {
      assert.match(error.message, /serial: must be a positive integer/);
      assert.match(error.message, /plan\/weights\/blue: must be an integer 0-100/);
      assert.match(error.message, /plan\/segments\/0: unknown segment "nope"/);
      assert.match(error.message, /plan\/segments\/0\/color: must be blue or green/);
      return true;
    });
    const badRegex = { ...good, segments: { mobile: { kind: 'userAgent', regex: '(unclosed', caseInsensitive: true } } };
    assert.throws(() => parseState(JSON.stringify(badRegex)), /segments\/mobile\/regex/);
    assert.throws(() => parseState(JSON.stringify({ ...good, schema: 2 })), /schema: must be 1/);
    assert.throws(() => parseState(JSON.stringify({ ...good, changedAt: 'yesterday' })), /changedAt/);
  });
});

describe('traffic plans', () => {
  it('makes percent and segment plans for canary, switch and drain', () => {
    assert.deepEqual(percentPlan('green', 10), { weights: { blue: 90, green: 10 }, segments: [] });
    assert.deepEqual(percentPlan('blue', 100), { weights: { blue: 100, green: 0 }, segments: [] });
    assert.deepEqual(segmentPlan('green', 'mobile'), { weights: { blue: 100, green: 0 }, segments: [{ name: 'mobile', color: 'green' }] });
    assert.throws(() => percentPlan('green', 101), /0-100/);
    assert.throws(() => percentPlan('green', 2.5), /0-100/);
  });

  it('validates weights, segments and one color per segment', () => {
    assert.deepEqual(validatePlan(percentPlan('green', 1), traffic), []);
    assert.deepEqual(validatePlan({ weights: { blue: -1, green: 101 }, segments: [] }, traffic), [
      'plan/weights/blue: must be an integer 0-100, got -1',
      'plan/weights/green: must be an integer 0-100, got 101',
    ]);
    assert.deepEqual(validatePlan({ weights: { blue: 40, green: 40 }, segments: [] }, traffic), ['plan/weights: must sum to 100 (or 0: not released), got 80']);
    const twice = validatePlan({ weights: { blue: 100, green: 0 }, segments: [{ name: 'mobile', color: 'green' }, { name: 'mobile', color: 'blue' }] }, traffic);
    assert.deepEqual(twice, ['plan/segments/1: segment "mobile" is routed more than once']);
  });
});
