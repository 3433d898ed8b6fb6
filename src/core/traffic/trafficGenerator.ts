// Sends simulated web and mobile users at a fixed rate through the routers and counts what they
// see, raw: no retries, every 5xx, reset or timeout is a failure. Used by the sandbox rehearsal
// and the zero-loss benchmark to prove a stage moved traffic without losing requests.
//
// Scheduling is open-loop: request i is due at start + i / rps whatever happened to the
// requests before it, so a slow or stuck router cannot slow the load down and hide its own
// failures (coordinated omission). In-flight requests are capped (`maxInFlight`); a request due
// while the cap is reached is never sent and counts as failed with reason `overflow` — from a
// user's side that request was not served in time, and dropping it silently would flatter the
// router. `sent` therefore counts every scheduled request: sent = ok + failed + inFlight.

import { EventEmitter } from 'events';
import * as http from 'http';
import * as https from 'https';
import { performance } from 'perf_hooks';
import { Color } from '../model';
import { LatencyHistogram, LatencyPercentiles } from './latencyHistogram';
import { USER_AGENTS, UserAgentKind, isMobileRequest } from './userAgents';

export const COLOR_RESPONSE_HEADER = 'x-bluegreen-color';
export const DEFAULT_PATHS: readonly string[] = ['/', '/api/version'];
export const DEFAULT_TIMEOUT_MS = 5000;
export const DEFAULT_MAX_IN_FLIGHT = 256;
/** Used when neither `maxRequests` nor `durationMs` is given: a generator always stops by itself. */
export const DEFAULT_DURATION_MS = 60_000;

export interface TrafficGeneratorOptions {
  /** Router base URLs, e.g. `http://127.0.0.1:8081`; requests go round robin over them. */
  targets: string[];
  /** Requests per second, the fixed send rate. */
  rps: number;
  /** Paths requested in turn; default `/` and `/api/version`. */
  paths?: readonly string[];
  /** Share 0–1 of requests sent as mobile users (spread evenly, see isMobileRequest). Default 0. */
  mobileShare?: number;
  /** Reuse connections (an http.Agent with keepAlive). Default true, as browsers do. */
  keepAlive?: boolean;
  /** Cap on requests awaiting an answer; past it a due request counts as failed `overflow`. */
  maxInFlight?: number;
  /** A request without a complete response after this long is failed `timeout`. Default 5000. */
  timeoutMs?: number;
  /** Stop after scheduling this many requests. */
  maxRequests?: number;
  /** Stop scheduling after this long (requests due before it are sent). */
  durationMs?: number;
  /**
   * Extra request headers, e.g. `{ 'X-Bluegreen-Preview': 'green' }` or a `Cookie`. None by
   * default: the generator sends no cookies (and keeps none it is given) and no preview header.
   */
  headers?: Record<string, string>;
  /**
   * Also count requests "as a browser would see them": a request on a reused keep-alive
   * connection that is closed before any response is retried once on a fresh connection.
   * Reported in `asBrowser`; the raw counts are unchanged.
   */
  retryOnReusedConnectionClose?: boolean;
  /** How often the `progress` event fires. Default 1000 ms. */
  progressIntervalMs?: number;
}

export type ColorSeen = Color | 'unknown';

export interface FailureCounts {
  /** Responses with status ≥ 500. */
  status: number;
  /** Connection refused, reset or closed before the response was complete. */
  connection: number;
  /** No complete response within `timeoutMs`. */
  timeout: number;
  /** Never sent: `maxInFlight` requests were already waiting. */
  overflow: number;
}

export interface KindCounts {
  sent: number;
  ok: number;
  failed: number;
  /** Responses by the color that served them (header `X-Bluegreen-Color`). */
  byColor: Record<ColorSeen, number>;
}

export interface BrowserViewCounts {
  ok: number;
  failed: number;
  /** Requests retried on a fresh connection after their reused connection closed. */
  retried: number;
  /** Of which the retry got a good response. */
  recovered: number;
}

