import * as assert from 'assert';
import * as v8 from 'v8';
import * as vm from 'vm';
import { Color } from '../../src/core/model';
import { AccessLogEntry, RouteVia } from '../../src/core/traffic/accessLogLine';
import { LATENCY_RELATIVE_ERROR } from '../../src/core/traffic/latencyHistogram';
import { MAX_MARKERS, OTHER_NAME, SplitAggregator } from '../../src/core/traffic/splitAggregator';

const T0 = 1_746_093_600; // an epoch second

function entry(second: number, color: Color, overrides: Partial<AccessLogEntry> = {}): AccessLogEntry {
  const via: RouteVia = overrides.via ?? 'split';
  return {
    time: new Date(second * 1000).toISOString(),
    msec: second + 0.5,
    router: 'router-1',
    app: 'web',
    color,
    via,
    segment: '',
    status: 200,
    requestTime: 0.01,
    upstreamTime: '0.009',
    upstreamSeconds: 0.009,
    method: 'GET',
    uri: '/',
    ...overrides,
  };
}

function line(e: AccessLogEntry): string {
  return JSON.stringify({
    time: e.time, msec: e.msec, router: e.router, app: e.app, color: e.color, via: e.via, segment: e.segment,
    status: e.status, request_time: e.requestTime, upstream_time: e.upstreamTime, method: e.method, uri: e.uri,
  });
}

function assertWithinBucket(actual: number | undefined, expected: number, what: string): void {
  assert.ok(actual !== undefined, `${what} is undefined`);
  const error = Math.abs(actual - expected) / expected;
  assert.ok(error <= LATENCY_RELATIVE_ERROR + 1e-9, `${what}: ${actual} vs ${expected} (error ${error})`);
}

