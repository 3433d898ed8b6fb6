// Connects to a Docker engine and proves it answers. The CLI and the editor call
// `requireEngine` first so a missing engine is one clear message, not a socket error later.
import type Docker from 'dockerode';
import { PrerequisiteError } from '../errors';

/**
 * dockerode (with ssh2 and grpc-js: most of the CLI's code) is evaluated at the first connection,
 * not when this module loads: a stage over SSH never needs it (docs/benchmarks.md, CLI start).
 */
function dockerode(): typeof Docker {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('dockerode') as typeof Docker;
}

/**
 * Opens a client for `dockerHost` (DOCKER_HOST style: `unix:///path`, `tcp://host:port`,
 * `ssh://…`) or, when empty, for DOCKER_HOST / the default socket as docker-modem resolves them.
 */
export function connectDocker(dockerHost = ''): Docker {
  const Docker = dockerode();
  if (!dockerHost) return new Docker();
  const url = new URL(dockerHost);
  if (url.protocol === 'unix:') return new Docker({ socketPath: url.pathname });
  if (url.protocol === 'npipe:') return new Docker({ socketPath: dockerHost.replace(/^npipe:/, '') });
  const protocol = url.protocol === 'https:' ? 'https' : url.protocol === 'ssh:' ? 'ssh' : 'http';
  return new Docker({
    protocol,
    host: url.hostname,
    port: url.port ? Number(url.port) : protocol === 'ssh' ? 22 : 2375,
    ...(url.username ? { username: url.username } : {}),
  });
}

/** Connects and pings; throws a PrerequisiteError (exit 2) that says how to start an engine. */
export async function requireEngine(dockerHost = '', timeoutMs = 5000): Promise<Docker> {
  const docker = connectDocker(dockerHost);
  const where = dockerHost || process.env.DOCKER_HOST || 'the default socket (/var/run/docker.sock)';
  try {
    await withTimeout(docker.ping(), timeoutMs, `no answer within ${timeoutMs} ms`);
  } catch (error) {
    throw new PrerequisiteError(
      `No Docker engine answers at ${where}: ${(error as Error).message}`,
      'Start one with `sudo dockerd > /tmp/dockerd.log 2>&1 &` or `sudo systemctl start docker`, ' +
        'or point DOCKER_HOST (or the environment\'s docker.host in bluegreen.yaml) at a running engine.',
    );
  }
  return docker;
}

function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
