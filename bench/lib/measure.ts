// Small helpers every benchmark shares: medians and percentiles, the machine's load, timing.
import os from 'node:os';
import { performance } from 'node:perf_hooks';

export function median(values: number[]): number {
  return percentile(values, 50);
}

/** Nearest-rank percentile; NaN for no values. */
export function percentile(values: number[], p: number): number {
  if (!values.length) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank];
}

export interface MachineLoad {
  at: string;
  /** 1, 5 and 15 minute load averages; above the core count means processes waited for a CPU. */
  loadAverage: number[];
  cpus: number;
}

export function machineLoad(): MachineLoad {
  return { at: new Date().toISOString(), loadAverage: os.loadavg().map((n) => +n.toFixed(2)), cpus: os.cpus().length };
}

export async function timed(what: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await what();
  return Math.round(performance.now() - started);
}

export const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export const round = (n: number, digits = 0) => (Number.isFinite(n) ? +n.toFixed(digits) : n);

/**
 * NODE_EXTRA_CA_CERTS makes every Node 20 process read and parse that file as it starts, before
 * any of its code runs: with Debian's ca-certificates.crt, most of `node -e 0` on the 2-core
 * machine (docs/benchmarks.md). No program can avoid it, so the start-up benches say whether it
 * was set and, given `--without-extra-ca-certs`, measure as on a machine without it: the
 * processes they start inherit this process's environment, which no longer has it.
 */
export function extraCaCerts(args: string[]): { file: string | null; removed: boolean; note: string } {
  const file = process.env.NODE_EXTRA_CA_CERTS ?? null;
  const removed = file !== null && args.includes('--without-extra-ca-certs');
  if (removed) delete process.env.NODE_EXTRA_CA_CERTS;
  const note = file === null ? 'NODE_EXTRA_CA_CERTS is not set'
    : removed ? `NODE_EXTRA_CA_CERTS (${file}) removed for this run (--without-extra-ca-certs)`
    : `NODE_EXTRA_CA_CERTS=${file}: every Node process here loads it as it starts (--without-extra-ca-certs measures without it)`;
  return { file, removed, note };
}
