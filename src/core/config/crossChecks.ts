// The rules a schema cannot say: relations between fields. They run on the plain data even
// when the schema found problems (so every error is reported at once), and skip any part whose
// shape is wrong, since the schema check has already reported it.

import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ConfigIssue, PathSegment } from './configPath';
import { hostIdentity } from './hostIdentity';
import { checkSshOptions } from './sshOptions';
import { checkNotify } from '../notify/notifyChecks';

type Data = Record<string, unknown>;

function record(value: unknown): Data | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Data) : undefined;
}

function list(value: unknown): unknown[] | undefined {
  return Array.isArray(value) ? value : undefined;
}

const has = (data: Data, key: string): boolean => Object.prototype.hasOwnProperty.call(data, key);

/** Keys an environment may have only when it is reached over SSH. */
const SSH_ONLY_KEYS = ['hosts', 'routers', 'colors', 'database', 'site'] as const;

export function checkCrossFields(data: unknown, configFile: string): ConfigIssue[] {
  const root = record(data);
  if (!root) return [];
  const issues: ConfigIssue[] = [];
  const appNames = Object.keys(record(root.apps) ?? {});
  checkApps(record(root.apps), path.dirname(configFile), issues);
  const traffic = record(root.traffic);
  checkTraffic(traffic, issues);
  checkRunbook(list(root.release), Object.keys(record(traffic?.segments) ?? {}), appNames, issues);
  issues.push(...checkNotify(root.notify));
  const environments = record(root.environments) ?? {};
  const ports = appPorts(record(root.apps));
  for (const [name, env] of Object.entries(environments)) {
    const environment = record(env);
    if (environment) checkEnvironment(['environments', name], environment, appNames, ports, issues);
  }
  return issues;
}

function checkApps(apps: Data | undefined, baseDir: string, issues: ConfigIssue[]): void {
  if (!apps) return;
  const routeOwner = new Map<string, string>();
  for (const [name, value] of Object.entries(apps)) {
    const app = record(value);
    if (!app) continue;
    if (typeof app.route === 'string') {
      const owner = routeOwner.get(app.route);
      if (owner) issues.push({ path: ['apps', name, 'route'], message: `route "${app.route}" is also the route of app "${owner}"` });
      else routeOwner.set(app.route, name);
    }
    if (app.runtime !== undefined && app.build !== undefined) {
      issues.push({ path: ['apps', name, 'runtime'], message: 'give either runtime (a stock sandbox image) or build (your own Dockerfile), not both' });
    }
    const context = record(app.build)?.context;
    if (typeof context === 'string' && context !== '') {
      const dir = path.resolve(baseDir, context);
      if (!isDirectory(dir)) {
        issues.push({ path: ['apps', name, 'build', 'context'], message: `build context "${context}" is not a folder (looked for ${dir})` });
      }
    }
  }
  if (Object.keys(apps).length > 0 && !routeOwner.has('/')) {
    issues.push({ path: ['apps'], message: 'no app has route "/": one app must answer the requests no other route matches' });
  }
}

function isDirectory(dir: string): boolean {
  try {
    return fs.statSync(dir).isDirectory();
  } catch {
    return false;
  }
}

function checkTraffic(traffic: Data | undefined, issues: ConfigIssue[]): void {
  if (!traffic) return;
  const initial = record(traffic.initial);
  if (initial && Number.isInteger(initial.blue) && Number.isInteger(initial.green)) {
    const blue = initial.blue as number;
    const green = initial.green as number;
    if (blue + green !== 100) {
      issues.push({ path: ['traffic', 'initial'], message: `weights must sum to 100, got blue ${blue} + green ${green} = ${blue + green}` });
    }
  }
  const preview = record(traffic.preview);
  const previewCookie = typeof preview?.cookie === 'string' ? preview.cookie : 'bluegreen_preview';
  const stickyCookie = typeof traffic.stickyCookie === 'string' ? traffic.stickyCookie : 'bluegreen_split';
  if (previewCookie === stickyCookie) {
    const where: PathSegment[] = has(traffic, 'stickyCookie') ? ['traffic', 'stickyCookie'] : ['traffic', 'preview', 'cookie'];
    issues.push({ path: where, message: `the sticky cookie and the preview cookie are both "${stickyCookie}"; they must differ` });
  }
}

