// Canary analysis as the window slides: every user request the canary color serves is judged
// with the ones before it inside the trailing window, and the first breach — once enough
// requests were seen for a rate to mean something — ends the watch. Pure: the clock is the
// entries' own `msec`, so a test replays lines and gets the same verdict as a live run.
import { CanaryThresholds, Color } from '../model';
import { AccessLogEntry } from '../traffic/accessLogLine';

export interface CanaryVerdict {
  requests: number;
  errorRate: number;
  p95Ms?: number;
  breach?: string;
}

interface Seen { at: number; error: boolean; ms: number }

/** Fewest requests a rate is judged on before the watch ends: a single 5xx among 3 is noise. */
export function minRequestsFor(thresholds: CanaryThresholds): number {
  const forRate = thresholds.maxErrorRate > 0 ? Math.ceil(1 / thresholds.maxErrorRate) : 100;
  return Math.min(200, Math.max(20, forRate));
}

/**
 * Fewest requests a p95 is judged on before the watch ends: with fewer than 60, the 95th
 * percentile is one of the two slowest requests — a cold start, not the version's latency.
 */
export const MIN_LATENCY_REQUESTS = 60;

export class CanaryJudge {
  private readonly seen: Seen[] = [];
  private verdict: CanaryVerdict | undefined;
  readonly minRequests: number;
  readonly minLatencyRequests: number;

  constructor(
    private readonly color: Color,
    private readonly windowSeconds: number,
    private readonly thresholds: CanaryThresholds,
    minRequests?: number,
  ) {
    this.minRequests = minRequests ?? minRequestsFor(thresholds);
    this.minLatencyRequests = Math.max(this.minRequests, MIN_LATENCY_REQUESTS);
  }

  /** The breach, once there is one; later lines change nothing. */
  get breach(): CanaryVerdict | undefined {
    return this.verdict;
  }

  /** Takes one access-log entry; returns the verdict when this entry makes the window breach. */
  ingest(entry: AccessLogEntry): CanaryVerdict | undefined {
    if (this.verdict) return this.verdict;
    // User traffic only: preview requests are people trying the color, not the canary's users.
    if (entry.color !== this.color || entry.via === 'preview') return undefined;
    const seconds = entry.upstreamSeconds ?? entry.requestTime;
    this.seen.push({ at: entry.msec, error: entry.status >= 500, ms: seconds * 1000 });
    this.slide(entry.msec);
    const current = this.judge(this.minRequests, this.minLatencyRequests);
    if (current.breach) this.verdict = current;
    return this.verdict;
  }

  /** The verdict at the end of the watch: the trailing window judged on whatever it holds. */
  final(): CanaryVerdict {
    return this.verdict ?? this.judge(1, 1);
  }

  private slide(now: number): void {
    const from = now - this.windowSeconds;
    while (this.seen.length && this.seen[0].at <= from) this.seen.shift();
  }

  private judge(minRequests: number, minLatencyRequests: number): CanaryVerdict {
    const requests = this.seen.length;
    const errors = this.seen.filter((s) => s.error).length;
    const errorRate = requests ? errors / requests : 0;
    const sorted = this.seen.map((s) => s.ms).sort((a, b) => a - b);
    const p95Ms = requests ? sorted[Math.min(requests - 1, Math.ceil(requests * 0.95) - 1)] : undefined;
    const { maxErrorRate, maxP95Ms } = this.thresholds;
    let breach: string | undefined;
    if (requests >= minRequests && errorRate > maxErrorRate) {
      breach = `error rate ${(errorRate * 100).toFixed(2)}% > ${(maxErrorRate * 100).toFixed(2)}% over ${requests} request(s) in the last ${this.windowSeconds}s`;
    } else if (requests >= minLatencyRequests && p95Ms !== undefined && p95Ms > maxP95Ms) {
      breach = `p95 ${Math.round(p95Ms)} ms > ${maxP95Ms} ms over ${requests} request(s) in the last ${this.windowSeconds}s`;
    }
    return { requests, errorRate, p95Ms, ...(breach ? { breach } : {}) };
  }
}
