import * as assert from 'assert';
import { parseAccessLogLine } from '../../src/core/traffic/accessLogLine';

const good = {
  time: '2025-05-01T10:00:00+00:00',
  msec: 1746093600.123,
  router: 'router-1',
  app: 'web',
  color: 'green',
  via: 'segment',
  segment: 'mobile',
  status: 200,
  request_time: 0.004,
  upstream_time: '0.003',
  method: 'GET',
  uri: '/api/version',
};

function line(overrides: Record<string, unknown> = {}): string {
  return JSON.stringify({ ...good, ...overrides });
}

describe('parseAccessLogLine', () => {
  it('reads every field of a router line', () => {
    assert.deepStrictEqual(parseAccessLogLine(line()), {
      time: good.time,
      msec: good.msec,
      router: 'router-1',
      app: 'web',
      color: 'green',
      via: 'segment',
      segment: 'mobile',
      status: 200,
      requestTime: 0.004,
      upstreamTime: '0.003',
      upstreamSeconds: 0.003,
      method: 'GET',
      uri: '/api/version',
    });
  });

  it('ignores docker timestamps and compose prefixes in front of the JSON', () => {
    assert.strictEqual(parseAccessLogLine(`2025-05-01T10:00:00.123456789Z ${line()}`)?.color, 'green');
    assert.strictEqual(parseAccessLogLine(`bluegreen-router-1  | ${line()}\r`)?.status, 200);
  });

  it('sums upstream times of retried upstreams and accepts "-"', () => {
    const retried = parseAccessLogLine(line({ upstream_time: '0.002, 0.001' }));
    assert.ok(retried);
    assert.ok(Math.abs((retried.upstreamSeconds as number) - 0.003) < 1e-12);
    assert.strictEqual(retried.upstreamTime, '0.002, 0.001');
    const none = parseAccessLogLine(line({ upstream_time: '-', status: 502 }));
    assert.ok(none);
    assert.strictEqual(none.upstreamSeconds, undefined);
    assert.strictEqual(parseAccessLogLine(line({ upstream_time: '0.010 : 0.002' }))?.upstreamSeconds, 0.012);
  });

  it('returns undefined for lines that are not access log entries', () => {
    const garbage = [
      '',
      '2025/05/01 10:00:00 [error] 29#29: *1 connect() failed (111: Connection refused) while connecting to upstream',
      '2025/05/01 10:00:00 [notice] 1#1: signal process started',
      '/docker-entrypoint.sh: Configuration complete; ready for start up',
      '{"time": "2025-05-01T10:00:00+00:00", "msec": 1746093600.1',
      '{not json at all}',
      '[1, 2, 3]',
      'null',
      '{}',
    ];
    for (const text of garbage) assert.strictEqual(parseAccessLogLine(text), undefined, text);
  });

  it('is strict on types and values', () => {
    const bad: Record<string, unknown>[] = [
      { status: '200' },
      { status: 200.5 },
      { status: 42 },
      { msec: '1746093600.123' },
      { msec: 0 },
      { msec: -1 },
      { color: 'red' },
      { color: 'Blue' },
      { via: 'weights' },
      { segment: null },
      { request_time: '0.004' },
      { request_time: -0.1 },
      { upstream_time: 0.003 },
      { upstream_time: 'soon' },
      { time: '' },
      { router: 1 },
      { app: undefined },
      { method: 7 },
      { uri: null },
    ];
    for (const overrides of bad) assert.strictEqual(parseAccessLogLine(line(overrides)), undefined, JSON.stringify(overrides));
  });

  it('keeps JSON-escaped text as text', () => {
    const entry = parseAccessLogLine(line({ uri: '/search?q=\u0022}{\u0022' }));
    assert.strictEqual(entry?.uri, '/search?q="}{"');
  });
});
