// A router change applied to every router of an environment together: write every
// file beside the live one and check it arrived intact, validate on every router, then make it
// live on every router; if any step fails, put the previous files back everywhere. The state
// history is written last. Each step is one round trip per router, the routers in parallel.
//
// njs mode: making it live is an atomic rename of the state document — the routing logic reads it
// per request, so no reload and no lost request. Reload mode: the plan's directives are swapped in,
// `nginx -t` checks them on every router before any reload, then each router reloads.
//
// The commands of each step, and of each step's undo, are built in hostCommands/routerCommands.ts.
import { createHash } from 'node:crypto';
import { AppSpec, RouterState, Topology, TrafficSpec, RoutingMode } from '../model';
import { parseState, renderFallbackPlan, renderState } from '../router';
import { StageError } from '../errors';
import { SUDO_RULE_HINT, sudoRefusal } from '../hosts/sudoRefusal';
import {
  appendHistoryCommand, applyNextStateCommand, checkNextPlanCommand, removeNextFilesCommand, restorePlanCommand,
  restoreStateFile, writeNextPlanFile, writeNextStateCommand,
} from '../hostCommands/routerCommands';
import { runHostCommand, writeHostFile } from '../hostCommands/run';
import { planBranch, planningRecorder } from '../plan/planningTransport';
import { RouterHandle, onRouters } from './routerHandle';
import { RouterReading } from './readRouters';

export interface ApplyInput {
  routers: RouterHandle[];
  /** What each router carries now (from readRouters), so failures restore exactly that. */
  readings: RouterReading[];
  next: RouterState;
  /** For rendering the reload fallback. */
  render: { apps: AppSpec[]; traffic: TrafficSpec; topology: Topology; listenPort: number };
  onProgress?: (line: string) => void;
  /** False when only the record changes (versions, checks): reload-mode routers are not reloaded. */
  planChanged?: boolean;
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
  const modeOf = (r: RouterHandle): RoutingMode => readings.find((x) => x.router === r.name)?.mode ?? 'njs';
  // A reload can drop requests, so reload-mode routers only reload when the plan itself changes.
  const reloads = (r: RouterHandle): boolean => modeOf(r) === 'reload' && input.planChanged !== false;
  const started = new Map<string, number>();
  const previousState = readings.map((r) => r.state).filter((s): s is RouterState => !!s)
    .reduce<RouterState | undefined>((a, b) => (!a || b.serial > a.serial ? b : a), undefined);
  if (previousState) planningRecorder(routers.map((r) => r.transport))?.recordStateChange(previousState, next);

  // 1. Write every router's new files beside the live ones and read back their checksum, in one
  // round trip per router: the bytes arrived intact. Live traffic is untouched.
  progress(`writing state #${next.serial} to ${routers.length} router(s)`);
  const digest = createHash('sha256').update(stateText).digest('hex');
  await everyRouter(routers, 'write', async (router) => {
    started.set(router.name, Date.now());
    const written = await runHostCommand(router.transport, writeNextStateCommand(router, stateText));
    if (written.code !== 0) throw new Error(tail(written.stderr || written.stdout) || `writing ${router.paths.state}.next exited ${written.code}`);
    if (written.stdout.split(/\s/)[0] !== digest) throw new Error('the state document read back differs from what was written');
    if (reloads(router)) {
      const planText = renderFallbackPlan(next, { ...input.render, mode: 'reload', paths: router.paths });
      await writeHostFile(router.transport, writeNextPlanFile(router, planText));
    }
  }, () => cleanupNext(routers));

  // 2. Reload-mode routers: nginx accepts the new plan on every one of them before any reloads.
  const swapped: RouterHandle[] = [];
  const reloading = routers.filter(reloads);
  if (reloading.length) {
    progress(`checking the plan with nginx -t on ${reloading.length} router(s)`);
    await everyRouter(reloading, 'validate', async (router) => {
      // nginx -t reads the live path, so swap the plan in (no reload yet: traffic is untouched).
      const test = await runHostCommand(router.transport, checkNextPlanCommand(router));
      swapped.push(router);
      if (test.code !== 0) throw new Error(sudoRefused(test.stdout + test.stderr) ?? `nginx -t refused the new plan:\n${tail(test.stdout + test.stderr)}`);
    }, async () => {
      await restorePlans(swapped);
      await cleanupNext(routers);
    });
  }

  // 3. Make it live on every router.
  progress('applying on every router');
  const applied: RouterHandle[] = [];
  await everyRouter(routers, 'apply', async (router) => {
    const result = await runHostCommand(router.transport, applyNextStateCommand(router, reloads(router)));
    if (result.code !== 0) throw new Error(sudoRefused(result.stdout + result.stderr) ?? tail(result.stdout + result.stderr));
    applied.push(router);
  }, () => undoApply(applied));

  // 4. History last: it records what is live, never what was only attempted. The plan this change
  // replaced goes first (a repeat is merged by serial): a router's first document — set up by
  // `hosts setup`, or carried to a new sandbox router — is otherwise in no history, and a rollback
  // could not return to it.
  const replaced = previousState;
  const line = `${replaced && replaced.serial < next.serial ? `${JSON.stringify(replaced)}\n` : ''}${JSON.stringify(next)}\n`;
  await onRouters(routers, (router) => runHostCommand(router.transport, appendHistoryCommand(router, line)));

  return {
    routers: routers.map((r) => ({ router: r.name, mode: modeOf(r), durationMs: Date.now() - (started.get(r.name) ?? Date.now()) })),
  };

  async function restorePlans(list: RouterHandle[], reload = false): Promise<void> {
    await onRouters(list, (router) => runHostCommand(router.transport, restorePlanCommand(router, reload)));
  }

  /** Puts the previous state back wherever the new one went live, and the previous plans. */
  async function undoApply(list: RouterHandle[]): Promise<void> {
    await onRouters(list, async (router) => {
      const previous = readings.find((x) => x.router === router.name)?.stateText;
      if (previous !== undefined) await writeHostFile(router.transport, restoreStateFile(router, previous));
    });
    await restorePlans(swapped, true);
    await cleanupNext(routers);
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

function cleanupNext(routers: RouterHandle[]): Promise<unknown> {
  return onRouters(routers, (router) => runHostCommand(router.transport, removeNextFilesCommand(router)));
}

const SUDO_REFUSED = 'the ssh user may not run commands with sudo without a password';

/** sudo refused `nginx -t` or the reload (the ssh user lacks docs/hosts.md's rule), in words. */
function sudoRefused(output: string): string | undefined {
  const line = sudoRefusal(output);
  return line ? `${SUDO_REFUSED} (${line})` : undefined;
}

function tail(text: string, lines = 8): string {
  return text.trim().split('\n').slice(-lines).join('\n');
}