function checkRunbook(steps: unknown[] | undefined, segmentNames: string[], appNames: string[], issues: ConfigIssue[]): void {
  steps?.forEach((value, index) => {
    // A per-app deploy step names apps of this file.
    list(record(record(value)?.deploy)?.apps)?.forEach((app, at, apps) => {
      if (typeof app !== 'string') return;
      const where: PathSegment[] = ['release', index, 'deploy', 'apps', at];
      if (!appNames.includes(app)) issues.push({ path: where, message: `unknown app "${app}" (apps: ${appNames.join(', ')})` });
      else if (apps.indexOf(app) < at) issues.push({ path: where, message: `app "${app}" is listed twice` });
    });
    const canary = record(record(value)?.canary);
    if (!canary) return;
    const at: PathSegment[] = ['release', index, 'canary'];
    const hasSegment = has(canary, 'segment');
    const hasPercent = has(canary, 'percent');
    if (hasSegment === hasPercent) {
      issues.push({ path: at, message: 'a canary step needs exactly one of segment or percent' });
    }
    if (typeof canary.segment === 'string' && !segmentNames.includes(canary.segment)) {
      const known = segmentNames.length ? `defined segments: ${segmentNames.join(', ')}` : 'no segments are defined under traffic.segments';
      issues.push({ path: [...at, 'segment'], message: `unknown segment "${canary.segment}" (${known})` });
    }
  });
}

/** Each app's port, where the port is a valid number (the schema reports the others). */
function appPorts(apps: Data | undefined): Map<string, number> {
  const ports = new Map<string, number>();
  for (const [name, app] of Object.entries(apps ?? {})) {
    const port = record(app)?.port;
    if (Number.isInteger(port) && (port as number) >= 1 && (port as number) <= 65535) ports.set(name, port as number);
  }
  return ports;
}

/** The ports that two or more apps have. */
function portsOfMoreThanOneApp(ports: Map<string, number>): Set<number> {
  const seen = new Set<number>();
  const shared = new Set<number>();
  for (const port of ports.values()) (seen.has(port) ? shared : seen).add(port);
  return shared;
}

function checkEnvironment(at: PathSegment[], env: Data, appNames: string[], ports: Map<string, number>, issues: ConfigIssue[]): void {
  const isDocker = has(env, 'docker');
  const isSsh = has(env, 'ssh');
  if (isDocker && isSsh) {
    issues.push({ path: [...at, 'ssh'], message: 'an environment has either docker (the sandbox) or ssh (real hosts), not both' });
    return;
  }
  if (!isDocker && !isSsh) {
    issues.push({ path: at, message: 'an environment needs docker (the local sandbox) or ssh (real hosts)' });
    return;
  }
  if (isDocker) {
    for (const key of SSH_ONLY_KEYS) {
      if (has(env, key)) issues.push({ path: [...at, key], message: `"${key}" is only for ssh environments: the sandbox creates its own`, at: 'key' });
    }
    checkSandboxPorts([...at, 'docker'], record(env.docker) ?? {}, appNames.length, issues);
    checkSandboxHostNames(at, record(env.docker) ?? {}, appNames, issues);
    return;
  }
  checkSshOptions([...at, 'ssh', 'options'], record(env.ssh)?.options, issues);
  checkSshTopology(at, env, appNames, ports, issues);
  const site = record(env.site);
  if (site) checkSite([...at, 'site'], site, issues);
}

/** A site listens somewhere, and not twice on one port. */
function checkSite(at: PathSegment[], site: Data, issues: ConfigIssue[]): void {
  const https = record(site.https);
  if (site.http === false && !https) {
    issues.push({ path: [...at, 'http'], message: 'with http: false the site needs https: users would reach it nowhere' });
  }
  if (typeof site.http === 'number' && typeof https?.port === 'number' && site.http === https.port) {
    issues.push({ path: [...at, 'https', 'port'], message: `https and http both use port ${site.http}: give each its own port` });
  }
}

/**
 * The sandbox names an app host `bg-<env>-<color>-<app>-<n>` (core/sandbox/naming.ts), and that
 * name is its host name and the routers' upstream address: one DNS label, at most 63 characters.
 */
function checkSandboxHostNames(at: PathSegment[], docker: Data, appNames: string[], issues: ConfigIssue[]): void {
  const envName = String(at[at.length - 1]);
  const hostsPerColor = Number.isInteger(docker.hostsPerColor) ? docker.hostsPerColor as number : 1;
  const longestApp = appNames.reduce((a, b) => (b.length > a.length ? b : a), '');
  const longest = `bg-${envName}-green-${longestApp}-${hostsPerColor}`;
  if (longestApp && longest.length > 63) {
    issues.push({
      path: at,
      message: `the sandbox would name a container "${longest}" (${longest.length} characters), longer than the 63 a host name may have: shorten the environment name or the app name "${longestApp}" by ${longest.length - 63}`,
      at: 'key',
    });
  }
}

/** With a basePort, every published port (sandboxHosts' order) must still be a port number. */
function checkSandboxPorts(at: PathSegment[], docker: Data, apps: number, issues: ConfigIssue[]): void {
  const whole = (value: unknown, fallback: number) => (Number.isInteger(value) ? value as number : fallback);
  const basePort = whole(docker.basePort, 0);
  if (basePort <= 0) return;
  const containers = whole(docker.routers, 2) + 2 * apps * whole(docker.hostsPerColor, 1);
  const count = containers * (docker.ssh === true ? 2 : 1);
  const last = basePort + count - 1;
  if (last > 65535) {
    issues.push({ path: [...at, 'basePort'], message: `the sandbox publishes ${count} ports from ${basePort}, up to ${last}, beyond 65535: use a basePort of at most ${65536 - count}, or 0 to let Docker pick` });
  }
}

