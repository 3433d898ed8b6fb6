// Requests lost across a whole release in the Docker sandbox `benchtest` (bench/fixtures/
// benchtest.yaml: 2 routers, canary window of a few seconds, analysis on): constant load through
// both routers while `release` walks drain, deploy green, verify, canary, switch, deploy blue,
// verify, restore — then a rollback. Three modes, same load, same sandbox:
//   njs             the product (routers read the state document at run time)
//   files           the product on routers without njs (switched to its files mode): plan files nginx tests per request
//   naive-reload    the baseline: upstream weights + nginx -s reload, replaying the njs run's
//                   traffic changes at the same moments
// Failures are counted per phase, so an app host timing out during deploy on a starved machine
// shows as that phase, not as the router change's.
// Then the switch latency: 10 switches and 10 rollbacks through the stages, measured by the
// responses' color, over Docker exec and over SSH into the same containers.
// Run alone: npx tsx bench/release.ts (BENCH_MODES, BENCH_SWITCHES=0, BENCH_RPS, BENCH_AUTOCANNON=0).
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { requireConfig } from '../src/core/config';
import { BluegreenConfig, RoutingMode, TrafficPlan } from '../src/core/model';
import { up } from '../src/core/sandbox';
import { buildArtifact } from '../src/core/artifacts/buildArtifact';
import { openEnvironment, EnvironmentHandle } from '../src/core/environment/openEnvironment';
import { readRouters, currentState } from '../src/core/fleet/readRouters';
import { renderRouterFiles } from '../src/core/router';
import { shellQuote } from '../src/core/transport';
import { runHostCommand } from '../src/core/hostCommands/run';
import { putPlanFilesCommand } from '../src/core/hostCommands/routerSetupCommands';
import { StageContext } from '../src/core/stages/stageContext';
import { release, describeStep } from '../src/core/stages/release';
import { rollback } from '../src/core/stages/rollback';
import { restore } from '../src/core/stages/restore';
import { switchTo } from '../src/core/stages/switch';
import { LoadSet, LoadResult } from './lib/loadSet';
import { benchTargets, BenchTargets } from './lib/routerAddresses';
import { withSshEnvironment } from './lib/sshEnvironment';
import { ColorProbe } from './lib/colorProbe';
import { renderNaiveConfig } from './lib/naiveReload';
import { delay, machineLoad, MachineLoad, median, percentile, round } from './lib/measure';

export const BENCH_ENV = 'benchtest';
export const BENCH_CONFIG = path.resolve(__dirname, 'fixtures/benchtest.yaml');
/** The same sandbox reached over SSH, as real hosts are. */
const SSH_ENV = 'benchtest-ssh';
const LOAD_PATHS = ['/api/version', '/health'];

export type ReleaseBenchMode = 'njs' | 'files' | 'naive-reload';

export interface ReleaseModeResult {
  mode: ReleaseBenchMode;
  version?: string;
  ok: boolean;
  error?: string;
  durationMs: number;
  /** Traffic changes made (stages, or reloads replayed by the baseline). */
  changes: number;
  load: LoadResult;
  machine: { start: MachineLoad; end: MachineLoad };
}

export interface SwitchLatencyResult {
  /** How the stages reached the hosts. */
  transport: 'docker exec' | 'ssh';
  switchMs: { runs: number[]; p50: number; p95: number };
  rollbackMs: { runs: number[]; p50: number; p95: number };
  routers: number;
  machine: { start: MachineLoad; end: MachineLoad };
}

export interface ReleaseBenchOptions {
  rps: number;
  switches: number;
  autocannon: boolean;
  /** Which modes to run (default all); `naive-reload` replays the `njs` run, so it needs it. */
  modes?: ReleaseBenchMode[];
  /** Skip the switch-latency rounds. */
  skipSwitchLatency?: boolean;
  log?: (line: string) => void;
}

interface TimedChange {
  atMs: number;
  plan: TrafficPlan;
}

export async function loadBenchConfig(): Promise<BluegreenConfig> {
  return requireConfig(BENCH_CONFIG);
}

