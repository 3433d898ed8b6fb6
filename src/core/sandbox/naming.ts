// The sandbox's naming scheme (the image contract): container names are also the hosts' DNS
// names on the sandbox network, and every object carries labels so state and clean-up come
// from the engine, never from memory.
import { BluegreenConfig, COLORS, Color, DockerEnvironment, Topology } from '../model';
import * as path from 'node:path';
import { InputError } from '../errors';

export const LABEL_SANDBOX = 'bluegreen.sandbox';
export const LABEL_ROLE = 'bluegreen.role';
export const LABEL_COLOR = 'bluegreen.color';
export const LABEL_APP = 'bluegreen.app';
export const LABEL_INDEX = 'bluegreen.index';
/** The absolute path of the config file whose project made the object (ownership.ts). */
export const LABEL_PROJECT = 'bluegreen.project';
/** Hash of everything a container was created from; a leftover is adopted only when it matches. */
export const LABEL_SPEC = 'bluegreen.spec';

export type HostRole = 'router' | 'app' | 'db';

export const networkName = (env: string) => `bg-${env}`;
export const dbVolumeName = (env: string) => `bg-${env}-db`;
export const dbContainerName = (env: string) => `bg-${env}-db`;
export const routerContainerName = (env: string, n: number) => `bg-${env}-router-${n}`;
export const appContainerName = (env: string, color: Color, app: string, n: number) => `bg-${env}-${color}-${app}-${n}`;

export const DB_PORT = 5432;
export const ROUTER_PORT = 80;
export const SSH_PORT = 22;
export const DB_USER = 'bluegreen';
/** Sandbox only: the database never leaves the sandbox network. */
export const DB_PASSWORD = 'bluegreen';
export const DB_NAME = 'bluegreen';

/** The sandbox starts PostgreSQL only when the config has a `database:` section (even `database: {}`). */
export const hasSandboxDatabase = (config: Pick<BluegreenConfig, 'database'>): boolean => config.database.declared === true;

export function databaseUrl(env: string): string {
  return `postgres://${DB_USER}:${DB_PASSWORD}@${dbContainerName(env)}:${DB_PORT}/${DB_NAME}`;
}

/** The docker environment called `env` (or the one given), or an InputError naming the choices. */
export function dockerEnvironment(config: BluegreenConfig, env: string | DockerEnvironment): DockerEnvironment {
  if (typeof env !== 'string') return env;
  const found = config.environments[env];
  if (!found) {
    throw new InputError(`No environment "${env}" in ${config.file}`, `Known: ${Object.keys(config.environments).join(', ') || 'none'}`);
  }
  if (found.kind !== 'docker') {
    throw new InputError(`Environment "${env}" is not a Docker sandbox (it is reached over SSH)`, 'Pick an environment with `docker:` in the config');
  }
  return found;
}

/** The sandbox's routers and app hosts under their container names (which are their DNS names). */
export function sandboxTopology(config: BluegreenConfig, env: string | DockerEnvironment): Topology {
  const sandbox = dockerEnvironment(config, env);
  const routers = Array.from({ length: sandbox.routers }, (_, i) => routerContainerName(sandbox.name, i + 1));
  const colors = {} as Record<Color, Record<string, string[]>>;
  const addresses: Record<string, string> = {};
  routers.forEach((r) => (addresses[r] = r));
  for (const color of COLORS) {
    colors[color] = {};
    for (const app of config.apps) {
      const hosts = Array.from({ length: sandbox.hostsPerColor }, (_, i) => appContainerName(sandbox.name, color, app.name, i + 1));
      colors[color][app.name] = hosts;
      hosts.forEach((h) => (addresses[h] = h));
    }
  }
  return { routers, colors, addresses };
}

export interface SandboxHost {
  /** Container name, also the host's DNS name on the sandbox network. */
  name: string;
  role: HostRole;
  color?: Color;
  app?: string;
  /** 1-based index among the hosts of the same role (and color and app). */
  index: number;
  /** Container port → requested host port on 127.0.0.1 (0 = the engine picks). */
  ports: Record<number, number>;
  labels: Record<string, string>;
}

/**
 * Every container of the sandbox in creation order, with the host ports it asks for. With a
 * `basePort`, ports are handed out in this order: each router its 80 (then 22 with ssh), then
 * each app host (blue before green, apps in config order) its app port (then 22). The db
 * publishes nothing: only the containers reach it.
 */
export function sandboxHosts(config: BluegreenConfig, env: string | DockerEnvironment): SandboxHost[] {
  const sandbox = dockerEnvironment(config, env);
  let next = sandbox.basePort;
  const take = () => (sandbox.basePort > 0 ? next++ : 0);
  const portsFor = (main: number) => {
    const ports: Record<number, number> = { [main]: take() };
    if (sandbox.ssh) ports[SSH_PORT] = take();
    return ports;
  };
  const labels = (role: HostRole, index: number, extra: Record<string, string> = {}) => ({
    [LABEL_SANDBOX]: sandbox.name,
    [LABEL_PROJECT]: path.resolve(config.file),
    [LABEL_ROLE]: role,
    [LABEL_INDEX]: String(index),
    ...extra,
  });
  // A database only when the config has one (`database:`): an app without one gets none.
  const hosts: SandboxHost[] = hasSandboxDatabase(config)
    ? [{ name: dbContainerName(sandbox.name), role: 'db', index: 1, ports: {}, labels: labels('db', 1) }]
    : [];
  for (let i = 1; i <= sandbox.routers; i++) {
    hosts.push({ name: routerContainerName(sandbox.name, i), role: 'router', index: i, ports: portsFor(ROUTER_PORT), labels: labels('router', i) });
  }
  for (const color of COLORS) {
    for (const app of config.apps) {
      for (let i = 1; i <= sandbox.hostsPerColor; i++) {
        hosts.push({
          name: appContainerName(sandbox.name, color, app.name, i),
          role: 'app',
          color,
          app: app.name,
          index: i,
          ports: portsFor(app.port),
          labels: labels('app', i, { [LABEL_COLOR]: color, [LABEL_APP]: app.name }),
        });
      }
    }
  }
  return hosts;
}
