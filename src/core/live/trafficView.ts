// The traffic panel's view model and the pure functions that shape it from a SplitAggregator.
// Plain data only: it crosses into the webview as a JSON message, so no class instances here.
import { COLORS, Color, RouterState, TrafficPlan } from '../model';
import { StageMarker, SplitAggregator, StatusClassCounts } from '../traffic/splitAggregator';
import type { RouterReading } from '../fleet/readRouters';
import { describePlan } from '../router/describePlan';

/** The observed split compares against this span (the issue: "last 10 s"). */
export const SPLIT_SECONDS = 10;
/** Status classes and latency per color cover this span. */
export const STATS_SECONDS = 60;
/** The chart's span: requests per second per color over the last 5 minutes. */
export const CHART_SECONDS = 300;
/** An update re-sends this many newest points: late log lines may still change them. */
export const UPDATE_POINTS = 15;

/** What the routers are told to do, read back from their state documents. */
export interface ConfiguredSplit {
  plan: TrafficPlan;
  description: string;
  serial: number;
  /** The stage that set it, e.g. `canary green --percent 10`. */
  stage: string;
  /** ISO 8601. */
  changedAt: string;
  /** Routers whose document differs from the newest one (a change interrupted half-way). */
  staleRouters: string[];
  unreachableRouters: string[];
}

export interface ChartPoint {
  /** Epoch second. */
  second: number;
  /** Requests per second per color (preview included: it is load the color carries). */
  blue: number;
  green: number;
}

export interface ColorStats {
  color: Color;
  requests: number;
  requestsPerSecond: number;
  status: StatusClassCounts;
  errorRate: number;
  p50Ms?: number;
  p95Ms?: number;
  previewRequests: number;
}

export interface SegmentHit {
  segment: string;
  color: Color;
  requests: number;
}

export type ReaderState = 'idle' | 'starting' | 'streaming' | 'retrying';

export interface ReaderStatus {
  state: ReaderState;
  /** The last stream error, while retrying. */
  error?: string;
  ingested: number;
  rejected: number;
}

export interface TrafficView {
  environment: string;
  /** Epoch second the view ends at. */
  at: number;
  configured?: ConfiguredSplit;
  observed: {
    seconds: number;
    requests: number;
    requestsByColor: Record<Color, number>;
    /** Shares 0–1 of user traffic (preview excluded). */
    shares: Record<Color, number>;
  };
  statsSeconds: number;
  colors: Record<Color, ColorStats>;
  segmentHits: SegmentHit[];
  /** Oldest first; the full chart span in a history message, the newest few in an update. */
  points: ChartPoint[];
  markers: StageMarker[];
  reader: ReaderStatus;
  /** The shared database's connections (the story's zombies); absent until read or without one. */
  database?: DatabaseSummary;
}

/** What the panel shows of the database: enough to see zombies piling up during a release. */
export interface DatabaseSummary {
  total: number;
  maxConnections: number;
  zombies: number;
  zombieAfterSeconds: number;
  /** The groups holding the most zombies or connections, in words ("web on green at 1.2.0: 3 zombie(s), 7 connection(s)"). */
  holders: string[];
  /** Why it could not be read. */
  error?: string;
}

export interface ShapeInput {
  environment: string;
  configured?: ConfiguredSplit;
  database?: DatabaseSummary;
  reader: ReaderStatus;
  /** How many chart points to include (CHART_SECONDS for history, UPDATE_POINTS for an update). */
  points: number;
}

/** The newest state among the routers, in the panel's terms; undefined when none carries one. */
export function configuredSplitOf(readings: RouterReading[]): ConfiguredSplit | undefined {
  const withState = readings.filter((r): r is RouterReading & { state: RouterState } => !!r.state);
  if (!withState.length) return undefined;
  const newest = withState.reduce((a, b) => (b.state.serial > a.state.serial ? b : a)).state;
  return {
    plan: newest.plan,
    description: describePlan(newest.plan),
    serial: newest.serial,
    stage: newest.stage,
    changedAt: newest.changedAt,
    staleRouters: readings.filter((r) => r.reachable && r.state?.serial !== newest.serial).map((r) => r.router),
    unreachableRouters: readings.filter((r) => !r.reachable).map((r) => r.router),
  };
}

export function chartPoints(aggregator: SplitAggregator, count: number): ChartPoint[] {
  if (aggregator.latestSecond === undefined) return [];
  return aggregator.series(count).map((row) => ({ second: row.second, blue: row.colors.blue.requests, green: row.colors.green.requests }));
}

