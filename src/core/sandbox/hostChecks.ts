// The per-role health checks and host reads shared by `up` and `status`: the db answers
// pg_isready, an app answers its health path on its published port, a router passes `nginx -t`
// and serves a request. Versions are read from the hosts themselves.
import type Docker from 'dockerode';
import { AppSpec, BluegreenConfig } from '../model';
import { execIn } from '../docker/containers';
import { currentReleaseCommand } from '../hostCommands/appHostCommands';
import { DB_NAME, DB_USER, ROUTER_PORT, SandboxHost } from './naming';
import { Probe, execProbe, httpProbe } from './health';

export function dbProbe(container: Docker.Container): Probe {
  return execProbe(container, ['pg_isready', '-q', '-h', '127.0.0.1', '-U', DB_USER, '-d', DB_NAME]);
}

export function appProbe(app: AppSpec, ports: Record<number, number>): Probe {
  const port = ports[app.port];
  if (!port) return async () => `port ${app.port} is not published`;
  return httpProbe(`http://127.0.0.1:${port}${app.health}`);
}

/**
 * `nginx -t`, then a request through the router's published port: the health path of an app the
 * router sends it to (the one with the longest route prefixing it), which proves the routing
 * works end to end; `/` answering below 500 when no health path is routable.
 */
export function routerProbe(config: BluegreenConfig, container: Docker.Container, ports: Record<number, number>): Probe {
  const nginxTest = execProbe(container, ['nginx', '-t', '-q']);
  const port = ports[ROUTER_PORT];
  return async () => {
    const failed = await nginxTest();
    if (failed) return failed;
    if (!port) return `port ${ROUTER_PORT} is not published`;
    const target = routedHealthPath(config);
    return target
      ? httpProbe(`http://127.0.0.1:${port}${target}`)()
      : httpProbe(`http://127.0.0.1:${port}/`, (s) => s > 0 && s < 500)();
  };
}

function routedHealthPath(config: BluegreenConfig): string | undefined {
  const byRoute = [...config.apps].sort((a, b) => b.route.length - a.route.length);
  for (const app of config.apps) {
    const owner = byRoute.find((a) => app.health.startsWith(a.route));
    if (owner === app) return app.health;
  }
  return undefined;
}

export function probeFor(config: BluegreenConfig, host: SandboxHost, container: Docker.Container, ports: Record<number, number>): Probe {
  if (host.role === 'db') return dbProbe(container);
  if (host.role === 'router') return routerProbe(config, container, ports);
  return appProbe(config.apps.find((a) => a.name === host.app) as AppSpec, ports);
}

/** What probeFor waits for, for a person: `GET http://127.0.0.1:41234/health answering 2xx`. */
export function describeProbe(config: BluegreenConfig, host: SandboxHost, ports: Record<number, number>): string {
  if (host.role === 'db') return 'pg_isready (PostgreSQL accepting connections)';
  if (host.role === 'router') {
    const target = routedHealthPath(config);
    return `nginx -t, then GET http://127.0.0.1:${ports[ROUTER_PORT] ?? '?'}${target ?? '/'} through it answering ${target ? '2xx' : 'below 500'}`;
  }
  const app = config.apps.find((a) => a.name === host.app) as AppSpec;
  return `GET http://127.0.0.1:${ports[app.port] ?? '?'}${app.health} answering 2xx`;
}

/** The version an app host runs: the release its `current` link names; undefined when none. */
export async function readVersion(container: Docker.Container, app: string): Promise<string | undefined> {
  const command = currentReleaseCommand(app);
  const result = await execIn(container, ['sh', '-c', command.script], { timeoutMs: command.timeoutMs });
  const version = result.stdout.trim();
  return result.exitCode === 0 && version && version !== '.' ? version : undefined;
}
