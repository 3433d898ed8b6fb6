// Reads what every router carries right now. The routers are the source of truth (DESIGN §2):
// the tree, the stages and a restarted editor all start from here, never from memory.
import { RouterState, RoutingMode } from '../model';
import { parseState } from '../router';
import { shellQuote } from '../transport';
import { StageError } from '../errors';
import { RouterHandle, onRouters } from './routerHandle';

export interface RouterReading {
  router: string;
  reachable: boolean;
  /** Undefined when the router has no state document yet (hosts setup not run). */
  state?: RouterState;
  /** Raw bytes of the state document, so a failed change can put back exactly what was there. */
  stateText?: string;
  /** Reload mode when the router carries a fallback plan file; njs otherwise. */
  mode?: RoutingMode;
  error?: string;
}

const SEPARATOR = '\n--bluegreen-mode--\n';

export async function readRouters(routers: RouterHandle[]): Promise<RouterReading[]> {
  const results = await onRouters(routers, async (router) => {
    const { state, fallbackPlan } = router.paths;
    const script = `cat ${shellQuote(state)} 2>/dev/null; printf %s ${shellQuote(SEPARATOR)}; `
      + `if [ -e ${shellQuote(fallbackPlan)} ]; then echo reload; else echo njs; fi`;
    return router.transport.exec(script, { sudo: router.sudo, timeoutMs: 15_000 });
  });
  return results.map((result, i): RouterReading => {
    const router = routers[i].name;
    if (!result.ok) return { router, reachable: false, error: result.error.message };
    const [stateText, modeText] = result.value.stdout.split(SEPARATOR);
    const mode: RoutingMode = modeText?.trim() === 'reload' ? 'reload' : 'njs';
    if (!stateText?.trim()) return { router, reachable: true, mode };
    try {
      return { router, reachable: true, mode, state: parseState(stateText), stateText };
    } catch (error) {
      return { router, reachable: true, mode, stateText, error: `state document unreadable: ${(error as Error).message}` };
    }
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
      'nothing was changed; check the host (bluegreen status) and try again',
    );
  }
  const withState = readings.filter((r) => r.state);
  if (!withState.length) {
    throw new StageError('no router carries a state document yet', 'run `bluegreen hosts setup` (or `bluegreen sandbox up`) first');
  }
  const newest = withState.reduce((a, b) => ((b.state as RouterState).serial > (a.state as RouterState).serial ? b : a));
  const stale = readings.filter((r) => r.state?.serial !== newest.state?.serial).map((r) => r.router);
  return { state: newest.state as RouterState, stateText: newest.stateText as string, stale };
}
