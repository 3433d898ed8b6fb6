// Aggregates access log entries per color per second over a fixed window kept in a ring, so the
// traffic panel and the canary gates read the observed split, error rate and latency without
// memory that grows with time. The clock is the entries' own `msec`, never the wall clock:
// replaying the same lines gives the same answers.

import { Color, COLORS } from '../model';
import { AccessLogEntry, parseAccessLogLine } from './accessLogLine';
import { LATENCY_BUCKETS, LatencyPercentiles, latencyBucket, percentileOfBuckets } from './latencyHistogram';

export const DEFAULT_WINDOW_SECONDS = 300;
/** Distinct app and segment names tracked; more (garbage or a typo storm) fold into OTHER_NAME. */
export const MAX_TRACKED_NAMES = 32;
export const OTHER_NAME = '(other)';
export const MAX_MARKERS = 100;

export interface StatusClassCounts {
  '2xx': number;
  '3xx': number;
  '4xx': number;
  '5xx': number;
}

/** Which requests a query counts: user traffic, preview requests, or both. */
export type TrafficKind = 'user' | 'preview' | 'all';

export interface ObservedSplit {
  /** Seconds the answer covers (the requested span, clamped to the window). */
  seconds: number;
  /** User requests in the span (preview requests excluded). */
  requests: number;
  requestsByColor: Record<Color, number>;
  /** Share 0–1 of user requests per color; both 0 when there was no user traffic. */
  shares: Record<Color, number>;
}

export interface ColorSecond extends LatencyPercentiles {
  /** All requests this color served in the second, preview included. */
  requests: number;
  /** Of which were preview requests. */
  preview: number;
  status: StatusClassCounts;
}

export interface SecondRow {
  /** Epoch second. */
  second: number;
  colors: Record<Color, ColorSecond>;
}

export interface AppCounts {
  requests: number;
  /** 5xx responses. */
  errors: number;
}

export interface ColorSummary extends LatencyPercentiles {
  color: Color;
  seconds: number;
  traffic: TrafficKind;
  requests: number;
  status: StatusClassCounts;
  /** Share 0–1 of 5xx among `requests`; 0 when there were none. */
  errorRate: number;
  /** Preview requests this color served in the span, whatever `traffic` is. */
  previewRequests: number;
  /** Requests routed here by each segment rule. */
  segments: Record<string, number>;
  /** Requests (preview included) and 5xx per app. */
  apps: Record<string, AppCounts>;
}

export interface StageMarker {
  label: string;
  /** Epoch seconds, same clock as the entries' `msec`. */
  time: number;
}

export interface SplitAggregatorOptions {
  windowSeconds?: number;
}

// Layout of one stats block (one slot × color × kind) inside `blocks`:
// [requests, 2xx, 3xx, 4xx, 5xx, latency buckets…]
const REQUESTS = 0;
const STATUS_BASE = 1; // 2xx at 1 … 5xx at 4
const HISTOGRAM_BASE = 5;
const BLOCK_SIZE = HISTOGRAM_BASE + LATENCY_BUCKETS;
const KIND_USER = 0;
const KIND_PREVIEW = 1;
const COLOR_INDEX: Record<Color, number> = { blue: 0, green: 1 };

/** Maps names to small indexes, folding everything past the cap into one "(other)" index. */
class NameIndex {
  private readonly indexes = new Map<string, number>();
  readonly names: string[] = [];

  indexOf(name: string): number {
    const known = this.indexes.get(name);
    if (known !== undefined) return known;
    if (this.names.length >= MAX_TRACKED_NAMES - 1) return MAX_TRACKED_NAMES - 1;
    const index = this.names.length;
    this.names.push(name);
    this.indexes.set(name, index);
    return index;
  }

  nameAt(index: number): string {
    return index === MAX_TRACKED_NAMES - 1 ? OTHER_NAME : this.names[index];
  }
}

function emptyStatus(): StatusClassCounts {
  return { '2xx': 0, '3xx': 0, '4xx': 0, '5xx': 0 };
}

export class SplitAggregator {
  readonly windowSeconds: number;
  /** Entries aggregated. */
  ingested = 0;
  /** Lines `ingestLine` could not parse (garbage, nginx error lines). */
  rejected = 0;
  /** Entries older than the window when they arrived. */
  tooOld = 0;

  private latest: number | undefined;
  private readonly blocks: Uint32Array;
  private readonly appRequests: Uint32Array;
  private readonly appErrors: Uint32Array;
  private readonly segmentHits: Uint32Array;
  private readonly apps = new NameIndex();
  private readonly segmentNames = new NameIndex();
  private readonly markerList: StageMarker[] = [];
  private readonly scratch = new Float64Array(BLOCK_SIZE);

  constructor(options: SplitAggregatorOptions = {}) {
    const windowSeconds = options.windowSeconds ?? DEFAULT_WINDOW_SECONDS;
    if (!Number.isInteger(windowSeconds) || windowSeconds < 1) throw new RangeError(`windowSeconds must be a positive integer, got ${windowSeconds}`);
    this.windowSeconds = windowSeconds;
    this.blocks = new Uint32Array(windowSeconds * COLORS.length * 2 * BLOCK_SIZE);
    this.appRequests = new Uint32Array(windowSeconds * COLORS.length * MAX_TRACKED_NAMES);
    this.appErrors = new Uint32Array(windowSeconds * COLORS.length * MAX_TRACKED_NAMES);
    this.segmentHits = new Uint32Array(windowSeconds * COLORS.length * MAX_TRACKED_NAMES);
  }

