// Requests lost by the routing alone, on loopback: two real nginx routers on this machine in
// front of static color upstreams (an nginx answering with its color at once), so no app host
// and no container can time out — every failure here is the router change's. The same flips
// under the same load for the three ways of moving traffic:
//   njs             the product: atomic rename of the state document, no reload
//   files           the product on routers without njs: plan files nginx tests per request, no reload
//   naive-reload    the baseline: rewrite upstream weights + nginx -s reload
// Also the switch latency of each (stage call → responses settled on the new color).
// Run alone: npx tsx bench/routing.ts [--quick]
import { execFileSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { requireConfig } from '../src/core/config';
import { AppSpec, Color, RouterPaths, RoutingMode, Topology } from '../src/core/model';
import { initialState, nextState, percentPlan, renderRouterFiles } from '../src/core/router';
import { readRouters, currentState } from '../src/core/fleet/readRouters';
import { applyState } from '../src/core/fleet/applyState';
import { RouterHandle } from '../src/core/fleet/routerHandle';
import { putPlanFilesCommand } from '../src/core/hostCommands/routerSetupCommands';
import { freePort, makePrefix, startNginx, RunningNginx, writeReadable } from '../test/helpers/nginx';
import { LocalTransport } from './lib/localTransport';
import { LoadSet, LoadResult } from './lib/loadSet';
import { ColorProbe } from './lib/colorProbe';
import { renderNaiveConfig } from './lib/naiveReload';
import { delay, machineLoad, MachineLoad, median, percentile, round } from './lib/measure';

export type RoutingBenchMode = 'njs' | 'files' | 'naive-reload';

export interface RoutingBenchOptions {
  rps: number;
  flips: number;
  /** Time each plan stays before the next flip. */
  holdMs: number;
  autocannon: boolean;
  modes?: RoutingBenchMode[];
  log?: (line: string) => void;
}

export interface RoutingModeResult {
  mode: RoutingBenchMode;
  flips: number;
  load: LoadResult;
  switchLatencyMs: { runs: number[]; p50: number; p95: number };
  machine: { start: MachineLoad; end: MachineLoad };
}

const BLUE_ADDRESS = '127.0.0.2';
const GREEN_ADDRESS = '127.0.0.3';
const LOAD_PATHS = ['/api/version', '/health'];

export async function runRoutingBench(options: RoutingBenchOptions): Promise<RoutingModeResult[]> {
  const log = options.log ?? (() => undefined);
  const config = await requireConfig(path.resolve(__dirname, '../bluegreen.yaml'));
  // Free ports for the apps, so the static upstreams can listen on both loopback addresses.
  const apps: AppSpec[] = [];
  for (const app of config.apps) apps.push({ ...app, port: await freePort() });
  const topology: Topology = {
    routers: ['lb1', 'lb2'],
    colors: {
      blue: Object.fromEntries(apps.map((a) => [a.name, ['blue-host']])),
      green: Object.fromEntries(apps.map((a) => [a.name, ['green-host']])),
    },
    addresses: { 'blue-host': BLUE_ADDRESS, 'green-host': GREEN_ADDRESS, lb1: '127.0.0.1', lb2: '127.0.0.1' },
  };
  const upstreams = await startStaticUpstreams(apps);
  const results: RoutingModeResult[] = [];
  try {
    for (const mode of options.modes ?? ['njs', 'files', 'naive-reload'] as RoutingBenchMode[]) {
      log(`routing (loopback) ${mode}: ${options.flips} flips under ${options.rps} req/s`);
      results.push(await runMode(mode, { apps, topology, traffic: config.traffic }, options));
      const r = results[results.length - 1];
      log(`  lost ${r.load.total.failed} raw / ${r.load.total.asBrowserFailed} as a browser of ${r.load.total.sent}; autocannon ${r.load.autocannon?.failed ?? '-'} of ${r.load.autocannon?.sent ?? '-'}; switch p50 ${r.switchLatencyMs.p50} ms`);
    }
  } finally {
    await upstreams.stop();
  }
  return results;
}

/** One nginx answering as blue on 127.0.0.2 and as green on 127.0.0.3, on every app port. */
async function startStaticUpstreams(apps: AppSpec[]): Promise<RunningNginx> {
  const servers = apps.flatMap((app) => ([['blue', BLUE_ADDRESS], ['green', GREEN_ADDRESS]] as const).map(([color, address]) => [
    'server {',
    `    listen ${address}:${app.port};`,
    '    access_log off;',
    '    keepalive_requests 100000;',
    `    add_header X-Bluegreen-Color ${color} always;`,
    `    location / { return 200 '{"app":"${app.name}","version":"static","color":"${color}"}'; }`,
    '}',
  ].join('\n')));
  return startNginx({ httpConfig: servers.join('\n'), workers: 1 });
}

interface Fixture {
  apps: AppSpec[];
  topology: Topology;
  traffic: Awaited<ReturnType<typeof requireConfig>>['traffic'];
}

interface LoopbackRouter {
  handle: RouterHandle;
  nginx: RunningNginx;
  port: number;
}

async function startRouters(mode: RoutingBenchMode, fixture: Fixture): Promise<LoopbackRouter[]> {
  const routers: LoopbackRouter[] = [];
  for (const name of fixture.topology.routers) {
    const prefix = makePrefix(`bench-${name}`);
    const paths: RouterPaths = {
      baseConfig: path.join(prefix, 'conf/bluegreen.conf'),
      routingScript: path.join(prefix, 'conf/routing.js'),
      state: path.join(prefix, 'state/state.json'),
      planLookup: path.join(prefix, 'conf/plan.conf'),
      planFiles: path.join(prefix, 'state/plan'),
      siteSnippet: path.join(prefix, 'conf/site.conf'),
      dataDir: path.join(prefix, 'data'),
      accessLog: path.join(prefix, 'logs/bluegreen.access.log'),
    };
    const port = await freePort();
    const render = { apps: fixture.apps, traffic: fixture.traffic, topology: fixture.topology, paths, listenPort: port, listenAddress: '127.0.0.1' };
    const state = initialState(fixture.traffic, { blue: {}, green: {} }, 'bench', 'bench start');
    if (mode === 'naive-reload') {
      writeReadable(paths.baseConfig, renderNaiveConfig(render, state.plan));
    } else {
      const routing: RoutingMode = mode;
      const files = renderRouterFiles({ ...render, mode: routing }, state);
      writeReadable(paths.baseConfig, files.baseConfig);
      writeReadable(paths.state, files.state);
      if (files.routingScript) writeReadable(paths.routingScript, files.routingScript);
      if (files.planLookup) writeReadable(paths.planLookup, files.planLookup);
      if (files.planFiles) execFileSync('sh', ['-c', putPlanFilesCommand({ paths, sudo: false }, files.planFiles).script]);
      await fs.mkdir(paths.dataDir, { recursive: true, mode: 0o755 });
    }
    const nginx = await startNginx({ prefix, httpConfig: `include ${paths.baseConfig};`, njs: mode === 'njs', workers: 2, waitForPorts: [port] });
    const transport = await LocalTransport.forNginx(name, path.join(prefix, 'bin'), prefix, nginx.confPath);
    routers.push({ handle: { name, transport, paths, sudo: false }, nginx, port });
  }
  return routers;
}

async function runMode(mode: RoutingBenchMode, fixture: Fixture, options: RoutingBenchOptions): Promise<RoutingModeResult> {
  const routers = await startRouters(mode, fixture);
  const targets = routers.map((r) => `http://127.0.0.1:${r.port}`);
  const start = machineLoad();
  const load = new LoadSet({ targets, rps: options.rps, paths: LOAD_PATHS, autocannon: options.autocannon });
  const probe = new ColorProbe(targets, '/api/version');
  const latencies: number[] = [];
  let result: LoadResult;
  try {
    await load.start();
    probe.start();
    await delay(1500);
    for (let i = 0; i < options.flips; i++) {
      const color: Color = i % 2 === 0 ? 'green' : 'blue';
      load.mark(`flip ${i + 1} → ${color}`);
      const calledAt = performance.now();
      await flip(mode, routers, fixture, color);
      latencies.push(round(await probe.settledOn(color, calledAt)));
      probe.trim(calledAt);
      const left = options.holdMs - (performance.now() - calledAt);
      if (left > 0) await delay(left);
    }
    load.mark('after the last flip');
    await delay(1500);
  } finally {
    await probe.stop();
    result = await load.stop();
    await Promise.all(routers.map((r) => r.nginx.stop()));
  }
  return {
    mode,
    flips: options.flips,
    load: result,
    switchLatencyMs: { runs: latencies, p50: median(latencies), p95: percentile(latencies, 95) },
    machine: { start, end: machineLoad() },
  };
}

async function flip(mode: RoutingBenchMode, routers: LoopbackRouter[], fixture: Fixture, color: Color): Promise<void> {
  const plan = percentPlan(color, 100);
  if (mode === 'naive-reload') {
    await Promise.all(routers.map(async (r) => {
      await r.handle.transport.put(r.handle.paths.baseConfig, renderNaiveConfig({ ...fixture, listenPort: r.port, listenAddress: '127.0.0.1' }, plan));
      const reload = await r.handle.transport.exec('nginx -s reload 2>&1');
      if (reload.code !== 0) throw new Error(`naive reload failed: ${reload.stdout}`);
    }));
    return;
  }
  // The product's path, as changeTraffic takes it (without the app-host health gate: the
  // upstreams here are static).
  const handles = routers.map((r) => r.handle);
  const readings = await readRouters(handles);
  const { state } = currentState(readings);
  const next = nextState(state, plan, { changedBy: 'bench', stage: `switch ${color}` });
  await applyState({
    routers: handles,
    readings,
    next,
    render: { apps: fixture.apps, traffic: fixture.traffic, topology: fixture.topology, listenPort: routers[0].port },
  });
}

if (require.main === module) {
  const quick = process.argv.includes('--quick');
  runRoutingBench({ rps: quick ? 200 : 1000, flips: quick ? 4 : 20, holdMs: quick ? 600 : 1000, autocannon: !quick, log: (l) => console.error(l) })
    .then((results) => console.log(JSON.stringify(results, null, 2)))
    .catch((error) => { console.error(error); process.exit(1); });
}
