// Wait strategies with explicit timeouts (testcontainers style): poll until the check passes or
// the time is up; on timeout the error carries the container's last log lines, because "not
// healthy" alone never tells a person why.
import type Docker from 'dockerode';
import http from 'node:http';
import { StageError } from '../errors';
import { execIn, lastLogLines } from '../docker/containers';

export interface WaitOptions {
  timeoutMs: number;
  intervalMs?: number;
  signal?: AbortSignal;
  /** While it waits: every `waitingEveryMs` (default 10 s), the seconds so far and the last reason. */
  onWaiting?: (elapsedSeconds: number, reason: string) => void;
  waitingEveryMs?: number;
}

/** One probe: resolves to undefined when healthy, or a short reason when not (yet). */
export type Probe = () => Promise<string | undefined>;

/** Polls `probe` until it passes; resolves to the last reason when the time is up. */
export async function pollUntil(probe: Probe, options: WaitOptions): Promise<string | undefined> {
  const started = Date.now();
  const deadline = started + options.timeoutMs;
  const every = options.waitingEveryMs ?? 10_000;
  let nextWaiting = started + every;
  for (;;) {
    options.signal?.throwIfAborted();
    const reason = await probe().catch((error: Error) => error.message);
    if (reason === undefined) return undefined;
    if (Date.now() >= deadline) return reason;
    if (options.onWaiting && Date.now() >= nextWaiting) {
      nextWaiting += every;
      options.onWaiting(Math.round((Date.now() - started) / 1000), reason);
    }
    await sleep(Math.min(options.intervalMs ?? 250, Math.max(0, deadline - Date.now())), options.signal);
  }
}

/** Waits for `probe`; on timeout throws a StageError with the container's last log lines. */
export async function waitHealthy(container: Docker.Container, name: string, what: string, probe: Probe, options: WaitOptions): Promise<void> {
  const reason = await pollUntil(probe, options);
  if (reason === undefined) return;
  const state = await container.inspect().then((i) => i.State.Status + (i.State.Running ? '' : ` (exit code ${i.State.ExitCode})`)).catch(() => 'gone');
  const lines = await lastLogLines(container, 30);
  throw new StageError(
    `${name} did not become healthy within ${Math.round(options.timeoutMs / 1000)} s (${what}: ${reason}; container ${state}). Last log lines:\n` +
      lines.map((l) => `  | ${l}`).join('\n'),
    `See all of it with \`docker logs ${name}\``,
  );
}

/** An HTTP GET that passes on a 2xx answer (or on any status `accept` allows). */
export function httpProbe(url: string, accept: (status: number) => boolean = (s) => s >= 200 && s < 300, requestTimeoutMs = 2000): Probe {
  return () => httpGet(url, requestTimeoutMs).then(({ status }) => (accept(status) ? undefined : `GET ${url} answered ${status}`));
}

export function httpGet(url: string, timeoutMs = 2000, headers: Record<string, string> = {}): Promise<{ status: number; body: string; headers: http.IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    const request = http.get(url, { timeout: timeoutMs, headers, agent: false }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (c: Buffer) => chunks.push(c));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString(), headers: response.headers }));
      response.on('error', reject);
    });
    request.on('timeout', () => request.destroy(new Error(`GET ${url}: no answer within ${timeoutMs} ms`)));
    request.on('error', (error) => reject(new Error(`GET ${url}: ${error.message}`)));
  });
}

/** Passes when `command` exits 0 inside the container. */
export function execProbe(container: Docker.Container, command: string[], timeoutMs = 10_000): Probe {
  return async () => {
    const result = await execIn(container, command, { timeoutMs });
    return result.exitCode === 0 ? undefined : `\`${command.join(' ')}\` exited ${result.exitCode}: ${(result.stderr || result.stdout).trim().split('\n').slice(-3).join(' / ')}`;
  };
}

/** Fails fast when the container has stopped: no point waiting for a dead process. */
export function runningProbe(container: Docker.Container, inner: Probe): Probe {
  return async () => {
    const info = await container.inspect();
    if (!info.State.Running) return `container stopped (exit code ${info.State.ExitCode})`;
    return inner();
  };
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason ?? new Error('cancelled'));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
