// Canary analysis judges the window as it slides, stops at the first breach once enough requests
// were seen (error rate and latency alike), and fails closed when the log cannot be read.
import assert from 'node:assert/strict';
import { CanaryJudge, minRequestsFor } from '../../src/core/stages/canaryJudge';
import { analyzeCanary } from '../../src/core/stages/canary';
import { AccessLogEntry } from '../../src/core/traffic/accessLogLine';
import { CanaryThresholds, Color } from '../../src/core/model';
import { StageContext } from '../../src/core/stages/stageContext';
import { EnvironmentHandle } from '../../src/core/environment/openEnvironment';

const T: CanaryThresholds = { windowSeconds: 10, maxErrorRate: 0.05, maxP95Ms: 800 };

function entry(at: number, status = 200, ms = 20, color: Color = 'green', via: AccessLogEntry['via'] = 'segment'): AccessLogEntry {
  return {
    time: new Date(at * 1000).toISOString(), msec: at, router: 'r1', app: 'web', color, via, segment: 'mobile', status,
    requestTime: ms / 1000, upstreamTime: String(ms / 1000), upstreamSeconds: ms / 1000, method: 'GET', uri: '/',
  };
}

/** Feeds entries in order; the index of the one that made the verdict a breach, or -1. */
function firstBreach(judge: CanaryJudge, entries: AccessLogEntry[]): number {
  return entries.findIndex((e) => judge.ingest(e)?.breach);
}

describe('canary judge', () => {
  it('stops at the first error-rate breach once enough requests were seen, not at the end of the window', () => {
    const judge = new CanaryJudge('green', 60, T, 20);
    const lines = [
      ...Array.from({ length: 5 }, (_, i) => entry(1000 + i * 0.1, 502)), // 5 errors among the first 5: too few to judge
      ...Array.from({ length: 200 }, (_, i) => entry(1001 + i * 0.1)),
    ];
    assert.equal(firstBreach(judge, lines), 19, 'judged at the 20th request: 5/20 = 25%');
    assert.match(judge.breach?.breach ?? '', /^error rate 25\.00% > 5\.00% over 20 request\(s\) in the last 60s$/);
    assert.equal(judge.ingest(entry(1030))?.requests, 20, 'later lines change nothing');
  });

  it('stops at the first latency breach the same way', () => {
    const judge = new CanaryJudge('green', 60, T, 20);
    const lines = [
      ...Array.from({ length: 80 }, (_, i) => entry(1000 + i * 0.1, 200, 30)),
      ...Array.from({ length: 50 }, (_, i) => entry(1008 + i * 0.1, 200, 1500)),
    ];
    // p95 of the window exceeds 800 ms once more than 5% of it is slow: 5 slow among 85.
    assert.equal(firstBreach(judge, lines), 84);
    assert.match(judge.breach?.breach ?? '', /^p95 1500 ms > 800 ms over 85 request\(s\) in the last 60s$/);
  });

  it('does not judge a p95 on a handful of requests: a cold start is not the version\'s latency', () => {
    const judge = new CanaryJudge('green', 60, T, 20);
    const coldStart = [entry(1000, 200, 3000), entry(1000.1, 200, 2500), ...Array.from({ length: 40 }, (_, i) => entry(1001 + i * 0.1, 200, 40))];
    assert.equal(firstBreach(judge, coldStart), -1, 'p95 of 42 is the second slowest: not judged yet');
    assert.equal(judge.minLatencyRequests, 60);
    const more = Array.from({ length: 100 }, (_, i) => entry(1006 + i * 0.1, 200, 40));
    assert.equal(firstBreach(judge, more), -1);
    assert.equal(judge.final().breach, undefined, 'with enough requests the cold start is below the 95th percentile');
  });

  it('judges the window as it slides: errors that slid out no longer count', () => {
    const judge = new CanaryJudge('green', 10, T, 20);
    const burst = Array.from({ length: 10 }, (_, i) => entry(1000 + i * 0.05, 500));
    const later = Array.from({ length: 100 }, (_, i) => entry(1011 + i * 0.05));
    assert.equal(firstBreach(judge, [...burst, ...later]), -1);
    const verdict = judge.final();
    assert.equal(verdict.requests, 100);
    assert.equal(verdict.errorRate, 0);
    // The same lines judged once over the whole watch would have breached: 10/110 = 9%.
    assert.ok(10 / 110 > T.maxErrorRate);
  });

  it('counts only user requests to the canary color', () => {
    const judge = new CanaryJudge('green', 60, T, 20);
    const noise = [
      ...Array.from({ length: 50 }, (_, i) => entry(1000 + i * 0.01, 500, 20, 'blue', 'split')),
      ...Array.from({ length: 50 }, (_, i) => entry(1000 + i * 0.01, 500, 20, 'green', 'preview')),
    ];
    assert.equal(firstBreach(judge, noise), -1);
    assert.equal(judge.final().requests, 0);
  });

  it('at the end of the watch, judges whatever the window holds', () => {
    const judge = new CanaryJudge('green', 60, T, 20);
    [entry(1000), entry(1001, 503), entry(1002)].forEach((e) => judge.ingest(e));
    assert.match(judge.final().breach ?? '', /^error rate 33\.33% > 5\.00% over 3 request/);
  });

  it('needs more requests for a stricter rate', () => {
    assert.equal(minRequestsFor({ ...T, maxErrorRate: 0.05 }), 20);
    assert.equal(minRequestsFor({ ...T, maxErrorRate: 0.01 }), 100);
    assert.equal(minRequestsFor({ ...T, maxErrorRate: 0.001 }), 200);
  });
});

describe('canary analysis fails closed', () => {
  it('is a breach when the routers\' access log cannot be read (a Docker engine that does not answer)', async () => {
    const handle = {
      env: { kind: 'docker', name: 'nowhere', dockerHost: 'tcp://127.0.0.1:9' },
      routers: [{ name: 'bg-nowhere-router-1' }],
      config: { traffic: { canary: T } },
    } as unknown as EnvironmentHandle;
    const ctx: StageContext = { handle, actor: 't@t', progress: () => undefined, yes: true, force: false };
    const started = Date.now();
    const verdict = await analyzeCanary(ctx, 'green', 30);
    assert.match(verdict.breach ?? '', /^could not read the routers' access log \(.*\), so the canary cannot be judged$/);
    assert.ok(Date.now() - started < 10_000, 'it does not wait out the window');
  });
});
