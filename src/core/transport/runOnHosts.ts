import type { Transport } from './transport';

export type HostOutcome<T> = { host: string; ok: true; value: T } | { host: string; ok: false; error: Error };

export const DEFAULT_HOST_PARALLELISM = 8;

/**
 * Runs `fn` on every host, at most `limit` at a time, and reports every host's outcome in the
 * order given. It never rejects because one host failed: a stage decides what a failure means.
 * Once `signal` aborts, hosts not yet started are reported as failed with the abort reason.
 */
export async function runOnHosts<T>(
  hosts: Transport[],
  fn: (t: Transport) => Promise<T>,
  opts: { limit?: number; signal?: AbortSignal } = {},
): Promise<Array<HostOutcome<T>>> {
  const limit = Math.max(1, Math.floor(opts.limit ?? DEFAULT_HOST_PARALLELISM));
  const results = new Array<HostOutcome<T>>(hosts.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < hosts.length) {
      const index = next++;
      const transport = hosts[index];
      if (opts.signal?.aborted) {
        results[index] = { host: transport.host, ok: false, error: asError(opts.signal.reason) };
        continue;
      }
      try {
        results[index] = { host: transport.host, ok: true, value: await fn(transport) };
      } catch (error) {
        results[index] = { host: transport.host, ok: false, error: asError(error) };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, hosts.length) }, worker));
  return results;
}

function asError(value: unknown): Error {
  return value instanceof Error ? value : new Error(String(value ?? 'aborted'));
}
