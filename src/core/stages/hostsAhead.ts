// The hosts a stage reaches besides the routers, for RunStageOptions.ahead: runStage connects to
// them while it takes the lock, so that over ssh their handshakes overlap the lock's instead of
// following it (docs/benchmarks.md, "Switch latency", as the CLI runs it).
import type { Color } from '../model';
import type { EnvironmentHandle } from '../environment/openEnvironment';
import { hostsOfColor } from '../topology';

/**
 * A color's app hosts (only those of `apps`, when a deploy names some), and with `database` the
 * database's host on real hosts (the switch's gate).
 */
export function colorHostsAhead(handle: EnvironmentHandle, color: Color, options: { database?: boolean; apps?: string[] } = {}): string[] {
  const database = options.database && handle.env.kind === 'ssh' ? handle.env.database?.host : undefined;
  return [...hostsOfColor(handle.topology, color, options.apps?.length ? options.apps : undefined), ...(database ? [database] : [])];
}
