// The load a zero-loss run puts on the routers, `rps` in all: the product's own open-loop
// generator in its own process (generatorChild.ts) as two clients — keep-alive and a fresh
// connection per request, both also counted "as a browser sees it" — and, beside it at the same
// rate, autocannon in its own process as an independent check. In the sandbox both run in a
// container on the sandbox's network; on loopback, on this machine (loadContainer.ts). Failures
// are also counted per phase (the step of the release running), so a slow app host during
// `deploy` can be told apart from a router change losing requests.
import path from 'node:path';
import type { TrafficSnapshot } from '../../src/core/traffic/trafficGenerator';
import type { ChildCommand, ChildOutput, ChildReport, PhaseCounts } from './generatorChild';
import { hostChild, LoadContainer, type ChildLink, type LoadContainerSpec } from './loadContainer';

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
  /**
   * Run both generators in this container on the sandbox's network (created at start, removed
   * at stop, on failure and on Ctrl-C); without it they run as processes on this machine.
   */
  container?: LoadContainerSpec;
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
  private place: LoadContainer | undefined;
  private generator: ChildLink | undefined;
  private generatorReport: Promise<ChildReport> | undefined;
  private child: ChildLink | undefined;
  private childResult: Promise<AutocannonFigures> | undefined;

  constructor(private readonly options: LoadOptions) {}

  async start(): Promise<void> {
    try {
      if (this.options.container) this.place = await LoadContainer.start(this.options.container);
      if (this.options.autocannon !== false) await this.startAutocannon();
      await this.startGenerator();
    } catch (error) {
      await this.close();
      throw error;
    }
  }

  /** Begins a new phase now; the generator closes the previous one with its counts at this moment. */
  mark(name: string): void {
    this.generator?.write(JSON.stringify({ mark: name, at: Date.now() } satisfies ChildCommand));
  }

  async stop(): Promise<LoadResult> {
    try {
      this.generator?.write(JSON.stringify({ stop: true } satisfies ChildCommand));
      // In-flight requests get their 5 s timeout to end; a report that takes far longer is not coming.
      const report = this.generatorReport && await withinMs(this.generatorReport, 60_000, 'the load generator gave no report within 60 s of stop');
      this.child?.write('stop');
      const autocannon = this.childResult && await withinMs(this.childResult, 60_000, 'autocannon gave no result within 60 s of stop');
      if (!report) throw new Error('the load was never started');
      return this.result(report, autocannon);
    } finally {
      await this.close();
    }
  }

  /** Ends whatever still runs: the container (and all in it) or the processes here. */
  private async close(): Promise<void> {
    if (this.place) await this.place.remove();
    else {
      this.generator?.kill();
      this.child?.kill();
    }
  }

  private result(report: ChildReport, autocannon: AutocannonFigures | undefined): LoadResult {
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

  /** The generator `file` with `args`, in the container when there is one, else on this machine. */
  private launch(file: string, args: string[], name: string): Promise<ChildLink> {
    const at = path.join(__dirname, file);
    return this.place ? this.place.exec(at, args, name) : Promise.resolve(hostChild(at, args, name));
  }

  private async startGenerator(): Promise<void> {
    const { targets, paths } = this.options;
    const child = await this.launch('generatorChild.ts', [JSON.stringify({ targets, rps: this.generatorRps(), paths })], 'generator');
    this.generator = child;
    let started: () => void = () => undefined;
    const ready = new Promise<void>((resolve) => (started = resolve));
    this.generatorReport = new Promise<ChildReport>((resolve, reject) => {
      child.onLine((line) => {
        const output = parseLine(line) as ChildOutput | undefined;
        if (output && 'started' in output) started();
        else if (output && 'report' in output) resolve(output.report);
        else process.stderr.write(`[generator] ${line}\n`);
      });
      void child.exited.then((code) => reject(new Error(`the load generator exited (${code}) before reporting; its stderr is above`)));
    });
    // An early exit rejects the report; surface it here rather than hang on `ready`.
    await Promise.race([ready, this.generatorReport.then(() => undefined)]);
  }

  private async startAutocannon(): Promise<void> {
    const rate = this.options.rps - this.generatorRps();
    const connections = Math.max(this.options.targets.length * 10, Math.ceil(rate / 5));
    const child = await this.launch('autocannonChild.mjs', [JSON.stringify({
      url: this.options.targets,
      connections: connections - (connections % this.options.targets.length),
      overallRate: rate,
      timeout: 5,
      requests: this.options.paths.map((p) => ({ method: 'GET', path: p })),
    })], 'autocannon');
    this.child = child;
    let started: () => void = () => undefined;
    const ready = new Promise<void>((resolve) => (started = resolve));
    let last = '';
    child.onLine((line) => {
      if (line === '{"started":true}') started();
      else last = line;
    });
    this.childResult = child.exited.then(() => {
      started();
      try {
        const r = JSON.parse(last || '{}') as Record<string, unknown> & { requests?: { total?: number; sent?: number; average?: number } };
        if (typeof r.error === 'string') return emptyAutocannon(r.error);
        if (!r.requests) return emptyAutocannon('autocannon exited without a result; its stderr is above');
        const n = (key: string) => Number(r[key] ?? 0);
        return {
          sent: r.requests.sent ?? 0,
          answered: (r.requests.total ?? 0) + n('errors'),
          ok2xx: n('2xx'),
          // autocannon counts timeouts among its errors.
          failed: n('errors') + n('5xx'),
          errors: n('errors'),
          timeouts: n('timeouts'),
          status5xx: n('5xx'),
          resets: n('resets'),
          averageRps: Math.round(r.requests.average ?? 0),
        };
      } catch (error) {
        return emptyAutocannon(`unreadable autocannon result: ${(error as Error).message}`);
      }
    });
    await ready;
  }
}

function parseLine(line: string): unknown {
  try {
    return JSON.parse(line);
  } catch {
    return undefined;
  }
}

function withinMs<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(message)), ms)));
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

function emptyAutocannon(error: string): AutocannonFigures {
  return { sent: 0, answered: 0, ok2xx: 0, failed: 0, errors: 0, timeouts: 0, status5xx: 0, resets: 0, averageRps: 0, error };
}
