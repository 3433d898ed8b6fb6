// `bluegreen hosts setup`: prepares real hosts, idempotently, for the same stages the sandbox
// rehearses. App hosts get the release layout, the deploy script and the supervisor of
// docs/hosts.md; routers get the base config and the routing logic — njs where the router has the
// module, the reload fallback where not (detected and reported). A router's existing state
// document is kept: setup never moves traffic.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { AppSpec, COLORS, Color, RouterState, RoutingMode } from '../model';
import { initialState, parseState, renderRouterFiles, NJS_MODULE_PATH } from '../router';
import { shellQuote } from '../transport';
import { sandboxAssets } from '../sandbox/assets';
import { EnvironmentHandle } from '../environment/openEnvironment';
import { RouterHandle, onRouters } from '../fleet/routerHandle';
import { StageError } from '../errors';

export interface HostSetupReport {
  routers: Array<{ router: string; mode: RoutingMode; keptState: boolean }>;
  appHosts: Array<{ host: string; apps: string[] }>;
}

const q = shellQuote;
const HOST_TOOLS = ['deploy', 'bluegreen-supervise', 'bluegreen-host-init'];

export async function setupHosts(handle: EnvironmentHandle, actor: string, progress: (line: string) => void): Promise<HostSetupReport> {
  const appHosts = await setupAppHosts(handle, progress);
  const routers = await setupRouters(handle, actor, progress);
  return { routers, appHosts };
}

/** Which apps each host serves, and in which color (a host belongs to one color). */
function appsByHost(handle: EnvironmentHandle): Map<string, { color: Color; apps: AppSpec[] }> {
  const byHost = new Map<string, { color: Color; apps: AppSpec[] }>();
  for (const color of COLORS) {
    for (const app of handle.config.apps) {
      for (const host of handle.topology.colors[color][app.name] ?? []) {
        const entry = byHost.get(host) ?? { color, apps: [] };
        entry.apps.push(app);
        byHost.set(host, entry);
      }
    }
  }
  return byHost;
}

async function setupAppHosts(handle: EnvironmentHandle, progress: (line: string) => void): Promise<HostSetupReport['appHosts']> {
  const tools = await Promise.all(HOST_TOOLS.map(async (name) => ({ name, bytes: await fs.readFile(path.join(sandboxAssets().host, 'bin', name)) })));
  const hosts = [...appsByHost(handle)];
  const results = await Promise.all(hosts.map(async ([host, { color, apps }]) => {
    const t = handle.host(host);
    const sudo = handle.sudo;
    progress(`${host}: host tooling and release layout for ${apps.map((a) => a.name).join(', ')}`);
    await mustRun(host, t.exec('mkdir -p /opt/bluegreen/bin', { sudo }));
    for (const tool of tools) await t.put(`/opt/bluegreen/bin/${tool.name}`, tool.bytes, { sudo, mode: 0o755 });
    for (const app of apps) {
      const dir = `/opt/${app.name}`;
      const env = [`PORT=${app.port}`, `HEALTH=${app.health}`, `BLUEGREEN_APP=${app.name}`, `BLUEGREEN_COLOR=${color}`].join('\n');
      // app.env is the operator's too (DATABASE_URL, …): written only when absent, never overwritten.
      await mustRun(host, t.exec(
        `mkdir -p ${q(dir + '/releases')} ${q(dir + '/artifacts')} ${q(dir + '/log')} && `
        + `{ [ -e ${q(dir + '/app.env')} ] || printf '%s\\n' ${q(env)} > ${q(dir + '/app.env')}; } && `
        + `{ pgrep -f ${q(`bluegreen-supervise ${app.name}$`)} >/dev/null || `
        + `setsid /opt/bluegreen/bin/bluegreen-supervise ${q(app.name)} >/dev/null 2>&1 < /dev/null & }`,
        { sudo },
      ));
    }
    return { host, apps: apps.map((a) => a.name) };
  }));
  return results;
}