  /** The newest epoch second seen (or advanced to); undefined before any entry. */
  get latestSecond(): number | undefined {
    return this.latest;
  }

  /** Parses and aggregates one log line; returns false (and counts it) when it is not an entry. */
  ingestLine(line: string): boolean {
    const entry = parseAccessLogLine(line);
    if (!entry) {
      this.rejected++;
      return false;
    }
    this.ingest(entry);
    return true;
  }

  ingest(entry: AccessLogEntry): void {
    const second = Math.floor(entry.msec);
    this.advanceTo(second);
    const latest = this.latest as number;
    if (second <= latest - this.windowSeconds) {
      this.tooOld++;
      return;
    }
    const slot = this.slotOf(second);
    const color = COLOR_INDEX[entry.color];
    const kind = entry.via === 'preview' ? KIND_PREVIEW : KIND_USER;
    const base = this.blockOffset(slot, color, kind);
    const blocks = this.blocks;
    blocks[base + REQUESTS]++;
    const statusClass = Math.floor(entry.status / 100);
    if (statusClass >= 2) blocks[base + STATUS_BASE + statusClass - 2]++;
    blocks[base + HISTOGRAM_BASE + latencyBucket(entry.requestTime * 1000)]++;

    const namesBase = (slot * COLORS.length + color) * MAX_TRACKED_NAMES;
    const app = namesBase + this.apps.indexOf(entry.app);
    this.appRequests[app]++;
    if (statusClass === 5) this.appErrors[app]++;
    if (entry.via === 'segment') this.segmentHits[namesBase + this.segmentNames.indexOf(entry.segment)]++;
    this.ingested++;
  }

  /**
   * Moves the window's end to `second` (epoch seconds) without an entry, so a quiet log still
   * shows as zero traffic. Never moves backwards.
   */
  advanceTo(second: number): void {
    second = Math.floor(second);
    if (this.latest !== undefined && second <= this.latest) return;
    const steps = this.latest === undefined ? this.windowSeconds : Math.min(second - this.latest, this.windowSeconds);
    for (let s = second - steps + 1; s <= second; s++) this.clearSlot(s);
    this.latest = second;
  }

  /** Records a stage marker (e.g. "canary green mobile") at `time` (epoch seconds or a Date). */
  mark(label: string, time: number | Date): void {
    const seconds = time instanceof Date ? time.getTime() / 1000 : time;
    this.markerList.push({ label, time: seconds });
    this.markerList.sort((a, b) => a.time - b.time);
    if (this.markerList.length > MAX_MARKERS) this.markerList.splice(0, this.markerList.length - MAX_MARKERS);
  }

  /** Markers within the last `lastSeconds` (all kept markers when omitted), oldest first. */
  markers(lastSeconds?: number): StageMarker[] {
    if (lastSeconds === undefined || this.latest === undefined) return this.markerList.map((m) => ({ ...m }));
    const from = this.latest - this.clampSpan(lastSeconds) + 1;
    return this.markerList.filter((m) => m.time >= from).map((m) => ({ ...m }));
  }

  /** The share per color of user traffic (preview requests excluded) over the last seconds. */
  observedSplit(lastSeconds: number = this.windowSeconds): ObservedSplit {
    const seconds = this.clampSpan(lastSeconds);
    const requestsByColor: Record<Color, number> = { blue: 0, green: 0 };
    for (const second of this.secondsOf(seconds)) {
      const slot = this.slotOf(second);
      for (const color of COLORS) requestsByColor[color] += this.blocks[this.blockOffset(slot, COLOR_INDEX[color], KIND_USER) + REQUESTS];
    }
    const requests = requestsByColor.blue + requestsByColor.green;
    const shares: Record<Color, number> = {
      blue: requests ? requestsByColor.blue / requests : 0,
      green: requests ? requestsByColor.green / requests : 0,
    };
    return { seconds, requests, requestsByColor, shares };
  }

  /** One row per second, oldest first, empty seconds included: what a chart draws. */
  series(lastSeconds: number = this.windowSeconds): SecondRow[] {
    const rows: SecondRow[] = [];
    for (const second of this.secondsOf(this.clampSpan(lastSeconds))) {
      const slot = this.slotOf(second);
      const colors = {} as Record<Color, ColorSecond>;
      for (const color of COLORS) {
        this.sumInto([slot], COLOR_INDEX[color], 'all');
        const stats = this.statsFromScratch();
        const preview = this.blocks[this.blockOffset(slot, COLOR_INDEX[color], KIND_PREVIEW) + REQUESTS];
        colors[color] = { requests: stats.requests, preview, status: stats.status, ...stats.percentiles };
      }
      rows.push({ second, colors });
    }
    return rows;
  }

