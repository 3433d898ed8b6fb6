// The load a zero-loss run puts on the routers, `rps` in all: the product's own open-loop
// generator in its own process (generatorChild.ts) as two clients — keep-alive and a fresh
// connection per request, both also counted "as a browser sees it" — and, beside it at the same
// rate, autocannon in its own process as an independent check. Failures are also counted per phase (the step of the release running),
// so a slow app host during `deploy` can be told apart from a router change losing requests.
import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import type { TrafficSnapshot } from '../../src/core/traffic/trafficGenerator';
import type { ChildReport, PhaseCounts } from './generatorChild';

export interface LoadOptions {
  targets: string[];
  /**
   * Total rate through the routers. With autocannon, half is the product's generator (split over
   * its two clients) and half autocannon — the two run at the same rate, side by side.
   */
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
  /** autocannon's own count; it includes the requests still in flight when it was stopped. */
  sent: number;
  /** Responses plus errors: the requests that came to an end. */
  answered: number;
  ok2xx: number;
  failed: number;
  errors: number;
  timeouts: number;
  status5xx: number;
  resets: number;
  averageRps: number;
  error?: string;
}

export interface LoadResult {
  rps: number;
  keepAlive: ClientFigures;
  fresh: ClientFigures;
  /** Both product clients together. */
  total: { sent: number; failed: number; asBrowserFailed: number };
  phases: PhaseCounts[];
  autocannon?: AutocannonFigures;
}

export class LoadSet {
  private generator: ChildProcess | undefined;
  private generatorReport: Promise<ChildReport> | undefined;
  private child: ChildProcess | undefined;
  private childResult: Promise<AutocannonFigures> | undefined;

  constructor(private readonly options: LoadOptions) {}

  async start(): Promise<void> {
    if (this.options.autocannon !== false) await this.startAutocannon();
    await this.startGenerator();
  }

  /** Begins a new phase; the generator closes the previous one with its counts. */
  mark(name: string): void {
    this.generator?.send({ mark: name });
  }

  async stop(): Promise<LoadResult> {
    this.generator?.send('stop');
    const report = await this.generatorReport;
    this.child?.send('stop');
    const autocannon = await this.childResult;
    if (!report) throw new Error('the load was never started');
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
    const k = figures(report.keepAlive);
    const f = figures(report.fresh);
    return {
      rps: this.options.rps,
      keepAlive: k,
      fresh: f,
      total: { sent: k.sent + f.sent, failed: k.failed + f.failed, asBrowserFailed: k.asBrowserFailed + f.asBrowserFailed },
      phases: report.phases.filter((p) => p.sent > 0 || p.failed > 0),
      autocannon,
    };
  }

  private generatorRps(): number {
    return this.options.autocannon === false ? this.options.rps : this.options.rps / 2;
  }

  private async startGenerator(): Promise<void> {
    const { targets, paths } = this.options;
    const rps = this.generatorRps();
    const child = fork(path.join(__dirname, 'generatorChild.ts'), [JSON.stringify({ targets, rps, paths })], {
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    this.generator = child;
    let started: () => void = () => undefined;
    const ready = new Promise<void>((resolve) => (started = resolve));
    this.generatorReport = new Promise<ChildReport>((resolve, reject) => {
      child.on('message', (message) => {
        if (message === 'started') started();
        else resolve(message as ChildReport);
      });
      child.once('error', reject);
      child.once('exit', (code) => reject(new Error(`the load generator exited (${code}) before reporting`)));
    });
    // An early exit rejects the report; surface it here rather than hang on `ready`.
    await Promise.race([ready, this.generatorReport.then(() => undefined)]);
  }

  private async startAutocannon(): Promise<void> {
    const rate = this.options.rps - this.generatorRps();
    const connections = Math.max(this.options.targets.length * 10, Math.ceil(rate / 5));
    const child = fork(path.join(__dirname, 'autocannonChild.mjs'), [JSON.stringify({
      url: this.options.targets,
      connections: connections - (connections % this.options.targets.length),
      overallRate: rate,
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
            answered: (r.requests?.total ?? 0) + n('errors'),
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
  return { sent: 0, answered: 0, ok2xx: 0, failed: 0, errors: 0, timeouts: 0, status5xx: 0, resets: 0, averageRps: 0, error };
}