export async function runReleaseBench(options: ReleaseBenchOptions): Promise<{ reach: BenchTargets; modes: ReleaseModeResult[]; switchLatency: SwitchLatencyResult[] }> {
  const log = options.log ?? (() => undefined);
  const config = await loadBenchConfig();
  log(`release: bringing the ${BENCH_ENV} sandbox up`);
  await up(config, BENCH_ENV);
  const handle = openEnvironment(config, BENCH_ENV);
  const ctx: StageContext = { handle, actor: 'bench@bluegreen', progress: (l) => log(`    ${l.trim()}`), yes: true, force: false };
  try {
    const reach = await benchTargets(handle);
    log(`  the load comes from a ${reach.via} (${reach.container.name} on ${reach.container.network}): ${reach.urls.join(' ')}`);
    await setRouterMode(handle, 'njs');
    await restore(ctx);
    const modes: ReleaseModeResult[] = [];
    const stamp = Date.now().toString(36);

    const wanted = new Set<ReleaseBenchMode>(options.modes ?? ['njs', 'files', 'naive-reload']);

    const timeline: TimedChange[] = [];
    if (wanted.has('njs')) {
      log(`release njs: whole release + rollback under ${options.rps} req/s`);
      modes.push(await releaseUnderLoad(ctx, 'njs', `1.1.0-bench${stamp}a`, reach, options, timeline));
      report(log, modes[modes.length - 1]);
    }

    if (wanted.has('files')) {
      log('release files: routers switched to the files mode (no njs)');
      await setRouterMode(handle, 'files');
      try {
        modes.push(await releaseUnderLoad(ctx, 'files', `1.1.0-bench${stamp}b`, reach, options, []));
        report(log, modes[modes.length - 1]);
      } finally {
        await setRouterMode(handle, 'njs');
      }
    }

    if (wanted.has('naive-reload') && timeline.length) {
      log(`release naive-reload: replaying ${timeline.length} traffic changes by weights + reload`);
      modes.push(await naiveUnderLoad(handle, reach, options, timeline, modes[0].durationMs));
      report(log, modes[modes.length - 1]);
    }

    const switchLatency: SwitchLatencyResult[] = [];
    if (!options.skipSwitchLatency) {
      log(`switch latency over docker exec: ${options.switches} switches and rollbacks`);
      switchLatency.push(await measureSwitchLatency(ctx, 'docker exec', reach.probe.urls, options.switches));
      log(describeLatency(switchLatency[0]));
      const sshConfig = await withSshEnvironment(config, BENCH_ENV, SSH_ENV);
      const sshHandle = openEnvironment(sshConfig, SSH_ENV);
      try {
        log(`switch latency over ssh: ${options.switches} switches and rollbacks`);
        const sshCtx: StageContext = { ...ctx, handle: sshHandle };
        switchLatency.push(await measureSwitchLatency(sshCtx, 'ssh', reach.probe.urls, options.switches));
        log(describeLatency(switchLatency[1]));
      } finally {
        await sshHandle.close();
      }
    }
    await restore(ctx).catch(() => undefined);
    return { reach, modes, switchLatency };
  } finally {
    await handle.close();
  }
}

function report(log: (line: string) => void, r: ReleaseModeResult): void {
  const lossy = r.load.phases.filter((p) => p.failed > 0).map((p) => `${p.phase}: ${p.failed}`).join(', ') || 'none';
  log(`  ${r.ok ? 'ok' : `FAILED: ${r.error}`} in ${(r.durationMs / 1000).toFixed(1)} s; lost ${r.load.total.failed} raw / ${r.load.total.asBrowserFailed} as a browser of ${r.load.total.sent}; autocannon ${r.load.autocannon?.failed ?? '-'} of ${r.load.autocannon?.sent ?? '-'}; by phase: ${lossy}`);
}

async function releaseUnderLoad(ctx: StageContext, mode: ReleaseBenchMode, version: string, reach: BenchTargets, options: ReleaseBenchOptions, timeline: TimedChange[]): Promise<ReleaseModeResult> {
  // The release's artifacts are built before the load starts, as a CI pipeline builds them before
  // anyone releases: an image build on the routers' own 2 cores is no part of a router change.
  for (const app of ctx.handle.config.apps) await buildArtifact(ctx.handle.config, app, version);
  const start = machineLoad();
  const load = new LoadSet({ targets: reach.urls, container: reach.container, rps: options.rps, paths: LOAD_PATHS, autocannon: options.autocannon });
  await load.start();
  const began = performance.now();
  let error: Error | undefined;
  let changes = 0;
  const record = async () => {
    const { state } = currentState(await readRouters(ctx.handle.routers));
    const last = timeline[timeline.length - 1];
    if (!last || JSON.stringify(last.plan) !== JSON.stringify(state.plan)) {
      timeline.push({ atMs: performance.now() - began, plan: state.plan });
      changes++;
    }
  };
  try {
    await delay(2000);
    await release(ctx, version, {
      onStep: async (event) => {
        if (event.phase === 'start') load.mark(describeStep(event.step));
        else await record();
      },
    });
    load.mark('rollback');
    await rollback(ctx, { noConfirm: true });
    await record();
    load.mark('after the rollback');
    await delay(2000);
  } catch (caught) {
    error = caught as Error;
  }
  const result = await load.stop();
  return { mode, version, ok: !error, error: error?.message, durationMs: Math.round(performance.now() - began), changes, load: result, machine: { start, end: machineLoad() } };
}