export interface TrafficSnapshot {
  running: boolean;
  elapsedMs: number;
  sent: number;
  inFlight: number;
  ok: number;
  failed: number;
  failures: FailureCounts;
  /** Responses by status class. */
  statusClasses: Record<'1xx' | '2xx' | '3xx' | '4xx' | '5xx', number>;
  /** Responses (raw, first attempts) per color that served them: ok and 5xx. */
  byColor: Record<ColorSeen, { ok: number; failed: number }>;
  byKind: Record<UserAgentKind, KindCounts>;
  /** Client-side time to a complete response, raw first attempts only. */
  latency: LatencyPercentiles;
  /** sent / elapsed seconds. */
  achievedRps: number;
  /**
   * Largest delay between a request's due time and when it was sent. Small when the generator
   * kept its schedule; large means this machine (not the routers) could not keep the rate.
   */
  maxScheduleLagMs: number;
  /** Present when `retryOnReusedConnectionClose` is on. */
  asBrowser?: BrowserViewCounts;
}

export interface TrafficGeneratorEvents {
  progress: [TrafficSnapshot];
  done: [TrafficSnapshot];
}

type AttemptResult =
  | { outcome: 'response'; status: number; color: ColorSeen; ms: number }
  | { outcome: 'connection' | 'timeout'; beforeResponse: boolean; reusedSocket: boolean };

function emptyByColor<T>(make: () => T): Record<ColorSeen, T> {
  return { blue: make(), green: make(), unknown: make() };
}

function colorOf(header: string | string[] | undefined): ColorSeen {
  const value = Array.isArray(header) ? header[0] : header;
  return value === 'blue' || value === 'green' ? value : 'unknown';
}

export class TrafficGenerator extends EventEmitter<TrafficGeneratorEvents> {
  private readonly targets: string[];
  private readonly paths: readonly string[];
  private readonly rps: number;
  private readonly mobileShare: number;
  private readonly maxInFlight: number;
  private readonly timeoutMs: number;
  private readonly maxRequests: number;
  private readonly durationMs: number;
  private readonly extraHeaders: Record<string, string>;
  private readonly retryMode: boolean;
  private readonly progressIntervalMs: number;
  private readonly agents: { 'http:': http.Agent; 'https:': https.Agent };
  /** Retries go over agents without keep-alive: a fresh connection each time. */
  private readonly freshAgents = { 'http:': new http.Agent({ keepAlive: false }), 'https:': new https.Agent({ keepAlive: false }) };

  private state: 'idle' | 'running' | 'draining' | 'done' = 'idle';
  private startedAt = 0;
  private stoppedAt: number | undefined;
  private scheduled = 0;
  private maxScheduleLagMs = 0;
  private inFlight = 0;
  private ok = 0;
  private failed = 0;
  private readonly failures: FailureCounts = { status: 0, connection: 0, timeout: 0, overflow: 0 };
  private readonly statusClasses = { '1xx': 0, '2xx': 0, '3xx': 0, '4xx': 0, '5xx': 0 };
  private readonly byColor = emptyByColor(() => ({ ok: 0, failed: 0 }));
  private readonly byKind: Record<UserAgentKind, KindCounts> = {
    web: { sent: 0, ok: 0, failed: 0, byColor: emptyByColor(() => 0) },
    mobile: { sent: 0, ok: 0, failed: 0, byColor: emptyByColor(() => 0) },
  };
  private readonly turnOfKind: Record<UserAgentKind, number> = { web: 0, mobile: 0 };
  private readonly latency = new LatencyHistogram();
  private readonly asBrowser: BrowserViewCounts = { ok: 0, failed: 0, retried: 0, recovered: 0 };
  private timer: NodeJS.Timeout | undefined;
  private progressTimer: NodeJS.Timeout | undefined;
  private finished: Promise<TrafficSnapshot> | undefined;
  private resolveFinished: ((snapshot: TrafficSnapshot) => void) | undefined;

