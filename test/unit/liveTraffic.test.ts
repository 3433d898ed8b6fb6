import * as assert from 'node:assert/strict';
import { LiveTraffic, LiveTrafficRegistry, LiveTrafficSource } from '../../src/core/live';
import type { ConfiguredSplit, TrafficView } from '../../src/core/live';

/** A source fed by the test: lines are pushed by hand, each stream's signal is observable. */
class ScriptedSource implements LiveTrafficSource {
  opened = 0;
  signals: AbortSignal[] = [];
  configured: ConfiguredSplit | undefined;
  private push: ((line: string) => void) | undefined;
  private endStream: ((error?: Error) => void) | undefined;

  streamLines(onLine: (line: string) => void, signal: AbortSignal): Promise<void> {
    this.opened++;
    this.signals.push(signal);
    this.push = onLine;
    return new Promise((resolve, reject) => {
      this.endStream = (error) => (error ? reject(error) : resolve());
      signal.addEventListener('abort', () => resolve(), { once: true });
    });
  }

  async readConfigured(): Promise<ConfiguredSplit | undefined> {
    return this.configured;
  }

  line(color: 'blue' | 'green', msec = Date.now() / 1000): void {
    this.push?.(JSON.stringify({ time: 't', msec, router: 'r', app: 'web', color, via: 'split', segment: '', status: 200, request_time: 0.01, upstream_time: '0.01', method: 'GET', uri: '/' }));
  }

  breakStream(): void {
    this.endStream?.(new Error('connection reset'));
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function configured(serial: number, stage: string, changedAt = new Date()): ConfiguredSplit {
  return {
    plan: { weights: { blue: 90, green: 10 }, segments: [] }, description: 'blue 90% · green 10%', serial, stage,
    changedAt: changedAt.toISOString(), staleRouters: [], unreachableRouters: [],
  };
}

describe('LiveTraffic', () => {
  it('streams only while somebody subscribes', async () => {
    const source = new ScriptedSource();
    const live = new LiveTraffic('sandbox', source, { updateIntervalMs: 20 });
    assert.equal(source.opened, 0);
    const a = live.subscribe(() => undefined);
    const b = live.subscribe(() => undefined);
    assert.equal(source.opened, 1, 'one stream for two subscribers');
    a.dispose();
    assert.equal(source.signals[0].aborted, false, 'still one subscriber');
    b.dispose();
    assert.equal(source.signals[0].aborted, true, 'the last one left');
    assert.equal(live.watching, false);
    live.subscribe(() => undefined).dispose();
    assert.equal(source.opened, 2);
  });

  it('emits about one view per interval with what the log said', async () => {
    const source = new ScriptedSource();
    const live = new LiveTraffic('sandbox', source, { updateIntervalMs: 50 });
    const views: TrafficView[] = [];
    const sub = live.subscribe((v) => views.push(v));
    for (let i = 0; i < 9; i++) source.line('blue');
    source.line('green');
    await sleep(280);
    sub.dispose();
    assert.ok(views.length >= 3 && views.length <= 7, `${views.length} views in 280 ms at 50 ms`);
    const last = views[views.length - 1];
    assert.equal(last.environment, 'sandbox');
    assert.equal(last.observed.requests, 10);
    assert.equal(last.observed.requestsByColor.green, 1);
    assert.equal(last.reader.state, 'streaming');
    assert.equal(last.reader.ingested, 10);
    assert.ok(last.points.length <= 15, 'updates carry only the newest points');
  });

  it('opens the stream again when it breaks while watched', async () => {
    const source = new ScriptedSource();
    const live = new LiveTraffic('sandbox', source, { updateIntervalMs: 1000, retryDelayMs: 30 });
    const sub = live.subscribe(() => undefined);
    source.breakStream();
    await sleep(5);
    assert.equal(live.view().reader.state, 'retrying');
    assert.match(live.view().reader.error ?? '', /connection reset/);
    await sleep(80);
    assert.equal(source.opened, 2);
    sub.dispose();
  });

  it('reads the configured split and marks a new stage once', async () => {
    const source = new ScriptedSource();
    source.configured = configured(7, 'canary green --percent 10');
    const live = new LiveTraffic('sandbox', source, { updateIntervalMs: 1000 });
    const sub = live.subscribe(() => undefined);
    await live.refreshConfigured();
    await live.refreshConfigured();
    source.line('blue');
    let view = live.view();
    assert.equal(view.configured?.serial, 7);
    assert.deepEqual(view.markers.map((m) => m.label), ['canary green --percent 10']);
    source.configured = configured(8, 'switch green');
    await live.refreshConfigured();
    view = live.view();
    assert.deepEqual(view.markers.map((m) => m.label), ['canary green --percent 10', 'switch green']);
    sub.dispose();
  });

  it('does not mark a stage that ran before the chart span', async () => {
    const source = new ScriptedSource();
    source.configured = configured(3, 'restore', new Date(Date.now() - 3600_000));
    const live = new LiveTraffic('sandbox', source);
    await live.refreshConfigured();
    assert.deepEqual(live.view().markers, []);
  });

  it('carries the database summary beside the split, and says why when it cannot be read', async () => {
    const summary = { total: 41, maxConnections: 100, zombies: 25, zombieAfterSeconds: 10, holders: ['web on green at 1.0.2-leaky: 25 zombie(s), 40 connection(s)'] };
    let failing = false;
    const source = Object.assign(new ScriptedSource(), {
      readDatabase: async () => {
        if (failing) throw new Error('psql: could not connect');
        return summary;
      },
    });
    const live = new LiveTraffic('sandbox', source);
    assert.equal(live.view().database, undefined, 'nothing before the first read');
    await live.refreshConfigured();
    assert.deepEqual(live.view().database, summary);
    failing = true;
    await live.refreshConfigured();
    assert.equal(live.view().database?.error, 'psql: could not connect');
  });

  it('keeps one reader per environment in a registry', () => {
    let created = 0;
    const registry = new LiveTrafficRegistry((name) => { created++; return new LiveTraffic(name, new ScriptedSource()); });
    assert.equal(registry.get('sandbox'), registry.get('sandbox'));
    assert.notEqual(registry.get('sandbox'), registry.get('production'));
    assert.equal(created, 2);
    registry.dispose();
  });
});
