// A router change applied to every router of an environment together: write every
// file beside the live one and check it arrived intact, then make it live on every router; if any
// step fails, put the previous files back everywhere. The state history is written last. Each
// step is one round trip per router, the routers in parallel. Nothing reloads nginx:
//
// - njs mode: making it live is an atomic rename of the state document, which the routing logic
//   reads per request.
// - files mode (no njs): the plan is also a folder of empty files that nginx tests per request
//   (router/planFiles.ts); making it live renames a symlink onto the new folder, atomically.
//   The lookup that reads them was written by `hosts setup` for the config; a router whose lookup
//   was written for another config is refused before anything is written.
//
// The commands of each step, and of each step's undo, are built in hostCommands/routerCommands.ts.
import { createHash } from '../lazyCrypto';
import { AppSpec, RouterState, Topology, TrafficSpec, RoutingMode } from '../model';
import { parseState, planFileNames, renderPlanLookup, renderState } from '../router';
import { RefusedError, StageError } from '../errors';
import { SUDO_RULE_HINT, sudoRefusal } from '../hosts/sudoRefusal';
import {
  PlanFilesChange, appendHistoryCommand, applyNextStateCommand, planFilesDigest, removeNextFilesCommand,
  restorePlanFilesCommand, restoreStateFile, writeNextStateCommand,
} from '../hostCommands/routerCommands';
import { runHostCommand, writeHostFile } from '../hostCommands/run';
import { planBranch, planningRecorder } from '../plan/planningTransport';
import { RouterHandle, onRouters, routerSite } from './routerHandle';
import { RouterReading } from './readRouters';

export interface ApplyInput {
  routers: RouterHandle[];
  /** What each router carries now (from readRouters), so failures restore exactly that. */
  readings: RouterReading[];
  next: RouterState;
  /** The config the routers route by: the files mode's plan files are named for its lookup. */
  render: { apps: AppSpec[]; traffic: TrafficSpec; topology: Topology; listenPort: number };
  onProgress?: (line: string) => void;
}

export interface ApplyReport {
  routers: Array<{ router: string; mode: RoutingMode; durationMs: number }>;
}

