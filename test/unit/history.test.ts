// history: the routers' states joined with the audit log, in words.
import * as assert from 'node:assert/strict';
import type { RouterState, TrafficPlan } from '../../src/core/model';
import type { AuditEntry } from '../../src/core/fleet/audit';
import { auditNamesStage, buildHistory, describeChanges } from '../../src/core/history/historyEntries';
import { formatHistory } from '../../src/core/history/formatHistory';

const ANN = 'ann@laptop';
let clock = Date.parse('2026-12-01T10:00:00.000Z');
const tick = (seconds = 10) => new Date((clock += seconds * 1000)).toISOString();

function state(serial: number, stage: string, plan: TrafficPlan, green = '1.0.0', who = ANN): RouterState {
  return {
    schema: 1, serial, plan, segments: { mobile: { kind: 'userAgent', regex: 'mobile', caseInsensitive: true } },
    preview: { header: 'X-Bluegreen-Preview', cookie: 'bluegreen_preview' }, stickyCookie: 'bluegreen_split',
    versions: { blue: { api: '1.0.0', web: '1.0.0' }, green: { api: green, web: green } },
    changedBy: who, changedAt: tick(), stage,
  };
}
const audit = (stage: string, result: AuditEntry['result'], detail?: string, environment = 'production', who = ANN): AuditEntry =>
  ({ time: tick(1), who, environment, stage, result, ...(detail ? { detail } : {}) });

const BLUE: TrafficPlan = { weights: { blue: 100, green: 0 }, segments: [] };
const GREEN: TrafficPlan = { weights: { blue: 0, green: 100 }, segments: [] };
const MOBILE: TrafficPlan = { weights: { blue: 100, green: 0 }, segments: [{ name: 'mobile', color: 'green' }] };

describe('history', () => {
  it('joins each state with its stage\'s audit line, names what changed, and keeps the lines that changed nothing', () => {
    const states: RouterState[] = [];
    const lines: AuditEntry[] = [];
    states.push(state(4, 'restore', BLUE));
    lines.push(audit('restore', 'ok', 'restored: blue 100%'));
    states.push(state(5, 'deploy green 2.0.0', BLUE, '2.0.0'));
    lines.push(audit('deploy green 2.0.0 (release 2.0.0, step 2)', 'ok', 'deployed 2.0.0 to green'));
    lines.push(audit('switch green', 'refused', 'green is not verified', 'production', 'bob@desk'));
    lines.push(audit('verify green', 'ok', 'other environment', 'staging'));
    states.push(state(6, 'canary green --segment mobile', MOBILE, '2.0.0'));
    states.push(state(7, 'rollback (canary breach: error rate 9.00% > 5.00%)', BLUE, '2.0.0'));
    lines.push(audit('canary green --segment mobile', 'failed', 'canary on green rolled back: error rate 9.00% > 5.00%'));
    states.push(state(8, 'switch green', GREEN, '2.0.0', 'bob@desk'));
    lines.push(audit('switch green', 'ok', 'switched to green', 'production', 'bob@desk'));
    lines.push(audit('release 2.0.0', 'ok', '7 step(s)'));

    // The routers' files are read in no particular order; the audit log is shared.
    const entries = buildHistory([...states].reverse(), lines, 'production');
    assert.deepEqual(entries.map((e) => [e.kind, e.serial ?? null, e.stage, e.result ?? null, e.auditStage ?? null, e.automatic ?? false]), [
      ['change', 4, 'restore', 'ok', null, false],
      ['change', 5, 'deploy green 2.0.0', 'ok', 'deploy green 2.0.0 (release 2.0.0, step 2)', false],
      ['audit', null, 'switch green', 'refused', null, false],
      ['change', 6, 'canary green --segment mobile', 'failed', null, false],
      ['change', 7, 'rollback (canary breach: error rate 9.00% > 5.00%)', 'failed', 'canary green --segment mobile', true],
      ['change', 8, 'switch green', 'ok', null, false],
      ['audit', null, 'release 2.0.0', 'ok', null, false],
    ]);
    assert.deepEqual(entries.map((e) => e.changes), [
      ['users: blue 100%'],
      ['green api: 1.0.0 → 2.0.0', 'green web: 1.0.0 → 2.0.0'],
      [],
      ['users: blue 100% → blue 100% · mobile → green'],
      ['users: blue 100% · mobile → green → blue 100%'],
      ['users: blue 100% → green 100%'],
      [],
    ]);
    const switched = entries[5];
    assert.equal(switched.who, 'bob@desk');
    assert.deepEqual(switched.planBefore, BLUE);
    assert.deepEqual(switched.planAfter, GREEN);
    assert.deepEqual(switched.versionsAfter?.green, { api: '2.0.0', web: '2.0.0' });
    assert.equal(entries[0].planBefore, undefined, 'the oldest state read has no known before');
  });

  it('a gap in the serials leaves "before" unknown; audit lines older than the oldest state read are left out', () => {
    const early = audit('switch blue', 'ok');
    const a = state(10, 'switch blue', BLUE);
    const b = state(12, 'switch green', GREEN);
    const entries = buildHistory([a, b], [early, audit('switch green', 'ok')], 'production');
    assert.deepEqual(entries.map((e) => [e.kind, e.serial, e.planBefore ?? null, e.result ?? null]), [
      ['change', 10, null, null],
      ['change', 12, null, 'ok'],
    ]);
  });

  it('auditNamesStage: the same stage, or it with the release it ran in', () => {
    assert.ok(auditNamesStage('switch green', 'switch green'));
    assert.ok(auditNamesStage('switch green (release 2.0.0, step 6)', 'switch green'));
    assert.ok(auditNamesStage('restore (test baseline)', 'restore'));
    assert.ok(!auditNamesStage('switch greenish', 'switch green'));
    assert.ok(!auditNamesStage('deploy green 2.0.0', 'deploy green 2.0.01'));
  });

  it('describeChanges names apps that appear or disappear', () => {
    const before = { plan: BLUE, versions: { blue: { api: '1' }, green: { api: '1', old: '1' } } };
    const after = { plan: BLUE, versions: { blue: { api: '1' }, green: { api: '2', web: '2' } } };
    assert.deepEqual(describeChanges(before, after), ['green api: 1 → 2', 'green old: 1 → none', 'green web: none → 2']);
  });

  it('formatHistory: newest first, with the release a step ran in and any warnings', () => {
    const states = [state(20, 'deploy green 3.0.0', BLUE, '3.0.0'), state(21, 'switch green', GREEN, '3.0.0')];
    const lines = [audit('switch green (release 3.0.0, step 6)', 'ok', 'switched to green: green 100%')];
    const text = formatHistory(buildHistory(states, lines, 'production'), ['lb2 lacks state #21']);
    const [first, second] = [states[1].changedAt, states[0].changedAt];
    assert.equal(text, [
      `${first}  #21 switch green  ok  (${ANN})`,
      '    as: switch green (release 3.0.0, step 6)',
      '    users: blue 100% → green 100%',
      '    switched to green: green 100%',
      `${second}  #20 deploy green 3.0.0  (${ANN})`,
      '    users: blue 100%',
      'warning: lb2 lacks state #21',
    ].join('\n'));
    assert.equal(formatHistory([]), 'no history yet');
  });
});