describe('SplitAggregator', () => {
  it('counts requests and status classes per color exactly', () => {
    const agg = new SplitAggregator();
    const statuses = [200, 200, 201, 304, 404, 500, 502, 503];
    for (const status of statuses) agg.ingest(entry(T0, 'green', { status }));
    for (let i = 0; i < 7; i++) agg.ingest(entry(T0 + 1, 'blue'));
    const green = agg.summary('green', 10);
    assert.strictEqual(green.requests, 8);
    assert.deepStrictEqual(green.status, { '2xx': 3, '3xx': 1, '4xx': 1, '5xx': 3 });
    assert.strictEqual(green.errorRate, 3 / 8);
    const blue = agg.summary('blue', 10);
    assert.strictEqual(blue.requests, 7);
    assert.strictEqual(blue.errorRate, 0);
    assert.strictEqual(agg.ingested, 15);
    assert.strictEqual(agg.latestSecond, T0 + 1);
  });

  it('reports p50/p95/p99 within the histogram bucket error', () => {
    const agg = new SplitAggregator();
    // 1..1000 ms, shuffled across two seconds.
    const values = Array.from({ length: 1000 }, (_, i) => i + 1);
    for (let i = values.length - 1; i > 0; i--) {
      const j = (i * 7919) % (i + 1);
      [values[i], values[j]] = [values[j], values[i]];
    }
    values.forEach((ms, i) => agg.ingest(entry(T0 + (i % 2), 'blue', { requestTime: ms / 1000 })));
    const s = agg.summary('blue', 60);
    assertWithinBucket(s.p50Ms, 500, 'p50');
    assertWithinBucket(s.p95Ms, 950, 'p95');
    assertWithinBucket(s.p99Ms, 990, 'p99');
    assert.strictEqual(agg.summary('green', 60).p95Ms, undefined);
  });

  it('reports sub-millisecond requests as 0 ms and very slow ones in the last bucket', () => {
    const agg = new SplitAggregator();
    for (let i = 0; i < 98; i++) agg.ingest(entry(T0, 'blue', { requestTime: 0 }));
    for (let i = 0; i < 2; i++) agg.ingest(entry(T0, 'blue', { requestTime: 3600 }));
    const s = agg.summary('blue', 1);
    assert.strictEqual(s.p50Ms, 0);
    assert.strictEqual(s.p95Ms, 0);
    // An hour is past the last bucket's lower edge (~4.5 min): reported as that bucket.
    assert.ok((s.p99Ms as number) > 240_000 && (s.p99Ms as number) < 300_000, String(s.p99Ms));
    assert.strictEqual(s.requests, 100);
  });

  it('computes the observed split of user traffic, preview requests excluded', () => {
    const agg = new SplitAggregator();
    for (let i = 0; i < 30; i++) agg.ingest(entry(T0, 'green', { via: 'segment', segment: 'mobile' }));
    for (let i = 0; i < 70; i++) agg.ingest(entry(T0, 'blue'));
    for (let i = 0; i < 50; i++) agg.ingest(entry(T0, 'green', { via: 'preview' }));
    const split = agg.observedSplit(60);
    assert.strictEqual(split.requests, 100);
    assert.deepStrictEqual(split.requestsByColor, { blue: 70, green: 30 });
    assert.strictEqual(split.shares.green, 0.3);
    assert.strictEqual(split.shares.blue, 0.7);

    const green = agg.summary('green', 60);
    assert.strictEqual(green.requests, 80);
    assert.strictEqual(green.previewRequests, 50);
    assert.deepStrictEqual(green.segments, { mobile: 30 });
    assert.strictEqual(agg.summary('green', 60, 'user').requests, 30);
    assert.strictEqual(agg.summary('green', 60, 'preview').requests, 50);
  });

  it('answers an empty split before any traffic', () => {
    const agg = new SplitAggregator();
    assert.deepStrictEqual(agg.observedSplit(60), { seconds: 60, requests: 0, requestsByColor: { blue: 0, green: 0 }, shares: { blue: 0, green: 0 } });
    assert.deepStrictEqual(agg.series(60), []);
  });

  it('limits queries to the last seconds asked for', () => {
    const agg = new SplitAggregator();
    agg.ingest(entry(T0, 'blue'));
    agg.ingest(entry(T0 + 5, 'green'));
    agg.ingest(entry(T0 + 9, 'green'));
    assert.deepStrictEqual(agg.observedSplit(1).requestsByColor, { blue: 0, green: 1 });
    assert.deepStrictEqual(agg.observedSplit(5).requestsByColor, { blue: 0, green: 2 });
    assert.deepStrictEqual(agg.observedSplit(10).requestsByColor, { blue: 1, green: 2 });
  });

  it('evicts seconds that leave the window and drops entries older than it', () => {
    const agg = new SplitAggregator({ windowSeconds: 10 });
    for (let s = 0; s < 10; s++) agg.ingest(entry(T0 + s, 'blue'));
    assert.strictEqual(agg.summary('blue').requests, 10);
    agg.ingest(entry(T0 + 12, 'green')); // T0, T0+1, T0+2 leave the window
    assert.strictEqual(agg.summary('blue').requests, 7);
    agg.ingest(entry(T0 + 2, 'blue')); // older than the window now
    assert.strictEqual(agg.tooOld, 1);
    assert.strictEqual(agg.summary('blue').requests, 7);
    agg.ingest(entry(T0 + 11, 'blue')); // late but inside the window: counted in its own second
    const row = agg.series(2)[0];
    assert.strictEqual(row.second, T0 + 11);
    assert.strictEqual(row.colors.blue.requests, 1);
    agg.ingest(entry(T0 + 1000, 'green')); // a jump longer than the window clears everything
    assert.strictEqual(agg.summary('blue').requests, 0);
    assert.strictEqual(agg.summary('green').requests, 1);
  });

  it('gives one chart row per second, empty seconds included', () => {
    const agg = new SplitAggregator();
    agg.ingest(entry(T0, 'blue', { status: 503, requestTime: 0.2 }));
    agg.ingest(entry(T0 + 2, 'green', { via: 'preview' }));
    const rows = agg.series(3);
    assert.deepStrictEqual(rows.map((r) => r.second), [T0, T0 + 1, T0 + 2]);
    assert.strictEqual(rows[0].colors.blue.requests, 1);
    assert.strictEqual(rows[0].colors.blue.status['5xx'], 1);
    assertWithinBucket(rows[0].colors.blue.p95Ms, 200, 'row p95');
    assert.strictEqual(rows[1].colors.blue.requests + rows[1].colors.green.requests, 0);
    assert.strictEqual(rows[1].colors.blue.p50Ms, undefined);
    assert.strictEqual(rows[2].colors.green.preview, 1);
    assert.strictEqual(rows[2].colors.green.requests, 1);
  });

  it('moves the window with advanceTo when the log is quiet', () => {
    const agg = new SplitAggregator({ windowSeconds: 60 });
    agg.ingest(entry(T0, 'blue'));
    agg.advanceTo(T0 + 30);
    assert.strictEqual(agg.summary('blue', 10).requests, 0);
    assert.strictEqual(agg.summary('blue', 60).requests, 1);
    agg.advanceTo(T0 + 5); // never backwards
    assert.strictEqual(agg.latestSecond, T0 + 30);
  });

  it('counts requests and errors per app and folds names past the cap', () => {
    const agg = new SplitAggregator();
    agg.ingest(entry(T0, 'blue', { app: 'api', status: 500 }));
    agg.ingest(entry(T0, 'blue', { app: 'api' }));
    agg.ingest(entry(T0, 'blue', { app: 'web' }));
    assert.deepStrictEqual(agg.summary('blue', 5).apps, { api: { requests: 2, errors: 1 }, web: { requests: 1, errors: 0 } });
    for (let i = 0; i < 100; i++) agg.ingest(entry(T0, 'green', { via: 'segment', segment: `s${i}` }));
    const segments = agg.summary('green', 5).segments;
    assert.strictEqual(Object.keys(segments).length, 32);
    assert.strictEqual(Object.values(segments).reduce((a, b) => a + b, 0), 100);
    assert.strictEqual(segments[OTHER_NAME], 100 - 31);
  });

  it('parses and counts lines, rejecting garbage', () => {
    const agg = new SplitAggregator();
    assert.strictEqual(agg.ingestLine(`router-1 | ${line(entry(T0, 'green'))}`), true);
    assert.strictEqual(agg.ingestLine('2025/05/01 10:00:00 [error] 29#29: upstream timed out'), false);
    assert.strictEqual(agg.rejected, 1);
    assert.strictEqual(agg.summary('green').requests, 1);
  });

  it('keeps a bounded list of stage markers', () => {
    const agg = new SplitAggregator({ windowSeconds: 60 });
    agg.ingest(entry(T0 + 100, 'blue'));
    agg.mark('canary green mobile', T0 + 90);
    agg.mark('switch green', new Date((T0 + 20) * 1000));
    assert.deepStrictEqual(agg.markers().map((m) => m.label), ['switch green', 'canary green mobile']);
    assert.deepStrictEqual(agg.markers(60), [{ label: 'canary green mobile', time: T0 + 90 }]);
    for (let i = 0; i < 500; i++) agg.mark(`m${i}`, T0 + 100 + i);
    const all = agg.markers();
    assert.strictEqual(all.length, MAX_MARKERS);
    assert.strictEqual(all[all.length - 1].label, 'm499');
  });

  it('does not grow with time: memory stays flat over many seconds', () => {
    const agg = new SplitAggregator({ windowSeconds: 300 });
    const feed = (from: number, to: number): void => {
      for (let s = from; s < to; s++) {
        for (let i = 0; i < 5; i++) agg.ingest(entry(T0 + s, i % 2 ? 'blue' : 'green', { app: `app${i}`, requestTime: i / 100 }));
      }
    };
    // Expose a real gc so garbage from the test's own entry objects does not blur the measure.
    v8.setFlagsFromString('--expose-gc');
    const gc = vm.runInNewContext('gc') as () => void;
    feed(0, 1000);
    gc();
    const before = process.memoryUsage().heapUsed;
    feed(1000, 50_000);
    gc();
    const after = process.memoryUsage().heapUsed;
    assert.strictEqual(agg.summary('blue').requests + agg.summary('green').requests, 300 * 5);
    assert.strictEqual(agg.series().length, 300);
    // 245,000 more entries; a design that kept them would add tens of MB.
    assert.ok(after - before < 4 * 1024 * 1024, `heap grew by ${after - before} bytes`);
  });

  it('rejects a window that is not a positive integer', () => {
    assert.throws(() => new SplitAggregator({ windowSeconds: 0 }), RangeError);
    assert.throws(() => new SplitAggregator({ windowSeconds: 2.5 }), RangeError);
  });
});
