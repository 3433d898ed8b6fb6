// The load a zero-loss run puts on the routers: the product's own open-loop generator as two
// clients (keep-alive and fresh connection per request, half the rate each, both also counted
// "as a browser sees it"), and autocannon at the same total rate in its own process as an
// independent check. Failures are also counted per phase (the step of the release running),
// so a slow app host during `deploy` can be told apart from a router change losing requests.
import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { TrafficGenerator, type TrafficSnapshot } from '../../src/core/traffic/trafficGenerator';

export interface LoadOptions {
  targets: string[];
  /** Total rate of the product's generator (split over its two clients); autocannon runs at the same. */
  rps: number;
  paths: string[];
  /** Skip the external generator (quick runs). */
  autocannon?: boolean;
}

export interface ClientFigures {
  sent: number;
  ok: number;
  failed: number;
  failures: TrafficSnapshot['failures'];
  /** As a browser sees it: a reused connection closed before any response is retried once. */
  asBrowserFailed: number;
  retried: number;
  achievedRps: number;
  maxScheduleLagMs: number;
  p99Ms: number;
}

export interface AutocannonFigures {
  sent: number;
  ok2xx: number;
  failed: number;
  errors: number;
  timeouts: number;
  status5xx: number;
  resets: number;
  averageRps: number;
  error?: string;
}

export interface PhaseFailures {
  phase: string;
  durationMs: number;
  sent: number;
  failed: number;
  asBrowserFailed: number;
}

export interface LoadResult {
  rps: number;
  keepAlive: ClientFigures;
  fresh: ClientFigures;
  /** Both product clients together. */
  total: { sent: number; failed: number; asBrowserFailed: number };
  phases: PhaseFailures[];
  autocannon?: AutocannonFigures;
}

export class LoadSet {
  private readonly keepAlive: TrafficGenerator;
  private readonly fresh: TrafficGenerator;
  private child: ChildProcess | undefined;
  private childResult: Promise<AutocannonFigures> | undefined;
  private running: Promise<unknown> | undefined;
  private phase: { name: string; at: number; sent: number; failed: number; browserFailed: number } | undefined;
  private readonly phases: PhaseFailures[] = [];

  constructor(private readonly options: LoadOptions) {
    const each = options.rps / 2;
    const common = {
      targets: options.targets,
      rps: each,
      paths: options.paths,
      // Room for every request of the 5 s timeout: only a request unanswered for 5 s fails.
      maxInFlight: Math.ceil(each * 6),
      durationMs: 4 * 60 * 60 * 1000,
      retryOnReusedConnectionClose: true,
      progressIntervalMs: 60_000,
    };
    this.keepAlive = new TrafficGenerator({ ...common, keepAlive: true });
    this.fresh = new TrafficGenerator({ ...common, keepAlive: false });
  }

  async start(): Promise<void> {
    if (this.options.autocannon !== false) await this.startAutocannon();
    this.running = Promise.all([this.keepAlive.start(), this.fresh.start()]);
    this.mark('start');
  }

  /** Begins a new phase; the previous one is closed with its counts. */
  mark(name: string): void {
    const now = this.counts();
    if (this.phase) {
      this.phases.push({
        phase: this.phase.name,
        durationMs: now.at - this.phase.at,
        sent: now.sent - this.phase.sent,
        failed: now.failed - this.phase.failed,
        asBrowserFailed: now.browserFailed - this.phase.browserFailed,
      });
    }
    this.phase = { name, ...now };
  }

  /** Live counts, for a caller that watches progress. */
  counts() {
    const a = this.keepAlive.snapshot();
    const b = this.fresh.snapshot();
    return {
      at: Date.now(),
      sent: a.sent + b.sent,
      failed: a.failed + b.failed,
      browserFailed: (a.asBrowser?.failed ?? 0) + (b.asBrowser?.failed ?? 0),
    };
  }

  async stop(): Promise<LoadResult> {
    this.mark('end');
    const [keepAlive, fresh] = await Promise.all([this.keepAlive.stop(), this.fresh.stop()]);
    await this.running;
    this.child?.send('stop');
    const autocannon = await this.childResult;
    const figures = (s: TrafficSnapshot): ClientFigures => ({
      sent: s.sent,
      ok: s.ok,
      failed: s.failed,
      failures: s.failures,
      asBrowserFailed: s.asBrowser?.failed ?? s.failed,
      retried: s.asBrowser?.retried ?? 0,
      achievedRps: Math.round(s.achievedRps),
      maxScheduleLagMs: Math.round(s.maxScheduleLagMs),
      p99Ms: Math.round(s.latency.p99Ms ?? Number.NaN),
    });
    const k = figures(keepAlive);
    const f = figures(fresh);
    return {
      rps: this.options.rps,
      keepAlive: k,
      fresh: f,
      total: { sent: k.sent + f.sent, failed: k.failed + f.failed, asBrowserFailed: k.asBrowserFailed + f.asBrowserFailed },
      phases: this.phases.filter((p) => p.sent > 0 || p.failed > 0),
      autocannon,
    };
  }

  private async startAutocannon(): Promise<void> {
    const connections = Math.max(this.options.targets.length * 10, Math.ceil(this.options.rps / 20));
    const child = fork(path.join(__dirname, 'autocannonChild.mjs'), [JSON.stringify({
      url: this.options.targets,
      connections: connections - (connections % this.options.targets.length),
      overallRate: this.options.rps,
      timeout: 5,
      requests: this.options.paths.map((p) => ({ method: 'GET', path: p })),
    })], { stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });
    this.child = child;
    let out = '';
    child.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString()));
    this.childResult = new Promise<AutocannonFigures>((resolve) => {
      child.once('exit', () => {
        try {
          const r = JSON.parse(out.trim().split('\n').pop() ?? '{}') as Record<string, unknown> & { requests?: { total?: number; sent?: number; average?: number } };
          if (typeof r.error === 'string') return resolve(emptyAutocannon(r.error));
          const n = (key: string) => Number(r[key] ?? 0);
          resolve({
            sent: r.requests?.sent ?? 0,
            ok2xx: n('2xx'),
            // autocannon counts timeouts among its errors.
            failed: n('errors') + n('5xx'),
            errors: n('errors'),
            timeouts: n('timeouts'),
            status5xx: n('5xx'),
            resets: n('resets'),
            averageRps: Math.round(r.requests?.average ?? 0),
          });
        } catch (error) {
          resolve(emptyAutocannon(`unreadable autocannon result: ${(error as Error).message}`));
        }
      });
    });
    await new Promise<void>((resolve, reject) => {
      child.once('message', () => resolve());
      child.once('error', reject);
      child.once('exit', () => resolve());
    });
  }
}

function emptyAutocannon(error: string): AutocannonFigures {
  return { sent: 0, ok2xx: 0, failed: 0, errors: 0, timeouts: 0, status5xx: 0, resets: 0, averageRps: 0, error };
}