  constructor(options: TrafficGeneratorOptions) {
    super();
    if (options.targets.length === 0) throw new RangeError('targets: at least one router URL is needed');
    this.targets = options.targets.map((target) => {
      const url = new URL(target);
      if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new RangeError(`targets: ${target} is not an http(s) URL`);
      return target.replace(/\/+$/, '');
    });
    if (!(Number.isFinite(options.rps) && options.rps > 0)) throw new RangeError(`rps must be above 0, got ${options.rps}`);
    const mobileShare = options.mobileShare ?? 0;
    if (!(mobileShare >= 0 && mobileShare <= 1)) throw new RangeError(`mobileShare must be within 0–1, got ${mobileShare}`);
    this.paths = options.paths ?? DEFAULT_PATHS;
    if (this.paths.length === 0 || this.paths.some((p) => !p.startsWith('/'))) throw new RangeError('paths: each path must start with "/"');
    this.rps = options.rps;
    this.mobileShare = mobileShare;
    this.maxInFlight = options.maxInFlight ?? DEFAULT_MAX_IN_FLIGHT;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.maxRequests = options.maxRequests ?? Infinity;
    this.durationMs = options.durationMs ?? (options.maxRequests === undefined ? DEFAULT_DURATION_MS : Infinity);
    this.extraHeaders = { ...(options.headers ?? {}) };
    this.retryMode = options.retryOnReusedConnectionClose ?? false;
    this.progressIntervalMs = options.progressIntervalMs ?? 1000;
    const keepAlive = options.keepAlive ?? true;
    this.agents = { 'http:': new http.Agent({ keepAlive }), 'https:': new https.Agent({ keepAlive }) };
  }

  /** Starts sending; resolves with the final snapshot once it has stopped and nothing is in flight. */
  start(): Promise<TrafficSnapshot> {
    if (this.state !== 'idle') throw new Error('a TrafficGenerator runs once; create a new one');
    this.state = 'running';
    this.startedAt = performance.now();
    this.finished = new Promise((resolve) => (this.resolveFinished = resolve));
    this.progressTimer = setInterval(() => this.emit('progress', this.snapshot()), this.progressIntervalMs);
    this.tick();
    return this.finished;
  }

  /** Stops scheduling; in-flight requests finish or time out. Resolves with the final snapshot. */
  stop(): Promise<TrafficSnapshot> {
    if (this.state === 'idle') {
      this.state = 'done';
      this.destroyAgents();
      return Promise.resolve(this.snapshot());
    }
    if (this.state === 'running') this.stopScheduling();
    return this.finished as Promise<TrafficSnapshot>;
  }

  snapshot(): TrafficSnapshot {
    const end = this.stoppedAt ?? performance.now();
    const elapsedMs = this.state === 'idle' ? 0 : end - this.startedAt;
    const snapshot: TrafficSnapshot = {
      running: this.state === 'running' || this.state === 'draining',
      elapsedMs,
      sent: this.scheduled,
      inFlight: this.inFlight,
      ok: this.ok,
      failed: this.failed,
      failures: { ...this.failures },
      statusClasses: { ...this.statusClasses },
      byColor: { blue: { ...this.byColor.blue }, green: { ...this.byColor.green }, unknown: { ...this.byColor.unknown } },
      byKind: {
        web: { ...this.byKind.web, byColor: { ...this.byKind.web.byColor } },
        mobile: { ...this.byKind.mobile, byColor: { ...this.byKind.mobile.byColor } },
      },
      latency: this.latency.percentiles(),
      achievedRps: elapsedMs > 0 ? this.scheduled / (elapsedMs / 1000) : 0,
      maxScheduleLagMs: this.maxScheduleLagMs,
    };
    if (this.retryMode) snapshot.asBrowser = { ...this.asBrowser };
    return snapshot;
  }

  /** Sends every request that is due, then sleeps until the next one is. */
  private tick(): void {
    this.timer = undefined;
    if (this.state !== 'running') return;
    const intervalMs = 1000 / this.rps;
    const now = performance.now() - this.startedAt;
    while (this.hasMoreToSchedule() && this.scheduled * intervalMs <= now) {
      this.maxScheduleLagMs = Math.max(this.maxScheduleLagMs, now - this.scheduled * intervalMs);
      this.fire(this.scheduled++);
    }
    if (!this.hasMoreToSchedule()) {
      this.stopScheduling();
      return;
    }
    this.timer = setTimeout(() => this.tick(), Math.max(0, this.scheduled * intervalMs - (performance.now() - this.startedAt)));
  }

  private hasMoreToSchedule(): boolean {
    return this.scheduled < this.maxRequests && this.scheduled * (1000 / this.rps) < this.durationMs;
  }

  private stopScheduling(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.stoppedAt = performance.now();
    this.state = 'draining';
    this.finishIfDrained();
  }

  private finishIfDrained(): void {
    if (this.state !== 'draining' || this.inFlight > 0) return;
    this.state = 'done';
    if (this.progressTimer) clearInterval(this.progressTimer);
    this.destroyAgents();
    const snapshot = this.snapshot();
    this.emit('done', snapshot);
    this.resolveFinished?.(snapshot);
  }