export function colorStats(aggregator: SplitAggregator, color: Color, seconds: number): ColorStats {
  const s = aggregator.summary(color, seconds, 'all');
  return {
    color,
    requests: s.requests,
    requestsPerSecond: s.seconds > 0 ? s.requests / s.seconds : 0,
    status: s.status,
    errorRate: s.errorRate,
    p50Ms: s.p50Ms,
    p95Ms: s.p95Ms,
    previewRequests: s.previewRequests,
  };
}

/** Segment hits per color over the span, largest first. */
export function segmentHits(aggregator: SplitAggregator, seconds: number): SegmentHit[] {
  const hits: SegmentHit[] = [];
  for (const color of COLORS) {
    for (const [segment, requests] of Object.entries(aggregator.summary(color, seconds, 'user').segments)) hits.push({ segment, color, requests });
  }
  return hits.sort((a, b) => b.requests - a.requests || a.segment.localeCompare(b.segment));
}

export function shapeTrafficView(aggregator: SplitAggregator, input: ShapeInput): TrafficView {
  const observed = aggregator.latestSecond === undefined
    ? { seconds: SPLIT_SECONDS, requests: 0, requestsByColor: { blue: 0, green: 0 }, shares: { blue: 0, green: 0 } }
    : aggregator.observedSplit(SPLIT_SECONDS);
  const hasData = aggregator.latestSecond !== undefined;
  return {
    environment: input.environment,
    at: aggregator.latestSecond ?? 0,
    configured: input.configured,
    observed,
    statsSeconds: STATS_SECONDS,
    colors: {
      blue: hasData ? colorStats(aggregator, 'blue', STATS_SECONDS) : emptyStats('blue'),
      green: hasData ? colorStats(aggregator, 'green', STATS_SECONDS) : emptyStats('green'),
    },
    segmentHits: hasData ? segmentHits(aggregator, STATS_SECONDS) : [],
    points: chartPoints(aggregator, Math.min(input.points, CHART_SECONDS)),
    markers: aggregator.markers(CHART_SECONDS),
    reader: input.reader,
    ...(input.database ? { database: input.database } : {}),
  };
}

function emptyStats(color: Color): ColorStats {
  return { color, requests: 0, requestsPerSecond: 0, status: { '2xx': 0, '3xx': 0, '4xx': 0, '5xx': 0 }, errorRate: 0, previewRequests: 0 };
}

/**
 * Merges newer points into a buffer by second (a newer value for a second replaces the older
 * one), keeps it sorted and at most `max` long. Both the extension and the webview use it, so
 * neither side's memory grows with time.
 */
export function mergePoints(buffer: readonly ChartPoint[], incoming: readonly ChartPoint[], max = CHART_SECONDS): ChartPoint[] {
  const bySecond = new Map<number, ChartPoint>();
  for (const p of buffer) bySecond.set(p.second, p);
  for (const p of incoming) bySecond.set(p.second, p);
  const merged = [...bySecond.values()].sort((a, b) => a.second - b.second);
  if (!merged.length) return merged;
  // Keep only the chart span behind the newest point, then cap the count.
  const newest = merged[merged.length - 1].second;
  const recent = merged.filter((p) => p.second > newest - max);
  return recent.slice(-max);
}

/** Observed minus configured share of a color, in percentage points (undefined without a plan or traffic). */
export function splitDrift(view: Pick<TrafficView, 'configured' | 'observed'>, color: Color): number | undefined {
  if (!view.configured || view.observed.requests === 0 || view.configured.plan.segments.length) return undefined;
  return view.observed.shares[color] * 100 - view.configured.plan.weights[color];
}

/**
 * The widths, in percent, of a split bar's blue and green parts for two amounts (weights or
 * request counts). A color with nothing gets exactly 0 and the other exactly 100 — the panel
 * then draws no part at all for it, not a sliver; nothing at all gives 0 and 0.
 */
export function splitBarWidths(blue: number, green: number): Record<Color, number> {
  const b = Number.isFinite(blue) && blue > 0 ? blue : 0;
  const g = Number.isFinite(green) && green > 0 ? green : 0;
  const total = b + g;
  if (!total) return { blue: 0, green: 0 };
  if (!g) return { blue: 100, green: 0 };
  if (!b) return { blue: 0, green: 100 };
  const bluePercent = (b / total) * 100;
  return { blue: bluePercent, green: 100 - bluePercent };
}
