// The hosts a stage reaches besides the routers, for RunStageOptions.ahead: runStage connects to
// them while it takes the lock, so that over ssh their handshakes overlap the lock's instead of
// following it (docs/benchmarks.md, "Switch latency", as the CLI runs it). Both faces ask here.
import { otherColor } from '../model';
import type { Color } from '../model';
import type { EnvironmentHandle } from '../environment/openEnvironment';
import { hostsOfColor } from '../topology';

/** The stages given a color (registry.ts), and what a run of one names: `apps` for a deploy of some. */
export interface ColorStageRun {
  stage: 'drain' | 'deploy' | 'verify' | 'canary' | 'switch';
  color: Color;
  apps?: string[];
}

/** The hosts `run` reaches besides the routers. */
export function stageHostsAhead(handle: EnvironmentHandle, run: ColorStageRun): string[] {
  switch (run.stage) {
    // Drain checks the health of the color that takes the users.
    case 'drain': return colorHostsAhead(handle, otherColor(run.color));
    // Switch also asks the database how many connections it has left.
    case 'switch': return colorHostsAhead(handle, run.color, { database: true });
    case 'deploy': return colorHostsAhead(handle, run.color, { apps: run.apps });
    default: return colorHostsAhead(handle, run.color);
  }
}

/**
 * A color's app hosts (only those of `apps`, when a deploy names some), and with `database` the
 * database's host on real hosts (the switch's gate).
 */
export function colorHostsAhead(handle: EnvironmentHandle, color: Color, options: { database?: boolean; apps?: string[] } = {}): string[] {
  const database = options.database && handle.env.kind === 'ssh' ? handle.env.database?.host : undefined;
  return [...hostsOfColor(handle.topology, color, options.apps?.length ? options.apps : undefined), ...(database ? [database] : [])];
}
