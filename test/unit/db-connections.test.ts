import assert from 'node:assert/strict';
import { ActivityRow, formatConnections, parseApplicationName, summariseConnections } from '../../src/core/db/connections';
import { judgeConnections } from '../../src/core/stages/connectionGate';

const row = (applicationName: string, state: string | null, stateSeconds: number | null): ActivityRow => ({ applicationName, state, stateSeconds });
const options = { environment: 'sandbox', maxConnections: 100, zombieAfterSeconds: 60 };

describe('db connection watch', () => {
  it('reads app, color and version from application_name', () => {
    assert.deepEqual(parseApplicationName('web-green-1.2.0'), { app: 'web', color: 'green', version: '1.2.0' });
    assert.deepEqual(parseApplicationName('web-green-9.9.9-leaky'), { app: 'web', color: 'green', version: '9.9.9-leaky' });
    assert.deepEqual(parseApplicationName('order-api-blue-2.0.0'), { app: 'order-api', color: 'blue', version: '2.0.0' });
    assert.equal(parseApplicationName('psql'), undefined);
    assert.equal(parseApplicationName(''), undefined);
  });

  it('groups by application and counts states, oldest idle age and zombies', () => {
    const report = summariseConnections([
      row('web-green-9.9.9-leaky', 'idle', 600),
      row('web-green-9.9.9-leaky', 'idle', 300),
      row('web-green-9.9.9-leaky', 'idle in transaction', 120),
      row('web-green-9.9.9-leaky', 'active', 0),
      row('web-blue-1.0.0', 'idle', 5),
      row('web-blue-1.0.0', 'active', 0),
      row('api-blue-1.0.0', 'idle in transaction (aborted)', 61),
      row('', null, null),
    ], options);
    assert.equal(report.total, 8);
    assert.equal(report.share, 0.08);
    assert.equal(report.zombies, 4);
    const [leaky, api, blue, none] = report.groups;
    assert.deepEqual(
      { ...leaky },
      { applicationName: 'web-green-9.9.9-leaky', app: 'web', color: 'green', version: '9.9.9-leaky', total: 4, active: 1, idle: 2, idleInTransaction: 1, oldestIdleSeconds: 600, zombies: 3 },
    );
    assert.equal(api.zombies, 1);
    assert.equal(api.idleInTransaction, 1);
    assert.equal(blue.applicationName, 'web-blue-1.0.0');
    assert.equal(blue.zombies, 0, 'a connection idle for less than the threshold is not a zombie');
    assert.equal(blue.oldestIdleSeconds, 5);
    assert.equal(none.app, undefined);
    const text = formatConnections(report);
    assert.match(text, /8 of 100 connections \(8%\), 4 zombie\(s\) idle longer than 60s/);
    assert.match(text, /web-green-9\.9\.9-leaky\s+web\s+green\s+9\.9\.9-leaky\s+4\s+1\s+2\s+1\s+10m\s+3/);
  });

  it('lets a healthy database through the gate', () => {
    const report = summariseConnections([row('web-blue-1.0.0', 'idle', 5), row('web-green-1.0.0', 'active', 0)], options);
    assert.deepEqual(judgeConnections(report, { maxZombies: 0, maxConnectionShare: 0.8 }), { ok: true, reasons: [], culprits: [] });
  });

  it('refuses on zombies and names the app, color and version that hold them', () => {
    const rows = [...Array.from({ length: 6 }, () => row('web-green-9.9.9-leaky', 'idle', 400)), row('web-blue-1.0.0', 'idle', 900)];
    const verdict = judgeConnections(summariseConnections(rows, options), { maxZombies: 5, maxConnectionShare: 0.8 });
    assert.equal(verdict.ok, false);
    assert.match(verdict.reasons[0], /7 zombie connection\(s\) idle longer than 60s \(at most 5 allowed\)/);
    assert.match(verdict.culprits[0], /^web on green at 9\.9\.9-leaky: 6 zombie\(s\), 6 connection\(s\), oldest idle 7m$/);
    assert.match(verdict.culprits[1], /^web on blue at 1\.0\.0: 1 zombie/);
  });

  it('refuses when connections exceed the share of max_connections', () => {
    const rows = Array.from({ length: 9 }, () => row('api-blue-1.0.0', 'active', 0));
    const verdict = judgeConnections(summariseConnections(rows, { ...options, maxConnections: 10 }), { maxZombies: 5, maxConnectionShare: 0.8 });
    assert.equal(verdict.ok, false);
    assert.match(verdict.reasons[0], /9 of 10 connections in use \(90% > 80%\)/);
    assert.match(verdict.culprits[0], /^api on blue at 1\.0\.0: 9 connection\(s\)$/);
  });
});
