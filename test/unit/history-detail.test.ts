// One history entry as the editor's document shows it: the entry, then the plan and versions
// before → after as a diff.
import assert from 'node:assert/strict';
import { entryDetail } from '../../src/core/history/entryDetail';
import type { HistoryEntry } from '../../src/core/history/historyEntries';

const versions = { blue: { web: '1.0.0' }, green: { web: '1.1.0' } };

describe('history: one entry as a document', () => {
  it('a change: what ran, then the plan and versions as a diff', () => {
    const entry: HistoryEntry = {
      kind: 'change', time: '2026-12-01T10:00:00.000Z', who: 'ann@box', stage: 'switch green', serial: 8, result: 'ok',
      planBefore: { weights: { blue: 100, green: 0 }, segments: [] }, planAfter: { weights: { blue: 0, green: 100 }, segments: [] },
      versionsBefore: versions, versionsAfter: versions, changes: ['users: blue 100% → green 100%'],
    };
    assert.equal(entryDetail(entry, 'production'), [
      'production: switch green',
      '',
      '2026-12-01T10:00:00.000Z  #8 switch green  ok  (ann@box)',
      '    users: blue 100% → green 100%',
      '',
      'Users: blue 100% → green 100%',
      '',
      'Plan and versions, state #7 → #8:',
      '  -       "blue": 100,',
      '  -       "green": 0',
      '  +       "blue": 0,',
      '  +       "green": 100',
      '',
    ].join('\n'));
  });

  it('an audit line that changed nothing says so; a change whose state before was not read shows the state', () => {
    assert.match(entryDetail({ kind: 'audit', time: 't', who: 'w', stage: 'verify green', result: 'failed', detail: 'smoke failed', changes: [] }, 'p'),
      /This stage changed no router state/);
    const first = entryDetail({ kind: 'change', time: 't', who: 'w', stage: 'hosts setup', serial: 1, planAfter: { weights: { blue: 0, green: 0 }, segments: [] }, versionsAfter: versions, changes: [] }, 'p');
    assert.match(first, /Plan and versions in state #1 \(the state before it was not read\):/);
    assert.match(first, /^Users: no users \(not released\)$/m);
  });
});
