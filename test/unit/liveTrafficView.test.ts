import * as assert from 'node:assert/strict';
import { Color, RouterState } from '../../src/core/model';
import { SplitAggregator } from '../../src/core/traffic/splitAggregator';
import { RouteVia } from '../../src/core/traffic/accessLogLine';
import type { RouterReading } from '../../src/core/fleet/readRouters';
import {
  CHART_SECONDS, SPLIT_SECONDS, STATS_SECONDS, UPDATE_POINTS, ChartPoint, configuredSplitOf, mergePoints, shapeTrafficView, splitBarWidths, splitDrift,
} from '../../src/core/live/trafficView';
import { checkTrafficSettings, trafficControlView } from '../../src/core/live/trafficControl';

const T0 = 1_746_093_600;
const reader = { state: 'streaming' as const, ingested: 0, rejected: 0 };

function line(second: number, color: Color, extra: { via?: RouteVia; segment?: string; status?: number; ms?: number } = {}): string {
  return JSON.stringify({
    time: new Date(second * 1000).toISOString(), msec: second + 0.25, router: 'r1', app: 'web', color, via: extra.via ?? 'split',
    segment: extra.segment ?? '', status: extra.status ?? 200, request_time: (extra.ms ?? 10) / 1000, upstream_time: '0.009', method: 'GET', uri: '/',
  });
}

function state(serial: number, weights: Record<Color, number>, stage = 'canary green --percent 10'): RouterState {
  return {
    schema: 1, serial, plan: { weights, segments: [] }, segments: {}, preview: { header: 'X-Bluegreen-Preview', cookie: 'bluegreen_preview' },
    stickyCookie: 'bluegreen_split', versions: { blue: {}, green: {} }, changedBy: 'me@here', changedAt: new Date(T0 * 1000).toISOString(), stage,
  };
}

describe('traffic view shaping', () => {
  it('is empty and well-formed before any log line', () => {
    const view = shapeTrafficView(new SplitAggregator(), { environment: 'sandbox', reader, points: CHART_SECONDS });
    assert.equal(view.observed.requests, 0);
    assert.deepEqual(view.observed.shares, { blue: 0, green: 0 });
    assert.deepEqual(view.points, []);
    assert.equal(view.colors.green.requests, 0);
    assert.equal(view.colors.blue.p95Ms, undefined);
  });

  it('observes the split over the last 10 s only, user traffic only', () => {
    const agg = new SplitAggregator();
    // Old traffic (all blue) outside the 10 s span must not count.
    for (let i = 0; i < 50; i++) agg.ingestLine(line(T0, 'blue'));
    const end = T0 + 30;
    for (let s = end - SPLIT_SECONDS + 1; s <= end; s++) {
      for (let i = 0; i < 9; i++) agg.ingestLine(line(s, 'blue'));
      agg.ingestLine(line(s, 'green'));
      agg.ingestLine(line(s, 'green', { via: 'preview' })); // preview: not a user
    }
    const view = shapeTrafficView(agg, { environment: 'sandbox', reader, points: UPDATE_POINTS });
    assert.equal(view.observed.seconds, SPLIT_SECONDS);
    assert.equal(view.observed.requests, 100);
    assert.deepEqual(view.observed.requestsByColor, { blue: 90, green: 10 });
    assert.ok(Math.abs(view.observed.shares.green - 0.1) < 1e-12);
    assert.equal(view.at, end);
    // Stats (last 60 s: the old blue traffic too) count preview requests as load on the color.
    assert.equal(view.colors.green.requests, 20);
    assert.equal(view.colors.green.previewRequests, 10);
    assert.equal(view.statsSeconds, STATS_SECONDS);
    assert.ok(Math.abs(view.colors.blue.requestsPerSecond - (90 + 50) / STATS_SECONDS) < 1e-9, `${view.colors.blue.requestsPerSecond}`);
  });

  it('gives the chart one point per second, empty seconds included, newest last', () => {
    const agg = new SplitAggregator();
    agg.ingestLine(line(T0, 'blue'));
    agg.ingestLine(line(T0 + 3, 'green'));
    agg.ingestLine(line(T0 + 3, 'green'));
    const history = shapeTrafficView(agg, { environment: 'e', reader, points: CHART_SECONDS });
    assert.equal(history.points.length, CHART_SECONDS);
    assert.deepEqual(history.points.slice(-4), [
      { second: T0, blue: 1, green: 0 }, { second: T0 + 1, blue: 0, green: 0 }, { second: T0 + 2, blue: 0, green: 0 }, { second: T0 + 3, blue: 0, green: 2 },
    ]);
    const update = shapeTrafficView(agg, { environment: 'e', reader, points: UPDATE_POINTS });
    assert.equal(update.points.length, UPDATE_POINTS);
    assert.deepEqual(update.points.at(-1), { second: T0 + 3, blue: 0, green: 2 });
  });

  it('reports status classes, p50/p95 per color and segment hits', () => {
    const agg = new SplitAggregator();
    for (let i = 1; i <= 100; i++) agg.ingestLine(line(T0, 'green', { via: 'segment', segment: 'mobile', status: i <= 5 ? 503 : 200, ms: i }));
    for (let i = 0; i < 7; i++) agg.ingestLine(line(T0, 'blue', { status: 404 }));
    const view = shapeTrafficView(agg, { environment: 'e', reader, points: 1 });
    assert.deepEqual(view.colors.green.status, { '2xx': 95, '3xx': 0, '4xx': 0, '5xx': 5 });
    assert.equal(view.colors.green.errorRate, 0.05);
    assert.ok(Math.abs((view.colors.green.p50Ms as number) - 50) / 50 < 0.05, `p50 ${view.colors.green.p50Ms}`);
    assert.ok(Math.abs((view.colors.green.p95Ms as number) - 95) / 95 < 0.05, `p95 ${view.colors.green.p95Ms}`);
    assert.equal(view.colors.blue.status['4xx'], 7);
    assert.deepEqual(view.segmentHits, [{ segment: 'mobile', color: 'green', requests: 100 }]);
  });

  it('carries stage markers inside the chart span', () => {
    const agg = new SplitAggregator();
    agg.ingestLine(line(T0 + 400, 'blue'));
    agg.mark('switch green', T0 + 390);
    agg.mark('too old', T0 + 400 - CHART_SECONDS - 5);
    const view = shapeTrafficView(agg, { environment: 'e', reader, points: 1 });
    assert.deepEqual(view.markers.map((m) => m.label), ['switch green']);
  });
});

