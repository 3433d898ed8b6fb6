// `bluegreen hosts setup`: prepares real hosts, idempotently, for the same stages the sandbox
// rehearses. App hosts get the release layout, the deploy script and the supervisor of
// docs/hosts.md; routers get the base config and the routing logic — njs where the router has the
// module, the files mode where not (detected and reported). A router's existing state
// document is kept: setup never moves traffic. A fresh router sends no user anywhere until the
// first release (`bluegreen bootstrap`). Missing Debian packages — the njs module on routers, the
// apps' stock runtimes on app hosts — are found and named; with `--install` (the operator allows
// it) apt-get installs them, and a failed install is reported without stopping the rest.
// Every shell line and file it writes is built in hostCommands/ (appHostSetupCommands.ts,
// routerSetupCommands.ts); this file decides what runs and reads the answers.
// Setup installs files under /etc/nginx, creates a user and enables systemd units: it needs an
// administrator once (the ssh user with full sudo, or `--ssh-user ADMIN`). It hands the product's
// folders to the group `bluegreen`, so the stages then need only the narrow sudo rule of
// docs/hosts.md.
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { AppSpec, COLORS, Color, RouterState, RoutingMode, StockRuntime } from '../model';
import { initialState, parseState, renderRouterFiles, unreleasedPlan, NJS_MODULE_PATH, MAX_FILES_MODE_SEGMENTS } from '../router';
import { Transport } from '../transport';
import { currentRecord } from './hostTooling';
import { PRODUCT_GROUP, SUPERVISOR_UNIT } from '../hostCommands/layout';
import { runHostCommand, runStep, writeHostFile } from '../hostCommands/run';
import {
  HOST_TOOLS, RUNTIME_PACKAGES, aptGetCheckCommand, aptInstallByHand, aptInstallCommand, missingProgramsCommand, appLayoutCommand, enableSupervisorCommand, hostToolFile, prepareAppHostCommand, startSupervisorCommand, supervisorUnitCopyFile,
  supervisorUnitFile, supervisorUnitName, systemdReloadCommand, toolingRecordFile, userGroupsCommand,
} from '../hostCommands/appHostSetupCommands';
import {
  NJS_PACKAGE, detectNjsCommand, listenerCheckCommand, makeToolingDirCommand, managedFilesChecksumCommand, readExistingStateCommand, routerFilesForGroupCommand,
  putPlanFilesCommand, routerSetupSequence,
} from '../hostCommands/routerSetupCommands';
import { sudoRefusal } from './sudoRefusal';
import { productFiles } from '../productFiles';
import { EnvironmentHandle, openEnvironment } from '../environment/openEnvironment';
import type { HostLogSink } from '../transport';
import { RouterHandle, onRouters } from '../fleet/routerHandle';
import { StageError } from '../errors';
import { SitesBefore, checkAfterApply, readSitesBefore, requireTlsFiles } from './siteChecks';

export interface HostSetupReport {
  routers: Array<{ router: string; mode: RoutingMode; keptState: boolean; unchanged: boolean }>;
  /** `systemd`: each app's supervisor is an enabled unit (back after a reboot); `setsid`: started by hand. */
  appHosts: Array<{ host: string; apps: string[]; supervisor: 'systemd' | 'setsid' }>;
  /** What the operator should know: supervisors that will not come back after a reboot, … */
  notes: string[];
  /** Each Debian package a host lacked, and what became of it (describePackages words them). */
  packages: PackageNeed[];
}

/**
 * `missing`: not there, and setup ran without `--install`; `installed`: apt-get installed it now;
 * `failed`: apt-get could not (`detail`: why, apt's last lines); `manual`: the host has no
 * apt-get, so the operator installs it (or its equivalent) with the host's package manager.
 */
export type PackageStatus = 'missing' | 'installed' | 'failed' | 'manual';