export async function applyState(input: ApplyInput): Promise<ApplyReport> {
  const { routers, readings, next } = input;
  const progress = input.onProgress ?? (() => undefined);
  const stateText = renderState(next);
  // Validate the exact bytes we are about to write, the way a router will read them.
  parseState(stateText);
  const readingOf = (r: RouterHandle): RouterReading | undefined => readings.find((x) => x.router === r.name);
  const modeOf = (r: RouterHandle): RoutingMode => readingOf(r)?.mode ?? 'njs';
  // Files mode: the names are checked against the lookup each router carries, before any write.
  const planFiles = new Map<string, PlanFilesChange>();
  for (const router of routers.filter((r) => modeOf(r) === 'files')) {
    planFiles.set(router.name, { serial: next.serial, names: planFileNames(next, input.render.traffic) });
    const lookup = renderPlanLookup({ ...input.render, mode: 'files', paths: router.paths, site: routerSite(router) });
    const carried = readingOf(router)?.lookupDigest;
    if (carried !== createHash('sha256').update(lookup).digest('hex')) {
      throw new RefusedError(
        `${router.name} routes without njs, and its plan lookup (${router.paths.planLookup}) was written for another config — the segments, preview or sticky cookie changed, or an older version set it up; traffic was not moved`,
        'run bluegreen hosts setup (it rewrites the lookup for this config and keeps the plan), then run the stage again',
      );
    }
  }
  const previousSerial = (r: RouterHandle): number | undefined => readingOf(r)?.state?.serial;
  const started = new Map<string, number>();
  const previousState = readings.map((r) => r.state).filter((s): s is RouterState => !!s)
    .reduce<RouterState | undefined>((a, b) => (!a || b.serial > a.serial ? b : a), undefined);
  if (previousState) planningRecorder(routers.map((r) => r.transport))?.recordStateChange(previousState, next);

  // 1. Write every router's new files beside the live ones and read back their checksums, in one
  // round trip per router: the bytes arrived intact. Live traffic is untouched.
  progress(`writing state #${next.serial} to ${routers.length} router(s)`);
  const digest = createHash('sha256').update(stateText).digest('hex');
  await everyRouter(routers, 'write', async (router) => {
    started.set(router.name, Date.now());
    const plan = planFiles.get(router.name);
    const written = await runHostCommand(router.transport, writeNextStateCommand(router, stateText, plan));
    if (written.code !== 0) throw new Error(tail(written.stderr || written.stdout) || `writing ${router.paths.state}.next exited ${written.code}`);
    const [stateLine, planLine] = written.stdout.trim().split('\n');
    if (stateLine?.split(/\s/)[0] !== digest) throw new Error('the state document read back differs from what was written');
    if (plan && planLine?.split(/\s/)[0] !== planFilesDigest(plan.names)) throw new Error('the plan files read back differ from what was written');
  }, () => cleanupNext(routers));

  // 2. Make it live on every router.
  progress('applying on every router');
  const applied: RouterHandle[] = [];
  await everyRouter(routers, 'apply', async (router) => {
    const plan = planFiles.has(router.name) ? { serial: next.serial, previousSerial: previousSerial(router) } : undefined;
    const result = await runHostCommand(router.transport, applyNextStateCommand(router, plan));
    if (result.code !== 0) throw new Error(sudoRefused(result.stdout + result.stderr) ?? tail(result.stdout + result.stderr));
    applied.push(router);
  }, () => undoApply(applied));

  // 3. History last: it records what is live, never what was only attempted. The plan this change
  // replaced goes first (a repeat is merged by serial): a router's first document — set up by
  // `hosts setup`, or carried to a new sandbox router — is otherwise in no history, and a rollback
  // could not return to it.
  const replaced = previousState;
  const line = `${replaced && replaced.serial < next.serial ? `${JSON.stringify(replaced)}\n` : ''}${JSON.stringify(next)}\n`;
  await onRouters(routers, (router) => runHostCommand(router.transport, appendHistoryCommand(router, line)));

  return {
    routers: routers.map((r) => ({ router: r.name, mode: modeOf(r), durationMs: Date.now() - (started.get(r.name) ?? Date.now()) })),
  };

  /** Puts the previous state (and, in files mode, the previous plan's files) back wherever the new one went live. */
  async function undoApply(list: RouterHandle[]): Promise<void> {
    await onRouters(list, async (router) => {
      const serial = previousSerial(router);
      if (planFiles.has(router.name) && serial !== undefined) await runHostCommand(router.transport, restorePlanFilesCommand(router, serial));
      const previous = readingOf(router)?.stateText;
      if (previous !== undefined) await writeHostFile(router.transport, restoreStateFile(router, previous));
    });
    await cleanupNext(routers);
  }

  function cleanupNext(list: RouterHandle[]): Promise<unknown> {
    return onRouters(list, (router) => runHostCommand(router.transport, removeNextFilesCommand(router, planFiles.has(router.name) ? next.serial : undefined)));
  }
}

/** Runs one step on every router in parallel; if any fails, undoes and throws naming each failure. */
async function everyRouter(
  routers: RouterHandle[],
  step: string,
  fn: (router: RouterHandle) => Promise<void>,
  undo: () => Promise<unknown>,
): Promise<void> {
  const results = await onRouters(routers, fn);
  const failed = results.filter((r) => !r.ok);
  // A dry run shows what a failure at this step would run.
  await planBranch(routers.map((r) => r.transport), `if the ${step} step fails on a router`, undo);
  if (!failed.length) return;
  await undo().catch(() => undefined);
  const detail = failed.map((f) => `${f.host}: ${f.ok ? '' : f.error.message}`).join('\n');
  const sudo = failed.some((f) => !f.ok && f.error.message.startsWith(SUDO_REFUSED));
  throw new StageError(
    `router change failed at the ${step} step; the previous plan is in place on every router\n${detail}`,
    sudo ? SUDO_RULE_HINT : 'fix the router named above (bluegreen status shows each one) and run the stage again',
  );
}

const SUDO_REFUSED = 'the ssh user may not run commands with sudo without a password';

/** sudo refused a command (the ssh user lacks docs/hosts.md's rule), in words. */
function sudoRefused(output: string): string | undefined {
  const line = sudoRefusal(output);
  return line ? `${SUDO_REFUSED} (${line})` : undefined;
}

function tail(text: string, lines = 8): string {
  return text.trim().split('\n').slice(-lines).join('\n');
}
