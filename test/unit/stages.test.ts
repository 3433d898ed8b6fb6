import assert from 'node:assert/strict';
import { describePlan, describeChange, samePlan } from '../../src/core/router/describePlan';
import { lastKnownGood } from '../../src/core/stages/rollback';
import { canaryPlan } from '../../src/core/stages/canary';
import { judgeSmoke } from '../../src/core/stages/verify';
import { unverifiedWarning } from '../../src/core/stages/switch';
import { nextVersion } from '../../src/core/rehearsal/rehearse';
import { describeStep } from '../../src/core/stages/release';
import { InputError } from '../../src/core/errors';
import { RouterState, TrafficPlan } from '../../src/core/model';

const split = (blue: number, green: number, segments: TrafficPlan['segments'] = []): TrafficPlan => ({ weights: { blue, green }, segments });

function state(serial: number, plan: TrafficPlan, stage: string): RouterState {
  return {
    schema: 1, serial, plan, segments: {}, preview: { header: 'X-Bluegreen-Preview', cookie: 'bluegreen_preview' },
    stickyCookie: 'bluegreen_split', versions: { blue: {}, green: {} }, changedBy: 'a@b', changedAt: `2026-01-01T00:00:0${serial}Z`, stage,
  };
}

describe('stage plans and words', () => {
  it('describes plans and changes the way confirmations show them', () => {
    assert.equal(describePlan(split(100, 0)), 'blue 100%');
    assert.equal(describePlan(split(90, 10)), 'blue 90% · green 10%');
    assert.equal(describePlan(split(100, 0, [{ name: 'mobile', color: 'green' }])), 'blue 100% · mobile → green');
    assert.equal(describeChange('production', split(100, 0), split(0, 100)), 'production: blue 100% → green 100%');
  });

  it('compares plans by weights and segments', () => {
    assert.ok(samePlan(split(50, 50), split(50, 50)));
    assert.ok(!samePlan(split(50, 50), split(60, 40)));
    assert.ok(!samePlan(split(100, 0), split(100, 0, [{ name: 'mobile', color: 'green' }])));
  });

  it('builds canary plans: a percentage, or a segment with everyone else on the other color', () => {
    assert.deepEqual(canaryPlan('green', { percent: 10 }, ['mobile']), split(90, 10));
    assert.deepEqual(canaryPlan('green', { segment: 'mobile' }, ['mobile']), split(100, 0, [{ name: 'mobile', color: 'green' }]));
    assert.throws(() => canaryPlan('green', { segment: 'tablet' }, ['mobile']), (e: unknown) => e instanceof InputError && /unknown segment "tablet"/.test(e.message));
    assert.throws(() => canaryPlan('green', { percent: 101 }, []), InputError);
    assert.throws(() => canaryPlan('green', { percent: 2.5 }, []), InputError);
    assert.throws(() => canaryPlan('green', {}, []), /exactly one/);
    assert.throws(() => canaryPlan('green', { percent: 5, segment: 'mobile' }, ['mobile']), /exactly one/);
  });
});

describe('rollback target', () => {
  it('is the newest earlier plan that differs from the current one and was not a canary', () => {
    const history = [
      state(1, split(50, 50), 'init'),
      state(2, split(100, 0), 'drain green'),
      state(3, split(100, 0), 'deploy green 1.1.0'),
      state(4, split(100, 0, [{ name: 'mobile', color: 'green' }]), 'canary green --segment mobile'),
      state(5, split(0, 100), 'switch green'),
    ];
    assert.equal(lastKnownGood(history, history[4])?.serial, 3);
    assert.equal(lastKnownGood(history, history[3])?.serial, 3, 'from a canary: the plan before it');
    const afterRestore = [...history, state(6, split(50, 50), 'restore')];
    assert.equal(lastKnownGood(afterRestore, afterRestore[5])?.serial, 5, 'from a restore: the switch before it');
    assert.equal(lastKnownGood(history.slice(0, 1), history[0]), undefined);
  });
});