export interface PackageNeed {
  host: string;
  /** Debian's package name. */
  package: string;
  /** `njs`: the router's njs module; `runtime`: a program the host's apps run on. */
  kind: 'njs' | 'runtime';
  /** What it is for: the apps that need it, or what njs brings. */
  for: string;
  status: PackageStatus;
  detail?: string;
}

export interface SetupOptions {
  /**
   * Log in as this user instead of the environment's `ssh.user` (an administrator with full
   * sudo: setup needs one once); the stages keep logging in as `ssh.user`.
   */
  sshUser?: string;
  /** Every command and its output (the CLI's --verbose) when setup opens its own connections (`sshUser`). */
  hostLog?: HostLogSink;
  /**
   * Install the Debian packages a host lacks (njs on routers, the apps' runtimes) with apt-get.
   * Without it setup names them (status `missing`) and goes on as before.
   */
  install?: boolean;
}

export async function setupHosts(handle: EnvironmentHandle, actor: string, progress: (line: string) => void, options: SetupOptions = {}): Promise<HostSetupReport> {
  if (options.sshUser && handle.env.kind !== 'ssh') {
    throw new StageError(`--ssh-user is for environments reached over ssh; "${handle.env.name}" is a sandbox, set up by bluegreen itself`);
  }
  const admin = options.sshUser && handle.env.kind === 'ssh' && options.sshUser !== handle.env.ssh.user
    ? openEnvironment(asSshUser(handle, options.sshUser), handle.env.name, { hostLog: options.hostLog, plan: handle.plan })
    : undefined;
  const on = admin ?? handle;
  try {
    const record = Buffer.from(`${JSON.stringify(currentRecord(actor), null, 2)}\n`);
    const notes: string[] = [];
    const packages: PackageNeed[] = [];
    const provide: Provide = (host, t, wanted) => providePackages(host, t, on.sudo, wanted, options.install === true, progress)
      .then((needs) => { packages.push(...needs); return needs; });
    const appHosts = await setupAppHosts(on, record, progress, notes, provide);
    const routers = await setupRouters(on, actor, record, progress, provide);
    // In the config's order (hosts are set up in parallel): routers, then app hosts.
    const order = [...handle.topology.routers, ...appsByHost(handle).keys()];
    packages.sort((x, y) => order.indexOf(x.host) - order.indexOf(y.host));
    notes.push(...runtimeNotes(packages, setupCommandLine(handle.env.name, options)));
    notes.push(...await stageUserGroupNotes(handle, on));
    return { routers, appHosts, notes, packages };
  } finally {
    await admin?.close();
  }
}

/**
 * The stages' ssh user writes the product's files as a member of group bluegreen and reads nginx's
 * log as a member of adm (docs/hosts.md adds it): a host where it is not is named, with the command.
 */
async function stageUserGroupNotes(handle: EnvironmentHandle, on: EnvironmentHandle): Promise<string[]> {
  const user = handle.env.kind === 'ssh' ? handle.env.ssh.user : undefined;
  if (!user || user === 'root') return [];
  const routers = new Set(handle.topology.routers);
  const hosts = [...new Set([...handle.topology.routers, ...appsByHost(handle).keys()])];
  const missing = await Promise.all(hosts.map(async (host) => {
    const read = await runHostCommand(on.host(host), userGroupsCommand(user)).catch(() => undefined);
    if (!read?.stdout.trim()) return { host, lacks: [] }; // no answer, or no such user there: nothing to say
    const groups = read.stdout.trim().split(/\s+/);
    const wanted = routers.has(host) ? [PRODUCT_GROUP, 'adm'] : [PRODUCT_GROUP];
    return { host, lacks: wanted.filter((g) => !groups.includes(g)) };
  }));
  return missing.filter((m) => m.lacks.length).map((m) => `${m.host}: the stages' ssh user ${user} is not in group ${m.lacks.join(' or ')}, so the stages cannot `
    + `${m.lacks.includes(PRODUCT_GROUP) ? 'write the product\'s files' : 'read nginx\'s access log'} there; add it as docs/hosts.md says: sudo usermod -a -G ${m.lacks.join(',')} ${user}`);
}

