// Parses the one-JSON-object-per-request access log line the routers write.
// Tolerant of what surrounds it (docker timestamps, compose prefixes, nginx error lines: those
// yield undefined), strict on what is inside: a line with a wrong type is rejected, never guessed.

import { Color } from '../model';

/** How the router chose the color: the preview rule, a segment rule, or the weighted split. */
export type RouteVia = 'preview' | 'segment' | 'split';

export interface AccessLogEntry {
  /** ISO 8601, as nginx's `$time_iso8601`. */
  time: string;
  /** Epoch seconds with millisecond fraction (`$msec`): the aggregator's clock. */
  msec: number;
  router: string;
  app: string;
  color: Color;
  via: RouteVia;
  /** The segment matched, or "" when none. */
  segment: string;
  status: number;
  /** Seconds (`$request_time`). */
  requestTime: number;
  /** Raw `$upstream_response_time`: "-", "0.002" or "0.002, 0.001" when nginx tried several upstreams. */
  upstreamTime: string;
  /** Sum of the upstream times in seconds, or undefined when nginx logged none ("-"). */
  upstreamSeconds: number | undefined;
  method: string;
  uri: string;
}

function isColor(value: unknown): value is Color {
  return value === 'blue' || value === 'green';
}

function isVia(value: unknown): value is RouteVia {
  return value === 'preview' || value === 'segment' || value === 'split';
}

function isFiniteNonNegative(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0;
}

/**
 * Sums "0.002, 0.001" or "0.002 : 0.001" (nginx separates retries with "," and internal
 * redirects with ":"). Returns undefined for "-" alone, NaN for anything malformed.
 */
const SINGLE_TIME = /^\d+(\.\d+)?$/;

function sumUpstreamTimes(raw: string): number | undefined {
  if (SINGLE_TIME.test(raw)) return Number(raw); // the common case: one upstream, one try
  let sum = 0;
  let any = false;
  for (const part of raw.split(/[,:]/)) {
    const text = part.trim();
    if (text === '-') continue;
    if (!SINGLE_TIME.test(text)) return NaN;
    sum += Number(text);
    any = true;
  }
  return any ? sum : undefined;
}

export function parseAccessLogLine(line: string): AccessLogEntry | undefined {
  // The JSON object is the part between the first "{" and the last "}": whatever docker or
  // compose put in front (timestamps, "router-1  | ") is ignored.
  const start = line.indexOf('{');
  const end = line.lastIndexOf('}');
  if (start < 0 || end <= start) return undefined;
  let raw: unknown;
  try {
    raw = JSON.parse(line.slice(start, end + 1));
  } catch {
    return undefined;
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return undefined;
  const r = raw as Record<string, unknown>;

  const { time, msec, router, app, color, via, segment, status, method, uri } = r;
  const requestTime = r.request_time;
  const upstreamTime = r.upstream_time;
  if (typeof time !== 'string' || time === '') return undefined;
  if (!isFiniteNonNegative(msec) || msec === 0) return undefined;
  if (typeof router !== 'string' || typeof app !== 'string') return undefined;
  if (!isColor(color) || !isVia(via)) return undefined;
  if (typeof segment !== 'string') return undefined;
  if (typeof status !== 'number' || !Number.isInteger(status) || status < 100 || status > 599) return undefined;
  if (!isFiniteNonNegative(requestTime)) return undefined;
  if (typeof upstreamTime !== 'string') return undefined;
  if (typeof method !== 'string' || typeof uri !== 'string') return undefined;
  const upstreamSeconds = sumUpstreamTimes(upstreamTime);
  if (Number.isNaN(upstreamSeconds)) return undefined;

  return { time, msec, router, app, color, via, segment, status, requestTime, upstreamTime, upstreamSeconds, method, uri };
}
