// A fixed-size latency histogram with logarithmic buckets: bounded memory and O(1) recording,
// so percentiles over a window never need to keep or sort individual samples.

/** Values below this (in ms) fall into bucket 0, reported as 0 ms (nginx logs whole ms anyway). */
const SMALLEST_MS = 0.1;
/** Buckets per doubling: 8 gives a bucket width of ~9 %, so a reported value is within ~4.5 %. */
const BUCKETS_PER_DOUBLING = 8;
/** 0.1 ms × 2^(171/8) ≈ 271 s; anything slower lands in the last bucket. */
export const LATENCY_BUCKETS = 173;

/** Largest relative error of a reported percentile, for values inside the bucketed range. */
export const LATENCY_RELATIVE_ERROR = Math.pow(2, 1 / (2 * BUCKETS_PER_DOUBLING)) - 1;

export function latencyBucket(ms: number): number {
  if (!(ms >= SMALLEST_MS)) return 0; // also catches NaN
  const index = 1 + Math.floor(Math.log2(ms / SMALLEST_MS) * BUCKETS_PER_DOUBLING);
  return index < LATENCY_BUCKETS ? index : LATENCY_BUCKETS - 1;
}

/** The value a bucket stands for: its geometric middle (0 for the bucket below 0.1 ms). */
export function latencyBucketValue(bucket: number): number {
  if (bucket <= 0) return 0;
  return SMALLEST_MS * Math.pow(2, (bucket - 0.5) / BUCKETS_PER_DOUBLING);
}

/**
 * Nearest-rank percentile over bucket counts stored at `counts[offset .. offset + LATENCY_BUCKETS)`.
 * Returns undefined when there are no samples.
 */
export function percentileOfBuckets(counts: ArrayLike<number>, total: number, fraction: number, offset = 0): number | undefined {
  if (total <= 0) return undefined;
  const rank = Math.max(1, Math.ceil(fraction * total));
  let seen = 0;
  for (let bucket = 0; bucket < LATENCY_BUCKETS; bucket++) {
    seen += counts[offset + bucket];
    if (seen >= rank) return latencyBucketValue(bucket);
  }
  return latencyBucketValue(LATENCY_BUCKETS - 1);
}

export interface LatencyPercentiles {
  p50Ms?: number;
  p95Ms?: number;
  p99Ms?: number;
}

/** A standalone histogram, for callers that need one running distribution (e.g. the generator). */
export class LatencyHistogram {
  private readonly counts = new Uint32Array(LATENCY_BUCKETS);
  private total = 0;

  record(ms: number): void {
    this.counts[latencyBucket(ms)]++;
    this.total++;
  }

  get count(): number {
    return this.total;
  }

  percentile(fraction: number): number | undefined {
    return percentileOfBuckets(this.counts, this.total, fraction);
  }

  percentiles(): LatencyPercentiles {
    return { p50Ms: this.percentile(0.5), p95Ms: this.percentile(0.95), p99Ms: this.percentile(0.99) };
  }
}
