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