function checkSshTopology(at: PathSegment[], env: Data, appNames: string[], ports: Map<string, number>, issues: ConfigIssue[]): void {
  const hosts = record(env.hosts);
  // Host names compare as DNS compares them (case, trailing dot): `LB1` and `lb1.` are one host.
  const hostNamed = new Map<string, string>();
  for (const name of Object.keys(hosts ?? {})) {
    const identity = hostIdentity(name);
    const same = hostNamed.get(identity);
    if (same) issues.push({ path: [...at, 'hosts', name], message: `host "${name}" is the same host as "${same}" (host names ignore case and a trailing dot)`, at: 'key' });
    else hostNamed.set(identity, name);
  }
  const hostProblem = (name: string): string | undefined => {
    if (!hosts || has(hosts, name)) return undefined;
    const listed = hostNamed.get(hostIdentity(name));
    return listed ? `host "${name}" is listed under hosts as "${listed}": write it the same way everywhere` : `unknown host "${name}"`;
  };
  // Where a host really is: its address when hosts gives one, else its name. Each host is
  // usually listed for several apps, so each is worked out once.
  const machines = new Map<string, string>();
  const machine = (name: string): string => {
    let where = machines.get(name);
    if (where === undefined) {
      const address = record(hosts?.[hostNamed.get(hostIdentity(name)) ?? name])?.address;
      where = hostIdentity(typeof address === 'string' ? address : name);
      machines.set(name, where);
    }
    return where;
  };
  const same = (a: string, b: string) => (a === b ? '' : hostIdentity(a) === hostIdentity(b) ? ` (as "${b}")` : ` (as "${b}", at the same address)`);

  const seenRouters = new Map<string, string>();
  list(env.routers)?.forEach((router, index) => {
    if (typeof router !== 'string') return;
    const identity = hostIdentity(router);
    const earlier = seenRouters.get(identity);
    const problem = hostProblem(router);
    if (earlier !== undefined) issues.push({ path: [...at, 'routers', index], message: `router "${router}" is listed twice${same(router, earlier)}` });
    else if (problem) issues.push({ path: [...at, 'routers', index], message: problem });
    seenRouters.set(identity, router);
  });

  const colors = record(env.colors);
  if (!colors) return;
  const sharedPorts = portsOfMoreThanOneApp(ports);
  const colorOfHost = new Map<string, { color: string; host: string }>();
  for (const color of ['blue', 'green']) {
    const byApp = record(colors[color]);
    if (!byApp) continue;
    const colorPath = [...at, 'colors', color];
    const missing = appNames.filter((app) => !has(byApp, app));
    if (missing.length) {
      issues.push({ path: colorPath, message: `missing app${missing.length > 1 ? 's' : ''} ${missing.map((a) => `"${a}"`).join(', ')}: every app needs hosts in both colors` });
    }
    const hostsOfThisColor = new Map<string, string>();
    const portsInUse = new Map<string, string>();
    for (const [app, hostList] of Object.entries(byApp)) {
      if (!appNames.includes(app)) {
        issues.push({ path: [...colorPath, app], message: `unknown app "${app}" (apps: ${appNames.join(', ')})`, at: 'key' });
      }
      const seenInList = new Map<string, string>();
      list(hostList)?.forEach((host, index) => {
        if (typeof host !== 'string') return;
        const hostPath = (): PathSegment[] => [...colorPath, app, index]; // made only for an issue
        const where = machine(host);
        const other = colorOfHost.get(where);
        const twice = seenInList.get(where);
        const problem = hostProblem(host);
        if (twice !== undefined) issues.push({ path: hostPath(), message: `host "${host}" is listed twice for app "${app}"${same(host, twice)}` });
        else if (other && other.color !== color) issues.push({ path: hostPath(), message: `host "${host}" is also in ${other.color}${same(host, other.host)}: a host belongs to one color` });
        else if (problem) issues.push({ path: hostPath(), message: problem });
        seenInList.set(where, host);
        if (!hostsOfThisColor.has(where)) hostsOfThisColor.set(where, host);
        // Two apps on one host cannot listen on one port: the second deploy would fail to start.
        // Only apps whose port another app also has can clash.
        const port = ports.get(app);
        const listener = port === undefined || !sharedPorts.has(port) ? undefined : `${where}:${port}`;
        const clash = listener === undefined ? undefined : portsInUse.get(listener);
        if (clash && clash !== app && twice === undefined) {
          issues.push({ path: hostPath(), message: `host "${host}" runs apps "${clash}" and "${app}", both on port ${port}: apps sharing a host need different ports` });
        } else if (listener !== undefined) portsInUse.set(listener, app);
      });
    }
    for (const [where, host] of hostsOfThisColor) if (!colorOfHost.has(where)) colorOfHost.set(where, { color, host });
  }
}
