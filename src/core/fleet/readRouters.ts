// Reads what every router carries right now. The routers are the source of truth (docs/architecture.md):
// the tree, the stages and a restarted editor all start from here, never from memory.
import { RouterState, RoutingMode } from '../model';
import { parseState, renderState, STATE_LOCATION } from '../router';
import { planningRecorder } from '../plan/planningTransport';
import { READING_SEPARATORS, readRouterCommand } from '../hostCommands/routerCommands';
import { runHostCommand } from '../hostCommands/run';
import { RefusedError, StageError } from '../errors';
import { SUDO_RULE_HINT, describeSudoRefusal } from '../hosts/sudoRefusal';
import { ToolingRecord, parseRecord } from '../hosts/hostTooling';
import { RouterHandle, onRouters, routerSite } from './routerHandle';
import { localRequest } from '../router/localRequest';
import { lostRouterHint } from './lock';

export interface RouterReading {
  router: string;
  reachable: boolean;
  /** Undefined when the router has no state document yet (hosts setup not run). */
  state?: RouterState;
  /** Raw bytes of the state document, so a failed change can put back exactly what was there. */
  stateText?: string;
  /** Files mode when the router carries a plan lookup file; njs otherwise. */
  mode?: RoutingMode;
  /** Files mode: the sha256 of the plan lookup the router carries (which config it was written for). */
  lookupDigest?: string;
  /**
   * Whether nginx answered on the router's own listener (a request to 127.0.0.1): the host can
   * be up, its files fine, and nginx stopped. Undefined when it could not be asked.
   */
  answering?: boolean;
  /** What the probe saw, e.g. `HTTP 200` or `no answer on port 80`. */
  probe?: string;
  /** What set the router up (`hosts setup`'s record); undefined when it carries none. */
  tooling?: ToolingRecord;
  /** sudo refused to run the read (the ssh user lacks the sudo rule): nothing else is known. */
  sudoRefused?: string;
  error?: string;
}

function probeResult(text: string | undefined, port: number): Pick<RouterReading, 'answering' | 'probe'> {
  const code = (text ?? '').trim();
  if (code === 'nocurl') return { probe: 'not probed: no curl on the router' };
  if (/^[1-5]\d\d$/.test(code)) return { answering: true, probe: `HTTP ${code}` };
  return { answering: false, probe: `nginx gives no answer on port ${port}` };
}

export async function readRouters(routers: RouterHandle[]): Promise<RouterReading[]> {
  const plan = planningRecorder(routers.map((r) => r.transport));
  const planned = new Set(routers.filter((r) => plan?.hasPlannedChange(r.name)).map((r) => r.name));
  const results = await onRouters(routers, async (router) => {
    // The loopback-only state location tells whether nginx serves on the router.
    return runHostCommand(router.transport, readRouterCommand(router, localRequest(routerSite(router), STATE_LOCATION)));
  });
  const readings = results.map((result, i): RouterReading => {
    const router = routers[i].name;
    if (!result.ok) return { router, reachable: false, error: result.error.message };
    const sudoRefused = describeSudoRefusal(router, result.value.stderr);
    if (sudoRefused) return { router, reachable: true, sudoRefused, error: sudoRefused };
    const [stateText, rest] = result.value.stdout.split(READING_SEPARATORS.mode);
    const [modeText, probed] = (rest ?? '').split(READING_SEPARATORS.probe);
    const [probeText, toolingText] = (probed ?? '').split(READING_SEPARATORS.tooling);
    const [modeWord, lookupDigest] = (modeText ?? '').trim().split(/\s+/);
    const mode: RoutingMode = modeWord === 'files' ? 'files' : 'njs';
    const observed = {
      ...(mode === 'files' ? { lookupDigest } : {}),
      ...probeResult(probeText, routers[i].listenPort ?? 80),
      tooling: parseRecord(toolingText ?? ''),
    };
    if (!stateText?.trim()) return { router, reachable: true, mode, ...observed };
    try {
      return { router, reachable: true, mode, ...observed, state: parseState(stateText), stateText };
    } catch (error) {
      return { router, reachable: true, mode, ...observed, stateText, error: `state document unreadable: ${(error as Error).message}` };
    }
  });
  if (!plan) return readings;
  // A dry run: routers it has planned a change for would carry the planned state; the others are
  // remembered as read, so a later stage of the same plan keeps their mode and tooling record.
  return readings.map((reading) => {
    if (!planned.has(reading.router)) {
      plan.lastReadings.set(reading.router, reading);
      return reading;
    }
    const state = plan.plannedState();
    const before = plan.lastReadings.get(reading.router) as RouterReading | undefined;
    return state ? { ...(before ?? reading), reachable: true, state, stateText: renderState(state), error: undefined } : reading;
  });
}

/**
 * The environment's current state: the newest document among the routers. Routers that
 * disagree (a change interrupted half-way) are reported so the next change rewrites them all.
 */
export function currentState(readings: RouterReading[]): { state: RouterState; stateText: string; stale: string[] } {
  const unreachable = readings.filter((r) => !r.reachable);
  if (unreachable.length) {
    throw new StageError(
      `router${unreachable.length > 1 ? 's' : ''} unreachable: ${unreachable.map((r) => `${r.router} (${r.error})`).join('; ')}`,
      lostRouterHint(unreachable.map((r) => r.router)),
    );
  }
  const refused = readings.filter((r) => r.sudoRefused);
  if (refused.length) throw new RefusedError(`${refused.map((r) => r.sudoRefused).join('; ')}; nothing was changed`, SUDO_RULE_HINT);
  const withState = readings.filter((r) => r.state);
  if (!withState.length) {
    throw new StageError('no router carries a state document yet', 'run `bluegreen hosts setup` (or `bluegreen sandbox up`) first');
  }
  const newest = withState.reduce((a, b) => ((b.state as RouterState).serial > (a.state as RouterState).serial ? b : a));
  const stale = readings.filter((r) => r.state?.serial !== newest.state?.serial).map((r) => r.router);
  return { state: newest.state as RouterState, stateText: newest.stateText as string, stale };
}