async function setupRouters(handle: EnvironmentHandle, actor: string, progress: (line: string) => void): Promise<HostSetupReport['routers']> {
  const results = await onRouters(handle.routers, async (router) => {
    const t = router.transport;
    const hasNjs = (await t.exec(`test -e ${q(NJS_MODULE_PATH)}`)).code === 0;
    const mode: RoutingMode = hasNjs ? 'njs' : 'reload';
    progress(`${router.name}: ${hasNjs ? 'njs found: traffic moves without reloads' : `no njs module (${NJS_MODULE_PATH}): using the reload fallback (a reload may drop a few requests under load; install libnginx-mod-http-js to avoid it)`}`);
    const existing = await t.exec(`cat ${q(router.paths.state)} 2>/dev/null`, { sudo: router.sudo });
    let state: RouterState;
    let keptState = false;
    try {
      state = parseState(existing.stdout);
      keptState = true;
    } catch {
      state = initialState(handle.config.traffic, { blue: {}, green: {} }, actor, 'hosts setup');
    }
    const files = renderRouterFiles({
      apps: handle.config.apps, traffic: handle.config.traffic, topology: handle.topology, mode, paths: router.paths, listenPort: handle.routerPort,
    }, state);
    await installRouterFiles(router, files, mode);
    return { router: router.name, mode, keptState };
  });
  const failed = results.filter((r) => !r.ok);
  if (failed.length) {
    throw new StageError(`router setup failed on ${failed.map((f) => `${f.host}: ${f.ok ? '' : f.error.message}`).join('; ')}`,
      'each failed router kept its previous nginx config; fix the cause and run hosts setup again');
  }
  return results.map((r) => (r.ok ? r.value : { router: r.host, mode: 'njs' as RoutingMode, keptState: false }));
}

/** Puts the files in place, checks them with `nginx -t`, reloads; on failure puts the old ones back. */
async function installRouterFiles(router: RouterHandle, files: ReturnType<typeof renderRouterFiles>, mode: RoutingMode): Promise<void> {
  const t = router.transport;
  const sudo = router.sudo;
  const p = router.paths;
  const managed = [p.baseConfig, p.routingScript, p.fallbackPlan];
  const cleanup = managed.map((f) => `rm -f ${q(f + '.before-setup')} ${q(f + '.absent-before-setup')}`).join('; ');
  await mustRun(router.name, t.exec(
    [...new Set([p.baseConfig, p.routingScript, p.state, p.fallbackPlan].map((f) => path.posix.dirname(f))), p.dataDir]
      .map((d) => `mkdir -p ${q(d)}`).join(' && ')
    + ' && ' + managed.map((f) => `{ if [ -e ${q(f)} ]; then cp -p ${q(f)} ${q(f + '.before-setup')}; else touch ${q(f + '.absent-before-setup')}; fi; }`).join(' && '),
    { sudo },
  ));
  await t.put(p.baseConfig, files.baseConfig, { sudo });
  if (files.routingScript) await t.put(p.routingScript, files.routingScript, { sudo });
  await t.put(p.state, files.state, { sudo });
  if (mode === 'reload' && files.fallbackPlan) await t.put(p.fallbackPlan, files.fallbackPlan, { sudo });
  // In njs mode a stale fallback plan would make readers think the router reloads.
  if (mode === 'njs') await t.exec(`rm -f ${q(p.fallbackPlan)}`, { sudo });
  const test = await t.exec('nginx -t 2>&1 && (nginx -s reload 2>&1 || nginx 2>&1)', { sudo });
  if (test.code !== 0) {
    await t.exec(managed.map((f) => `if [ -e ${q(f + '.absent-before-setup')} ]; then rm -f ${q(f)}; elif [ -e ${q(f + '.before-setup')} ]; then mv -f ${q(f + '.before-setup')} ${q(f)}; fi`).join('; ') + '; ' + cleanup, { sudo });
    throw new Error(`nginx refused the config (previous files put back):\n${test.stdout.trim().split('\n').slice(-6).join('\n')}`);
  }
  await t.exec(cleanup, { sudo });
}

async function mustRun(host: string, running: Promise<{ code: number; stdout: string; stderr: string }>): Promise<void> {
  const result = await running;
  if (result.code !== 0) throw new StageError(`${host}: ${(result.stderr || result.stdout).trim().split('\n').slice(-4).join(' / ')}`);
}