describe('configured split', () => {
  it('takes the newest state and names stale and unreachable routers', () => {
    const readings: RouterReading[] = [
      { router: 'r1', reachable: true, state: state(4, { blue: 90, green: 10 }) },
      { router: 'r2', reachable: true, state: state(3, { blue: 100, green: 0 }, 'restore') },
      { router: 'r3', reachable: false, error: 'down' },
    ];
    const configured = configuredSplitOf(readings);
    assert.ok(configured);
    assert.equal(configured.serial, 4);
    assert.deepEqual(configured.plan.weights, { blue: 90, green: 10 });
    assert.equal(configured.description, 'blue 90% · green 10%');
    assert.deepEqual(configured.staleRouters, ['r2']);
    assert.deepEqual(configured.unreachableRouters, ['r3']);
  });

  it('is undefined when no router carries a state', () => {
    assert.equal(configuredSplitOf([{ router: 'r1', reachable: true }]), undefined);
  });

  it('measures drift of the observed share from the configured weight', () => {
    const configured = configuredSplitOf([{ router: 'r1', reachable: true, state: state(1, { blue: 90, green: 10 }) }]);
    const observed = { seconds: 10, requests: 100, requestsByColor: { blue: 88, green: 12 }, shares: { blue: 0.88, green: 0.12 } };
    assert.ok(Math.abs((splitDrift({ configured, observed }, 'green') as number) - 2) < 1e-9);
    assert.equal(splitDrift({ configured: undefined, observed }, 'green'), undefined);
  });
});

describe('split bar widths', () => {
  it('draws nothing for a color at 0 %: blue 100 % is all blue, not a green sliver', () => {
    assert.deepEqual(splitBarWidths(100, 0), { blue: 100, green: 0 });
    assert.deepEqual(splitBarWidths(0, 100), { blue: 0, green: 100 });
    // Request counts as well as weights: one color alone fills the bar.
    assert.deepEqual(splitBarWidths(0, 7), { blue: 0, green: 100 });
  });

  it('splits by share, the two parts adding up to 100', () => {
    assert.deepEqual(splitBarWidths(90, 10), { blue: 90, green: 10 });
    const { blue, green } = splitBarWidths(1, 2);
    assert.ok(Math.abs(blue - 100 / 3) < 1e-9);
    assert.equal(blue + green, 100);
  });

  it('is empty for nothing, and ignores negative or non-finite amounts', () => {
    assert.deepEqual(splitBarWidths(0, 0), { blue: 0, green: 0 });
    assert.deepEqual(splitBarWidths(100, -5), { blue: 100, green: 0 });
    assert.deepEqual(splitBarWidths(Number.NaN, 3), { blue: 0, green: 100 });
  });
});

describe('mergePoints', () => {
  const p = (second: number, blue = 1, green = 0): ChartPoint => ({ second, blue, green });

  it('replaces a second with its newer value and keeps order', () => {
    const merged = mergePoints([p(1), p(2), p(3)], [p(3, 5), p(4, 6)]);
    assert.deepEqual(merged, [p(1), p(2), p(3, 5), p(4, 6)]);
  });

  it('never holds more than the chart span, however long it runs', () => {
    let buffer: ChartPoint[] = [];
    for (let s = 0; s < 5000; s += 15) buffer = mergePoints(buffer, Array.from({ length: UPDATE_POINTS }, (_, i) => p(s + i)), CHART_SECONDS);
    assert.ok(buffer.length <= CHART_SECONDS, `${buffer.length}`);
    const newest = buffer[buffer.length - 1].second;
    assert.ok(buffer.every((x) => x.second > newest - CHART_SECONDS));
  });

  it('drops points older than the span behind the newest one', () => {
    assert.deepEqual(mergePoints([p(1), p(2)], [p(500)], 300), [p(500)]);
  });
});

describe('traffic controls shaping', () => {
  it('refuses rates and shares out of range', () => {
    assert.equal(checkTrafficSettings({ rps: 20, mobileShare: 0.2 }), undefined);
    assert.match(checkTrafficSettings({ rps: 0, mobileShare: 0 }) ?? '', /rate/);
    assert.match(checkTrafficSettings({ rps: 5000, mobileShare: 0 }) ?? '', /rate/);
    assert.match(checkTrafficSettings({ rps: 5, mobileShare: 1.5 }) ?? '', /mobile/);
    assert.match(checkTrafficSettings({ rps: Number.NaN, mobileShare: 0 }) ?? '', /rate/);
  });

  it('shows idle counts without a run', () => {
    assert.deepEqual(trafficControlView(undefined, undefined), { running: false, sent: 0, ok: 0, failed: 0, achievedRps: 0, elapsedSeconds: 0, settings: undefined });
  });
});
