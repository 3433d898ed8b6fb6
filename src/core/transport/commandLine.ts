// The argv every transport hands the host for one command, so Docker and SSH agree on meaning:
// `sh -c COMMAND`, optionally under a time limit enforced on the host itself.
import { shellJoin } from './shellQuote';

/** Exit code of a command killed by its time limit (the coreutils `timeout` convention). */
export const TIMEOUT_EXIT_CODE = 124;

/** Seconds between the polite TERM and the KILL when a command outlives its limit. */
export const KILL_AFTER_SECONDS = 2;

// GNU `timeout` signals the whole process group, so `sleep` children of the command die too.
// Hosts without it still run the command; the client-side deadline then stops the wait.
const WITH_TIMEOUT =
  `if command -v timeout >/dev/null 2>&1; then exec timeout -k ${KILL_AFTER_SECONDS} "$1" sh -c "$0"; ` +
  'else exec sh -c "$0"; fi';

/** `sh -c COMMAND`, or with a limit: `sh -c WITH_TIMEOUT COMMAND SECONDS` ($0 and $1 of the wrapper). */
export function shellArgv(command: string, timeoutMs?: number): string[] {
  if (timeoutMs === undefined) return ['sh', '-c', command];
  if (!(timeoutMs > 0)) throw new RangeError(`timeoutMs must be positive, got ${timeoutMs}`);
  const seconds = (Math.ceil(timeoutMs) / 1000).toString();
  return ['sh', '-c', WITH_TIMEOUT, command, seconds];
}

/** The same argv as one line for a remote login shell (ssh joins its arguments with spaces). */
export function shellCommandLine(command: string, options: { timeoutMs?: number; sudo?: boolean } = {}): string {
  const argv = shellArgv(command, options.timeoutMs);
  return shellJoin(options.sudo ? ['sudo', '-n', ...argv] : argv);
}

/** How long the client waits past the host-side limit before it gives up on its own. */
export function clientDeadlineMs(timeoutMs: number): number {
  return timeoutMs + (KILL_AFTER_SECONDS + 3) * 1000;
}