async function naiveUnderLoad(handle: EnvironmentHandle, reach: BenchTargets, options: ReleaseBenchOptions, timeline: TimedChange[], durationMs: number): Promise<ReleaseModeResult> {
  const start = machineLoad();
  const { state } = currentState(await readRouters(handle.routers));
  await installNaive(handle, state.plan);
  const load = new LoadSet({ targets: reach.urls, container: reach.container, rps: options.rps, paths: LOAD_PATHS, autocannon: options.autocannon });
  let error: Error | undefined;
  let result: LoadResult;
  try {
    await load.start();
    const began = performance.now();
    for (const [i, change] of timeline.entries()) {
      const wait = change.atMs - (performance.now() - began);
      if (wait > 0) await delay(wait);
      load.mark(`reload ${i + 1}`);
      await installNaive(handle, change.plan);
    }
    load.mark('after the last reload');
    const left = durationMs - (performance.now() - began);
    await delay(Math.max(2000, left));
  } catch (caught) {
    error = caught as Error;
  } finally {
    result = await load.stop();
    await setRouterMode(handle, 'njs');
  }
  return { mode: 'naive-reload', ok: !error, error: error?.message, durationMs, changes: timeline.length, load: result, machine: { start, end: machineLoad() } };
}

/** The baseline's config in place of the product's, then a reload: what a naive tool does per change. */
async function installNaive(handle: EnvironmentHandle, plan: TrafficPlan): Promise<void> {
  await Promise.all(handle.routers.map(async (router) => {
    const text = renderNaiveConfig({ apps: handle.config.apps, topology: handle.topology, listenPort: handle.routerPort }, plan);
    await router.transport.put(router.paths.baseConfig, text);
    const reload = await router.transport.exec('nginx -t 2>&1 && nginx -s reload 2>&1', { timeoutMs: 30_000 });
    if (reload.code !== 0) throw new Error(`${router.name}: naive reload failed: ${reload.stdout}`);
  }));
}

/**
 * Puts the product's own files for `mode` on every router (its state kept), checks and reloads —
 * what `hosts setup` does on a router with or without njs. Done outside any load window.
 */
export async function setRouterMode(handle: EnvironmentHandle, mode: RoutingMode): Promise<void> {
  const readings = await readRouters(handle.routers);
  const { state } = currentState(readings);
  await Promise.all(handle.routers.map(async (router) => {
    const files = renderRouterFiles({
      apps: handle.config.apps, traffic: handle.config.traffic, topology: handle.topology, mode, paths: router.paths, listenPort: handle.routerPort,
    }, state);
    const t = router.transport;
    await t.put(router.paths.baseConfig, files.baseConfig);
    if (files.routingScript) await t.put(router.paths.routingScript, files.routingScript);
    if (files.planLookup && files.planFiles) {
      await t.put(router.paths.planLookup, files.planLookup);
      await runHostCommand(t, putPlanFilesCommand(router, files.planFiles));
    } else {
      await t.exec(`rm -rf ${shellQuote(router.paths.planLookup)} ${shellQuote(router.paths.planFiles)}`);
    }
    const reload = await t.exec('nginx -t 2>&1 && nginx -s reload 2>&1', { timeoutMs: 30_000 });
    if (reload.code !== 0) throw new Error(`${router.name}: nginx refused the ${mode} files: ${reload.stdout}`);
  }));
  // Old workers finish their requests before the load of the next mode starts.
  await delay(3000);
}

function describeLatency(r: SwitchLatencyResult): string {
  return `  ${r.transport}: switch p50 ${r.switchMs.p50} ms p95 ${r.switchMs.p95} ms; rollback p50 ${r.rollbackMs.p50} ms p95 ${r.rollbackMs.p95} ms`;
}

async function measureSwitchLatency(ctx: StageContext, transport: SwitchLatencyResult['transport'], targets: string[], count: number): Promise<SwitchLatencyResult> {
  const start = machineLoad();
  const probe = new ColorProbe(targets, '/api/version');
  probe.start();
  const switches: number[] = [];
  const rollbacks: number[] = [];
  try {
    // Every round: blue → green measured, then a rollback to blue measured.
    await switchTo(ctx, 'blue');
    for (let i = 0; i < count; i++) {
      let calledAt = performance.now();
      await switchTo(ctx, 'green');
      switches.push(round(await probe.settledOn('green', calledAt)));
      probe.trim(calledAt);
      calledAt = performance.now();
      await rollback(ctx, { noConfirm: true });
      rollbacks.push(round(await probe.settledOn('blue', calledAt)));
      probe.trim(calledAt);
    }
  } finally {
    await probe.stop();
  }
  const figures = (runs: number[]) => ({ runs, p50: median(runs), p95: percentile(runs, 95) });
  return { transport, switchMs: figures(switches), rollbackMs: figures(rollbacks), routers: targets.length, machine: { start, end: machineLoad() } };
}

if (require.main === module) {
  runReleaseBench({
    rps: Number(process.env.BENCH_RPS || 1000),
    switches: 10,
    autocannon: process.env.BENCH_AUTOCANNON !== '0',
    modes: process.env.BENCH_MODES ? (process.env.BENCH_MODES.split(',') as ReleaseBenchMode[]) : undefined,
    skipSwitchLatency: process.env.BENCH_SWITCHES === '0',
    log: (l) => console.error(l),
  })
    .then((r) => console.log(JSON.stringify(r, null, 2)))
    .catch((error) => { console.error(error); process.exit(1); });
}