/** The config with the environment's ssh user replaced (setup's administrator), sudo on. */
function asSshUser(handle: EnvironmentHandle, user: string): EnvironmentHandle['config'] {
  const env = handle.env;
  if (env.kind !== 'ssh') return handle.config;
  const adminEnv = { ...env, ssh: { ...env.ssh, user, sudo: user !== 'root' } };
  return { ...handle.config, environments: { ...handle.config.environments, [env.name]: adminEnv } };
}

/** What to do when the login may not run setup's commands as root. */
export function setupAdminHint(env: string): string {
  return `hosts setup needs an administrator once: run it as a user with full sudo (bluegreen hosts setup --env ${env} --ssh-user ADMIN, e.g. admin on Debian's cloud images) or have an administrator run it; the stages then need only the sudo rule of docs/hosts.md`;
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

async function setupAppHosts(handle: EnvironmentHandle, record: Buffer, progress: (line: string) => void, notes: string[], provide: Provide): Promise<HostSetupReport['appHosts']> {
  const tools = await Promise.all(HOST_TOOLS.map(async (name) => ({ name, bytes: await fs.readFile(path.join(productFiles().host, 'bin', name)) })));
  const unit = await fs.readFile(path.join(productFiles().host, 'systemd', SUPERVISOR_UNIT));
  const hosts = [...appsByHost(handle)];
  const settled = await Promise.allSettled(hosts.map(async ([host, { color, apps }]) => {
    const t = handle.host(host);
    const sudo = handle.sudo;
    const mustRun = mustRunIn(handle);
    await provideRuntimes(host, t, apps, provide);
    progress(`${host}: host tooling and release layout for ${apps.map((a) => a.name).join(', ')}`);
    // The apps run as bluegreen-app, an unprivileged system user (the supervisor drops to it).
    const probe = await runHostCommand(t, prepareAppHostCommand(sudo));
    await mustRun(host, Promise.resolve(probe));
    const systemd = probe.stdout.includes('systemd');
    for (const tool of tools) await writeHostFile(t, hostToolFile(tool.name, tool.bytes, sudo));
    await writeHostFile(t, supervisorUnitCopyFile(unit, sudo));
    if (systemd) {
      await writeHostFile(t, supervisorUnitFile(unit, sudo));
      await mustRun(host, runHostCommand(t, systemdReloadCommand(sudo)));
    }
    for (const app of apps) {
      // app.env is the operator's too (DATABASE_URL, …): written only when absent, never overwritten.
      await mustRun(host, runHostCommand(t, appLayoutCommand(app, color, sudo)));
      const note = await startSupervisor(host, t, sudo, app.name, systemd, mustRun);
      if (note) notes.push(`${host}: ${note}`);
    }
    // Last: the record says the host is ready for this version's stages.
    await writeHostFile(t, toolingRecordFile(record, sudo));
    return { host, apps: apps.map((a) => a.name), supervisor: systemd ? 'systemd' as const : 'setsid' as const };
  }));
  // Every host is tried; the ones that failed are named together (a host set up again is fine).
  const failed = settled.map((s, i) => ({ s, host: hosts[i][0] })).filter((x) => x.s.status === 'rejected');
  if (failed.length) {
    const adminHint = setupAdminHint(handle.env.name);
    const reasons = failed.map(({ s, host }) => {
      const error = (s as PromiseRejectedResult).reason as Error & { hint?: string };
      return `${host}: ${error.message.replace(new RegExp(`^${host}: `), '')}${error.hint && error.hint !== adminHint ? ` (${error.hint})` : ''}`;
    });
    const sudoOnly = failed.every(({ s }) => ((s as PromiseRejectedResult).reason as { hint?: string }).hint === adminHint);
    throw new StageError(
      `app host setup failed on ${failed.length} of ${hosts.length} host(s): ${reasons.join('; ')}; no traffic was moved and the routers were not touched`,
      sudoOnly ? adminHint : `fix the cause, then run bluegreen hosts setup --env ${handle.env.name} again (hosts already set up are left as they are)`,
    );
  }
  const results = settled.map((s) => (s as PromiseFulfilledResult<HostSetupReport['appHosts'][number]>).value);
  if (results.some((r) => r.supervisor === 'setsid')) {
    notes.push(`no systemd on ${results.filter((r) => r.supervisor === 'setsid').map((r) => r.host).join(', ')}: the supervisors were started with setsid and will not come back after a reboot; after one, run bluegreen hosts setup --env ${handle.env.name} again (it starts them and moves no traffic)`);
  }
  return results;
}

/**
 * Keeps the app's supervisor running. Under systemd: the unit, enabled (back after a reboot).
 * Elsewhere: `setsid`, so it survives the SSH session and still handles SIGHUP (never `nohup`).
 * A supervisor that already runs is left alone: replacing it would restart the app.
 */
async function startSupervisor(host: string, t: Transport, sudo: boolean, app: string, systemd: boolean, mustRun: MustRun): Promise<string | undefined> {
  if (!systemd) {
    await mustRun(host, runHostCommand(t, startSupervisorCommand(app, sudo)));
    return undefined;
  }
  const unit = supervisorUnitName(app);
  const result = await runHostCommand(t, enableSupervisorCommand(app, sudo));
  if (result.code !== 0) throw new StageError(`${host}: could not enable ${unit}: ${(result.stderr || result.stdout).trim()}`);
  if (result.stdout.includes('outside')) {
    return `${app}'s supervisor runs outside systemd (started before); the unit is enabled and takes over at the next reboot, or now with: sudo pkill -f 'bluegreen-supervise ${app}$' && sudo systemctl start bluegreen-supervise@${app} (restarts the app: do it while its color is idle)`;
  }
  return undefined;
}

async function setupRouters(handle: EnvironmentHandle, actor: string, record: Buffer, progress: (line: string) => void, provide: Provide): Promise<HostSetupReport['routers']> {
  const mustRun = mustRunIn(handle);
  const results = await onRouters(handle.routers, async (router) => {
    const t = router.transport;
    let hasNjs = (await runHostCommand(t, detectNjsCommand())).code === 0;
    // Read before any install: a dry run's reads stop at a host's first planned change.
    const existing = await runHostCommand(t, readExistingStateCommand(router));
    await requireTlsFiles(router);
    const sitesBefore = await readSitesBefore(router);
    if (sitesBefore.unreadable) progress(`${router.name}: warning: its own sites could not be read (${sitesBefore.unreadable}); they are not asked before and after this setup`);
    else if (sitesBefore.probes.length) progress(`${router.name}: ${sitesBefore.probes.length} listener(s) of its own sites answer now; asked again after the change`);
    let need: PackageNeed | undefined;
    if (!hasNjs) {
      [need] = await provide(router.name, t, [{ package: NJS_PACKAGE, kind: 'njs', for: 'reads the plan per request, with no limit on segments' }]);
      // Installed: the module is looked for again (the file nginx loads decides the mode).
      if (need.status === 'installed') hasNjs = (await runHostCommand(t, detectNjsCommand())).code === 0;
    }
    const mode: RoutingMode = hasNjs ? 'njs' : 'files';
    progress(`${router.name}: ${hasNjs
      ? 'njs found: routing reads the state document per request'
      : `no njs module (${NJS_MODULE_PATH}): routing tests plan files per request (files mode; at most ${MAX_FILES_MODE_SEGMENTS} segments)`}`);
    let state: RouterState;
    let keptState = false;
    try {
      state = parseState(existing.stdout);
      keptState = true;
    } catch {
      // A fresh router sends no user anywhere until the first release (bluegreen bootstrap).
      state = initialState(handle.config.traffic, { blue: {}, green: {} }, actor, 'hosts setup', new Date(), unreleasedPlan());
    }
    const files = renderRouterFiles({
      apps: handle.config.apps, traffic: handle.config.traffic, topology: handle.topology, mode, paths: router.paths, listenPort: handle.routerPort, site: handle.site,
    }, state);
    const unchanged = await installRouterFiles(router, files, mode, keptState, mustRun, handle.plan ? undefined : sitesBefore);
    // The stages write the router's own files as the ssh user (group bluegreen), with no sudo.
    await mustRun(router.name, runHostCommand(t, routerFilesForGroupCommand(router)));
    progress(`${router.name}: ${unchanged ? 'config unchanged: nginx not reloaded' : 'config checked with nginx -t and applied'}`);
    await mustRun(router.name, runHostCommand(t, makeToolingDirCommand(router.sudo)));
    await writeHostFile(t, toolingRecordFile(record, router.sudo));
    return { router: router.name, mode, keptState, unchanged };
  });
  const failed = results.filter((r) => !r.ok);
  if (failed.length) {
    // One cause on every failed router (no admin login, a site that would break, …): its own hint.
    const hints = [...new Set(failed.map((f) => (f.ok ? undefined : (f.error as { hint?: string }).hint)))];
    throw new StageError(`router setup failed on ${failed.map((f) => `${f.host}: ${f.ok ? '' : f.error.message.replace(new RegExp(`^${f.host}: `), '')}`).join('; ')}`,
      hints.length === 1 && hints[0] ? hints[0] : 'each failed router kept its previous nginx config; fix the cause and run hosts setup again');
  }
  return results.map((r) => (r.ok ? r.value : { router: r.host, mode: 'njs' as RoutingMode, keptState: false, unchanged: false }));
}

/**
 * Puts the files in place, checks them with `nginx -t`, reloads; on failure puts the old ones
 * back. Returns true when the router already carried exactly these files (nothing written, no
 * reload: a second `hosts setup` moves nothing).
 */
async function installRouterFiles(router: RouterHandle, files: ReturnType<typeof renderRouterFiles>, mode: RoutingMode, stateKept: boolean, mustRun: MustRun, sitesBefore?: SitesBefore): Promise<boolean> {
  const t = router.transport;
  // Files mode: the plan's files before anything nginx loads reads them (left alone when current).
  if (mode === 'files' && files.planFiles) {
    await mustRun(router.name, runHostCommand(t, putPlanFilesCommand(router, files.planFiles)));
  }
  // In managedFilesChecksumCommand's order: base config, routing script, plan lookup, site snippet.
  const wanted = [files.baseConfig, files.routingScript, mode === 'files' ? files.planLookup : undefined, files.siteSnippet];
  const present = await runHostCommand(t, managedFilesChecksumCommand(router));
  const sums = present.stdout.trim().split('\n');
  const same = present.code === 0 && wanted.every((text, i) => sums[i] === (text === undefined ? 'absent' : createHash('sha256').update(text).digest('hex')));
  const answering = (await runHostCommand(t, listenerCheckCommand(router.listenPort))).code === 0;
  if (same && answering && stateKept) return true;
  const sequence = routerSetupSequence(router, files, mode);
  await mustRun(router.name, runHostCommand(t, sequence.backup));
  // The puts throw when they fail; in njs mode the last step removes a stale plan lookup (it
  // would make readers think the router is in files mode), whose exit status does not matter.
  for (const step of sequence.install) await runStep(t, step);
  const test = await runHostCommand(t, sequence.apply);
  if (test.code !== 0) {
    await runHostCommand(t, sequence.restore);
    throw new Error(`nginx refused the config (previous files put back):\n${test.stdout.trim().split('\n').slice(-6).join('\n')}`);
  }
  // nginx took it; the router's own sites, and the routing on the users' listener, decide whether it stays.
  const after = sitesBefore && await checkAfterApply(router, sitesBefore, test.stdout);
  if (after && !after.keepFiles) {
    await runHostCommand(t, sequence.restore);
    await runHostCommand(t, sequence.apply);
  } else {
    await runHostCommand(t, sequence.cleanup);
  }
  if (after) throw new StageError(after.problem, after.hint);
  return false;
}

type Wanted = Pick<PackageNeed, 'package' | 'kind' | 'for'>;
type Provide = (host: string, t: Transport, wanted: Wanted[]) => Promise<PackageNeed[]>;

/** The stock runtimes the host's apps declare, looked for on the PATH; the missing ones provided. */
async function provideRuntimes(host: string, t: Transport, apps: AppSpec[], provide: Provide): Promise<void> {
  const byRuntime = new Map<StockRuntime, string[]>();
  // `runtime: {image}` and apps without one (their own Dockerfile) declare nothing a host could check.
  for (const app of apps) if (app.runtime?.kind === 'stock') byRuntime.set(app.runtime.name, [...byRuntime.get(app.runtime.name) ?? [], app.name]);
  if (!byRuntime.size) return;
  const runtimes = [...byRuntime.keys()];
  const found = await runHostCommand(t, missingProgramsCommand(runtimes.map((r) => RUNTIME_PACKAGES[r].program)));
  // No answer: the host's setup fails at its next command, which says why.
  if (found.code !== 0) return;
  const missing = new Set(found.stdout.split('\n').map((l) => l.trim()).filter(Boolean));
  const wanted = runtimes.filter((r) => missing.has(RUNTIME_PACKAGES[r].program))
    .map((r) => ({ package: RUNTIME_PACKAGES[r].package, kind: 'runtime' as const, for: byRuntime.get(r)!.join(', ') }));
  if (wanted.length) await provide(host, t, wanted);
}

/**
 * What becomes of the packages a host lacks: named (no `--install`), installed by apt-get, or —
 * on a host without apt-get — left to the operator. An install that fails is reported (apt's
 * last lines), never thrown: the rest of setup goes on.
 */
async function providePackages(host: string, t: Transport, sudo: boolean, wanted: Wanted[], install: boolean, progress: (line: string) => void): Promise<PackageNeed[]> {
  const names = wanted.map((w) => w.package).join(', ');
  const hasApt = (await runHostCommand(t, aptGetCheckCommand()).catch(() => undefined))?.code === 0;
  if (!hasApt) {
    progress(`${host}: lacks ${names}, and has no apt-get: install ${wanted.length > 1 ? 'them' : 'it'} (or ${wanted.length > 1 ? 'their' : 'its'} equivalent) with the host's package manager`);
    return wanted.map((w) => ({ host, ...w, status: 'manual' }));
  }
  if (!install) {
    progress(`${host}: lacks ${wanted.map((w) => `${w.package} (${w.for})`).join(', ')}: hosts setup --install installs ${wanted.length > 1 ? 'them' : 'it'} with apt-get`);
    return wanted.map((w) => ({ host, ...w, status: 'missing' }));
  }
  progress(`${host}: installing ${names} with apt-get`);
  const result = await runHostCommand(t, aptInstallCommand(wanted.map((w) => w.package), sudo))
    .catch((e: Error) => ({ code: -1, stdout: '', stderr: e.message }));
  if (result.code === 0) {
    progress(`${host}: installed ${names}`);
    return wanted.map((w) => ({ host, ...w, status: 'installed' }));
  }
  const output = `${result.stdout}\n${result.stderr}`;
  const refused = sudoRefusal(output);
  const detail = refused ? `the login may not run apt-get as root (${refused})` : aptReason(output) || `apt-get exited ${result.code}`;
  progress(`${host}: could not install ${names}: ${detail}`);
  return wanted.map((w) => ({ host, ...w, status: 'failed', detail }));
}

/**
 * Why apt failed, from its output's last lines: its own error and warning lines when it printed
 * some (an unreachable mirror is only a warning of `apt-get update`, before the install's "Unable
 * to locate package"), else the last lines.
 */
export function aptReason(output: string): string {
  const lines = output.split('\n').map((l) => l.trim()).filter(Boolean);
  const said = lines.filter((l) => /^(E|W|Err):/.test(l));
  return (said.length ? said : lines).slice(-3).join(' / ');
}

/** The command that installs what setup found missing, as the operator ran setup. */
function setupCommandLine(env: string, options: SetupOptions): string {
  return `bluegreen hosts setup --env ${env}${options.sshUser ? ` --ssh-user ${options.sshUser}` : ''} --install`;
}

/** A host without an app's runtime cannot start the app: each is a warning, with what installs it. */
function runtimeNotes(packages: PackageNeed[], installLine: string): string[] {
  return packages.filter((p) => p.kind === 'runtime' && p.status !== 'installed').map((p) => {
    const lacking = `${p.host}: ${p.for} ${p.for.includes(',') ? 'run' : 'runs'} on ${p.package}, which is not installed: deploys of ${p.for} to ${p.host} will fail until it is`;
    if (p.status === 'missing') return `${lacking}; install it with ${installLine} (or on the host: ${aptInstallByHand([p.package])})`;
    if (p.status === 'failed') return `${lacking}; apt-get could not install it (${p.detail}); fix that and run ${installLine} again, or install it by hand: ${aptInstallByHand([p.package])}`;
    return `${lacking}; the host has no apt-get: install ${p.package} or its equivalent with the host's package manager`;
  });
}

/**
 * The packages as the operator reads them, one line per outcome, hosts grouped by package:
 * "would install with --install: lb1, lb2: libnginx-mod-http-js (reads the plan per request, with no limit on segments); web1: nodejs (web)".
 */
export function describePackages(packages: PackageNeed[]): string[] {
  const heads: Record<PackageStatus, string> = {
    missing: 'would install with --install',
    installed: 'installed',
    failed: 'could not install',
    manual: 'no apt-get, the operator installs',
  };
  const lines: string[] = [];
  for (const status of ['missing', 'installed', 'failed', 'manual'] as const) {
    const groups = new Map<string, { hosts: string[]; what: string }>();
    // Routers first, as a run's report lists them.
    for (const p of packages.filter((x) => x.status === status).sort((x, y) => Number(x.kind === 'runtime') - Number(y.kind === 'runtime'))) {
      const what = `${p.package} (${p.for}${p.detail ? `: ${p.detail}` : ''})`;
      const group = groups.get(what) ?? { hosts: [], what };
      group.hosts.push(p.host);
      groups.set(what, group);
    }
    if (groups.size) lines.push(`${heads[status]}: ${[...groups.values()].map((g) => `${g.hosts.join(', ')}: ${g.what}`).join('; ')}`);
  }
  return lines;
}

type MustRun = (host: string, running: Promise<{ code: number; stdout: string; stderr: string }>) => Promise<void>;

/** Runs a setup command that must succeed; sudo's refusal says that setup needs an administrator. */
function mustRunIn(handle: EnvironmentHandle): MustRun {
  return async (host, running) => {
    const result = await running;
    if (result.code === 0) return;
    const refused = sudoRefusal(`${result.stderr}\n${result.stdout}`);
    if (refused) {
      const user = handle.env.kind === 'ssh' && handle.env.ssh.user ? `the ssh user ${handle.env.ssh.user}` : 'the ssh user';
      throw new StageError(`${host}: ${user} may not run hosts setup's commands as root (${refused})`, setupAdminHint(handle.env.name));
    }
    throw new StageError(`${host}: ${(result.stderr || result.stdout).trim().split('\n').slice(-4).join(' / ')}`);
  };
}
