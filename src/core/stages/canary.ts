// canary <color> --percent N | --segment NAME: a slice of users to the color, the rest on the
// other one (a new canary replaces the previous one). Then, unless told not to, the analysis
// watches the routers' access log for the config's window and rolls back by itself on a breach.
import { Color, TrafficPlan } from '../model';
import { percentPlan, segmentPlan } from '../router';
import { InputError, StageError } from '../errors';
import { SplitAggregator } from '../traffic/splitAggregator';
import { streamAccessLogs } from '../environment/accessLogStream';
import { changeTraffic } from './changeTraffic';
import { describePlan } from './describePlan';
import { rollback } from './rollback';
import { StageContext, StageResult } from './stageContext';

export interface CanaryOptions {
  percent?: number;
  segment?: string;
  /** Watch the access log and roll back on a breach (default true). */
  analyze?: boolean;
  /** Override traffic.canary.windowSeconds. */
  windowSeconds?: number;
}

export function canaryPlan(color: Color, options: CanaryOptions, segments: string[]): TrafficPlan {
  if ((options.percent === undefined) === (options.segment === undefined)) {
    throw new InputError('a canary takes exactly one of --percent N or --segment NAME');
  }
  if (options.segment !== undefined) {
    if (!segments.includes(options.segment)) {
      throw new InputError(`unknown segment "${options.segment}"`, `segments in the config: ${segments.join(', ') || 'none'}`);
    }
    return segmentPlan(color, options.segment);
  }
  const percent = options.percent as number;
  if (!Number.isInteger(percent) || percent < 0 || percent > 100) throw new InputError(`--percent must be a whole number from 0 to 100, got ${percent}`);
  return percentPlan(color, percent);
}

export interface CanaryVerdict {
  requests: number;
  errorRate: number;
  p95Ms?: number;
  breach?: string;
}

export async function canary(ctx: StageContext, color: Color, options: CanaryOptions): Promise<StageResult> {
  const started = Date.now();
  const { config } = ctx.handle;
  const plan = canaryPlan(color, options, config.traffic.segments.map((s) => s.name));
  const stage = `canary ${color} ${options.segment !== undefined ? `--segment ${options.segment}` : `--percent ${options.percent}`}`;
  const result = await changeTraffic(ctx, { stage, plan: () => plan });
  const summary = `canary on ${color}: ${describePlan(result.next.plan)}`;
  if (options.analyze === false) return { stage, summary, warnings: result.warnings, durationMs: Date.now() - started };

  const windowSeconds = options.windowSeconds ?? config.traffic.canary.windowSeconds;
  ctx.progress(`watching ${color} for ${windowSeconds}s (max error rate ${(config.traffic.canary.maxErrorRate * 100).toFixed(1)}%, max p95 ${config.traffic.canary.maxP95Ms} ms)`);
  const verdict = await analyzeCanary(ctx, color, windowSeconds);
  if (verdict.breach) {
    ctx.progress(`canary breach: ${verdict.breach}; rolling back`);
    await rollback(ctx, { reason: `canary breach: ${verdict.breach}`, noConfirm: true });
    throw new StageError(`canary on ${color} rolled back: ${verdict.breach}`, `users are back on the previous plan; fix ${color} and deploy again`);
  }
  const p95 = verdict.p95Ms === undefined ? 'n/a' : `${Math.round(verdict.p95Ms)} ms`;
  const warnings = verdict.requests === 0 ? [...result.warnings, `no user request reached ${color} during the ${windowSeconds}s window`] : result.warnings;
  return {
    stage,
    summary: `${summary}; ${verdict.requests} request(s) in ${windowSeconds}s, error rate ${(verdict.errorRate * 100).toFixed(2)}%, p95 ${p95}`,
    warnings,
    durationMs: Date.now() - started,
    details: verdict,
  };
}

/** Reads the access log for the window and judges the canary color against the thresholds. */
export async function analyzeCanary(ctx: StageContext, color: Color, windowSeconds: number): Promise<CanaryVerdict> {
  const thresholds = ctx.handle.config.traffic.canary;
  const aggregator = new SplitAggregator({ windowSeconds: Math.max(windowSeconds + 5, 30) });
  const stop = new AbortController();
  const onAbort = () => stop.abort();
  ctx.signal?.addEventListener('abort', onAbort, { once: true });
  const reading = streamAccessLogs(ctx.handle, (line) => { aggregator.ingestLine(line); }, stop.signal).catch(() => undefined);
  await new Promise((resolve) => setTimeout(resolve, windowSeconds * 1000));
  stop.abort();
  ctx.signal?.removeEventListener('abort', onAbort);
  await reading;
  // User traffic only: preview requests are people trying the color, not the canary's users.
  const { requests, errorRate, p95Ms } = aggregator.summary(color, windowSeconds + 5, 'user');
  let breach: string | undefined;
  if (requests && errorRate > thresholds.maxErrorRate) {
    breach = `error rate ${(errorRate * 100).toFixed(2)}% > ${(thresholds.maxErrorRate * 100).toFixed(2)}% over ${requests} request(s)`;
  } else if (p95Ms !== undefined && p95Ms > thresholds.maxP95Ms) {
    breach = `p95 ${Math.round(p95Ms)} ms > ${thresholds.maxP95Ms} ms`;
  }
  return { requests, errorRate, p95Ms, breach };
}