  /** Requests, error rate (5xx share) and latency percentiles of one color over the last seconds. */
  summary(color: Color, lastSeconds: number = this.windowSeconds, traffic: TrafficKind = 'all'): ColorSummary {
    const seconds = this.clampSpan(lastSeconds);
    const slots = this.secondsOf(seconds).map((s) => this.slotOf(s));
    const c = COLOR_INDEX[color];
    this.sumInto(slots, c, traffic);
    const stats = this.statsFromScratch();

    let previewRequests = 0;
    const segmentTotals = new Float64Array(MAX_TRACKED_NAMES);
    const appTotals = new Float64Array(MAX_TRACKED_NAMES);
    const appErrorTotals = new Float64Array(MAX_TRACKED_NAMES);
    for (const slot of slots) {
      previewRequests += this.blocks[this.blockOffset(slot, c, KIND_PREVIEW) + REQUESTS];
      const namesBase = (slot * COLORS.length + c) * MAX_TRACKED_NAMES;
      for (let i = 0; i < MAX_TRACKED_NAMES; i++) {
        segmentTotals[i] += this.segmentHits[namesBase + i];
        appTotals[i] += this.appRequests[namesBase + i];
        appErrorTotals[i] += this.appErrors[namesBase + i];
      }
    }
    const segments: Record<string, number> = {};
    const apps: Record<string, AppCounts> = {};
    for (let i = 0; i < MAX_TRACKED_NAMES; i++) {
      if (segmentTotals[i] > 0) segments[this.segmentNames.nameAt(i)] = segmentTotals[i];
      if (appTotals[i] > 0) apps[this.apps.nameAt(i)] = { requests: appTotals[i], errors: appErrorTotals[i] };
    }
    return {
      color,
      seconds,
      traffic,
      requests: stats.requests,
      status: stats.status,
      errorRate: stats.requests ? stats.status['5xx'] / stats.requests : 0,
      ...stats.percentiles,
      previewRequests,
      segments,
      apps,
    };
  }

  private clampSpan(lastSeconds: number): number {
    if (!Number.isFinite(lastSeconds)) return this.windowSeconds;
    return Math.min(this.windowSeconds, Math.max(1, Math.floor(lastSeconds)));
  }

  /** The epoch seconds of the last `span` seconds, oldest first; empty before any entry. */
  private secondsOf(span: number): number[] {
    if (this.latest === undefined) return [];
    const seconds: number[] = [];
    for (let s = this.latest - span + 1; s <= this.latest; s++) seconds.push(s);
    return seconds;
  }

  private slotOf(second: number): number {
    const slot = second % this.windowSeconds;
    return slot < 0 ? slot + this.windowSeconds : slot;
  }

  private blockOffset(slot: number, color: number, kind: number): number {
    return ((slot * COLORS.length + color) * 2 + kind) * BLOCK_SIZE;
  }

  private clearSlot(second: number): void {
    const slot = this.slotOf(second);
    const start = this.blockOffset(slot, 0, 0);
    this.blocks.fill(0, start, start + COLORS.length * 2 * BLOCK_SIZE);
    const namesStart = slot * COLORS.length * MAX_TRACKED_NAMES;
    const namesEnd = namesStart + COLORS.length * MAX_TRACKED_NAMES;
    this.appRequests.fill(0, namesStart, namesEnd);
    this.appErrors.fill(0, namesStart, namesEnd);
    this.segmentHits.fill(0, namesStart, namesEnd);
  }

  /** Adds the stats blocks of `slots` for one color and traffic kind into `scratch`. */
  private sumInto(slots: number[], color: number, traffic: TrafficKind): void {
    const scratch = this.scratch;
    scratch.fill(0);
    const kinds = traffic === 'user' ? [KIND_USER] : traffic === 'preview' ? [KIND_PREVIEW] : [KIND_USER, KIND_PREVIEW];
    for (const slot of slots) {
      for (const kind of kinds) {
        const base = this.blockOffset(slot, color, kind);
        for (let i = 0; i < BLOCK_SIZE; i++) scratch[i] += this.blocks[base + i];
      }
    }
  }

  private statsFromScratch(): { requests: number; status: StatusClassCounts; percentiles: LatencyPercentiles } {
    const s = this.scratch;
    const requests = s[REQUESTS];
    const status = emptyStatus();
    status['2xx'] = s[STATUS_BASE];
    status['3xx'] = s[STATUS_BASE + 1];
    status['4xx'] = s[STATUS_BASE + 2];
    status['5xx'] = s[STATUS_BASE + 3];
    // Percentiles over the histogram's own total (1xx responses have latency too).
    let samples = 0;
    for (let i = 0; i < LATENCY_BUCKETS; i++) samples += s[HISTOGRAM_BASE + i];
    const percentiles: LatencyPercentiles = {
      p50Ms: percentileOfBuckets(s, samples, 0.5, HISTOGRAM_BASE),
      p95Ms: percentileOfBuckets(s, samples, 0.95, HISTOGRAM_BASE),
      p99Ms: percentileOfBuckets(s, samples, 0.99, HISTOGRAM_BASE),
    };
    return { requests, status, percentiles };
  }
}