describe('smoke checks', () => {
  const check = { path: '/api/version', expect: 200, contains: '"version"' };
  it('passes a good answer the router sent to the previewed color, whether or not the app names its color', () => {
    const out = 'HTTP/1.1 200 OK\r\nX-Bluegreen-Color: green\r\nX-Bluegreen-Routed-Color: green\r\n\r\n{"version":"1.1.0"}';
    assert.deepEqual(judgeSmoke(out, check, 'green'), { ok: true, detail: '200 from green' });
    const plainApp = 'HTTP/1.1 200 OK\r\nx-bluegreen-routed-color: green\r\n\r\n{"version":"1.1.0"}';
    assert.deepEqual(judgeSmoke(plainApp, check, 'green'), { ok: true, detail: '200 from green' });
  });
  it('fails a wrong status, a wrong color (the router\'s or the app\'s), no word from the router, a missing text, no answer', () => {
    assert.match(judgeSmoke('HTTP/1.1 502 Bad Gateway\r\n\r\n', check, 'green').detail, /answered 502, expected 200/);
    assert.match(judgeSmoke('HTTP/1.1 200 OK\r\nX-Bluegreen-Routed-Color: blue\r\n\r\n{"version":1}', check, 'green').detail, /the router sent it to blue, not green/);
    assert.match(judgeSmoke('HTTP/1.1 200 OK\r\nX-Bluegreen-Routed-Color: green\r\nx-bluegreen-color: blue\r\n\r\n{"version":1}', check, 'green').detail, /served by blue/);
    // An app that knows nothing of the product, on a router that does not say where it sent the request: not proof.
    assert.match(judgeSmoke('HTTP/1.1 200 OK\r\n\r\n{"version":1}', check, 'green').detail, /^the router did not name the color/);
    assert.match(judgeSmoke('HTTP/1.1 200 OK\r\nX-Bluegreen-Routed-Color: green\r\n\r\nok', check, 'green').detail, /lacks/);
    assert.equal(judgeSmoke('curl: (7) Failed to connect', check, 'green').ok, false);
  });
});

describe('switch warning', () => {
  it('warns when the color was deployed and not verified since', () => {
    const s = state(3, split(100, 0), 'deploy green');
    assert.equal(unverifiedWarning(s, 'green'), undefined, 'no record: nothing to say');
    s.checks = { green: { deployedAt: '2026-01-01T00:00:05Z' } };
    assert.match(unverifiedWarning(s, 'green') ?? '', /not verified since/);
    s.checks = { green: { deployedAt: '2026-01-01T00:00:05Z', verifiedAt: '2026-01-01T00:00:04Z' } };
    assert.match(unverifiedWarning(s, 'green') ?? '', /not verified since/);
    s.checks = { green: { deployedAt: '2026-01-01T00:00:05Z', verifiedAt: '2026-01-01T00:00:06Z' } };
    assert.equal(unverifiedWarning(s, 'green'), undefined);
  });
});

describe('release runbook words and versions', () => {
  it('describes steps', () => {
    assert.equal(describeStep({ stage: 'canary', color: 'green', segment: 'mobile' }), 'canary green --segment mobile');
    assert.equal(describeStep({ stage: 'canary', color: 'green', percent: 10 }), 'canary green --percent 10');
    assert.equal(describeStep({ stage: 'drain', color: 'green' }), 'drain green');
    assert.equal(describeStep({ stage: 'migrate' }), 'migrate');
  });
  it('bumps the last number of a version', () => {
    assert.equal(nextVersion('1.0.0'), '1.0.1');
    assert.equal(nextVersion('2.9'), '2.10');
    assert.equal(nextVersion('1.0.0-rc1'), '1.0.0-rc2');
    assert.equal(nextVersion('main'), 'main-next');
  });
});
