// canary <color> --percent N | --segment NAME: a slice of users to the color, the rest on the
// other one (a new canary replaces the previous one). Then, unless told not to, the analysis
// watches the routers' access log for the config's window, judging it as it slides, and rolls
// back by itself at the first breach or when the log cannot be read.
import { Color, TrafficPlan } from '../model';
import { nextState, percentPlan, renderState, segmentPlan } from '../router';
import { applyState } from '../fleet/applyState';
import { planBranch } from '../plan/planningTransport';
import { InputError, StageError } from '../errors';
import { parseAccessLogLine } from '../traffic/accessLogLine';
import { CanaryJudge, CanaryVerdict } from './canaryJudge';
import { streamAccessLogs } from '../environment/accessLogStream';
import { changeTraffic } from './changeTraffic';
import { describePlan } from '../router/describePlan';
import { rollback } from './rollback';
import { notify } from '../notify/notify';
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

export type { CanaryVerdict } from './canaryJudge';

export async function canary(ctx: StageContext, color: Color, options: CanaryOptions): Promise<StageResult> {
  const started = Date.now();
  const { config } = ctx.handle;
  const plan = canaryPlan(color, options, config.traffic.segments.map((s) => s.name));
  const stage = `canary ${color} ${options.segment !== undefined ? `--segment ${options.segment}` : `--percent ${options.percent}`}`;
  const result = await changeTraffic(ctx, { stage, plan: () => plan });
  const summary = `canary on ${color}: ${describePlan(result.next.plan)}`;
  if (options.analyze === false) return { stage, summary, warnings: result.warnings, durationMs: Date.now() - started };

  const windowSeconds = options.windowSeconds ?? config.traffic.canary.windowSeconds;
  if (ctx.handle.plan) return planAnalysis(ctx, stage, result, windowSeconds, started);
  ctx.progress(`watching ${color} for ${windowSeconds}s (max error rate ${(config.traffic.canary.maxErrorRate * 100).toFixed(1)}%, max p95 ${config.traffic.canary.maxP95Ms} ms)`);
  const verdict = await analyzeCanary(ctx, color, windowSeconds);
  if (verdict.breach) {
    ctx.progress(`canary breach: ${verdict.breach}; rolling back`);
    await rollback(ctx, { reason: `canary breach: ${verdict.breach}`, noConfirm: true });
    await notify(ctx, { kind: 'rollback', stage, result: 'rolled back', detail: `canary breach: ${verdict.breach}` });
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

/**
 * A dry run watches nothing: it says it would, and plans the rollback a breach would run — the
 * routers put back on the plan before the canary.
 */
async function planAnalysis(ctx: StageContext, stage: string, result: Awaited<ReturnType<typeof changeTraffic>>, windowSeconds: number, started: number): Promise<StageResult> {
  const { handle } = ctx;
  handle.plan?.note(`would watch the routers' access log for ${windowSeconds}s and roll back at the first breach`);
  const canaryReadings = result.readings.map((r) => ({ ...r, state: result.next, stateText: renderState(result.next) }));
  const back = nextState(result.next, result.previous.plan, { changedBy: ctx.actor, stage: 'rollback (canary breach: …)' });
  await planBranch(handle.routers.map((r) => r.transport), 'if the canary analysis breaches: roll back to the plan before the canary', () => applyState({
    routers: handle.routers,
    readings: canaryReadings,
    next: back,
    render: { apps: handle.config.apps, traffic: handle.config.traffic, topology: handle.topology, listenPort: handle.routerPort },
  }));
  return { stage, summary: `canary on ${describePlan(result.next.plan)} (planned)`, warnings: result.warnings, durationMs: Date.now() - started };
}

/**
 * Watches the routers' access log for `windowSeconds`, judging the canary color as the window
 * slides (canaryJudge.ts) and stopping at the first breach. Fails closed: when the log cannot be
 * read, or a router's stream ends before the watch does, that is a breach — a canary nobody can
 * see is rolled back, never passed.
 */
export async function analyzeCanary(ctx: StageContext, color: Color, windowSeconds: number): Promise<CanaryVerdict> {
  const judge = new CanaryJudge(color, windowSeconds, ctx.handle.config.traffic.canary);
  const stop = new AbortController();
  const onAbort = () => stop.abort();
  ctx.signal?.addEventListener('abort', onAbort, { once: true });
  let unreadable: string | undefined;
  const reading = streamAccessLogs(ctx.handle, (line) => {
    const entry = parseAccessLogLine(line);
    if (entry && judge.ingest(entry)) stop.abort();
  }, stop.signal).then(
    () => { if (!stop.signal.aborted) unreadable = 'the access-log stream ended'; },
    (error: Error) => { if (!stop.signal.aborted) unreadable = error.message; },
  ).finally(() => stop.abort());
  const timer = setTimeout(() => stop.abort(), windowSeconds * 1000);
  await new Promise<void>((resolve) => {
    if (stop.signal.aborted) resolve();
    else stop.signal.addEventListener('abort', () => resolve(), { once: true });
  });
  clearTimeout(timer);
  ctx.signal?.removeEventListener('abort', onAbort);
  await reading;
  const verdict = judge.final();
  if (!verdict.breach && unreadable) {
    return { ...verdict, breach: `could not read the routers' access log (${unreadable}), so the canary cannot be judged` };
  }
  return verdict;
}