  private destroyAgents(): void {
    for (const agent of [...Object.values(this.agents), ...Object.values(this.freshAgents)]) agent.destroy();
  }

  private fire(index: number): void {
    const kind: UserAgentKind = isMobileRequest(index, this.mobileShare) ? 'mobile' : 'web';
    // Each kind walks every target and path in turn on its own count: counted on `index`, the
    // kinds' regular spacing lined up with the round robin and sent one kind to one router.
    const turn = this.turnOfKind[kind]++;
    const rounds = this.targets.length * this.paths.length;
    const target = this.targets[turn % this.targets.length];
    const path = this.paths[Math.floor(turn / this.targets.length) % this.paths.length];
    const agents = USER_AGENTS[kind];
    const userAgent = agents[Math.floor(turn / rounds) % agents.length];
    const kindCounts = this.byKind[kind];
    kindCounts.sent++;
    if (this.inFlight >= this.maxInFlight) {
      this.countFailure(kind, 'overflow');
      if (this.retryMode) this.asBrowser.failed++;
      return;
    }
    this.inFlight++;
    const url = target + path;
    const headers = { 'User-Agent': userAgent, Accept: '*/*', ...this.extraHeaders };
    this.attempt(url, headers, false, (first) => {
      this.countRaw(kind, first);
      const retry = this.retryMode && first.outcome === 'connection' && first.beforeResponse && first.reusedSocket;
      if (!retry) {
        if (this.retryMode) this.countBrowser(first, false);
        this.settle();
        return;
      }
      this.asBrowser.retried++;
      this.attempt(url, headers, true, (second) => {
        this.countBrowser(second, true);
        this.settle();
      });
    });
  }

  private settle(): void {
    this.inFlight--;
    this.finishIfDrained();
  }

  private countFailure(kind: UserAgentKind, reason: keyof FailureCounts): void {
    this.failed++;
    this.failures[reason]++;
    this.byKind[kind].failed++;
  }

  private countRaw(kind: UserAgentKind, result: AttemptResult): void {
    if (result.outcome !== 'response') {
      this.countFailure(kind, result.outcome);
      return;
    }
    const statusClass = `${Math.min(5, Math.max(1, Math.floor(result.status / 100)))}xx` as keyof TrafficSnapshot['statusClasses'];
    this.statusClasses[statusClass]++;
    this.latency.record(result.ms);
    this.byKind[kind].byColor[result.color]++;
    if (result.status >= 500) {
      this.countFailure(kind, 'status');
      this.byColor[result.color].failed++;
    } else {
      this.ok++;
      this.byKind[kind].ok++;
      this.byColor[result.color].ok++;
    }
  }

  private countBrowser(result: AttemptResult, wasRetry: boolean): void {
    const good = result.outcome === 'response' && result.status < 500;
    if (good) this.asBrowser.ok++;
    else this.asBrowser.failed++;
    if (good && wasRetry) this.asBrowser.recovered++;
  }

  /** One HTTP exchange; `done` is called exactly once. */
  private attempt(url: string, headers: Record<string, string>, fresh: boolean, done: (result: AttemptResult) => void): void {
    const protocol = url.startsWith('https:') ? 'https:' : 'http:';
    const agent = (fresh ? this.freshAgents : this.agents)[protocol];
    const begin = performance.now();
    let settled = false;
    let timedOut = false;
    let gotResponse = false;
    const finish = (result: AttemptResult): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      done(result);
    };
    const request = (protocol === 'https:' ? https : http).request(url, { method: 'GET', agent, headers });
    const fail = (): void =>
      finish({ outcome: timedOut ? 'timeout' : 'connection', beforeResponse: !gotResponse, reusedSocket: request.reusedSocket });
    const timer = setTimeout(() => {
      timedOut = true;
      request.destroy(new Error(`no complete response within ${this.timeoutMs} ms`));
    }, this.timeoutMs);
    request.on('response', (response) => {
      gotResponse = true;
      response.on('data', () => undefined);
      response.on('error', fail);
      response.on('close', () => {
        if (response.complete) {
          finish({ outcome: 'response', status: response.statusCode ?? 0, color: colorOf(response.headers[COLOR_RESPONSE_HEADER]), ms: performance.now() - begin });
        } else {
          fail();
        }
      });
    });
    request.on('error', fail);
    request.end();
  }
}
