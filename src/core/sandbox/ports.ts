// Host ports the sandbox publishes on 127.0.0.1: a taken port is reported with its holder
// before the engine fails with a bare "port is already allocated".
import type Docker from 'dockerode';
import { execFile } from 'node:child_process';
import net from 'node:net';
import { InputError } from '../errors';

export function isPortFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen({ port, host: '127.0.0.1', exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/** Who holds `port`: a container (by name) or a process (from `ss`), when that can be told. */
export async function portHolder(docker: Docker, port: number): Promise<string> {
  const containers = await docker.listContainers().catch(() => []);
  for (const c of containers) {
    if (c.Ports.some((p) => p.PublicPort === port)) return `container ${c.Names[0]?.replace(/^\//, '') ?? c.Id.slice(0, 12)}`;
  }
  const ss = await new Promise<string>((resolve) =>
    execFile('ss', ['-ltnpH', `sport = :${port}`], { timeout: 2000 }, (error, stdout) => resolve(error ? '' : stdout)),
  );
  const process = /users:\(\("([^"]+)",pid=(\d+)/.exec(ss);
  return process ? `process ${process[1]} (pid ${process[2]})` : 'an unknown process';
}

/** Throws an InputError naming every requested port that is taken, and by whom. */
export async function requirePortsFree(docker: Docker, ports: number[]): Promise<void> {
  const taken: string[] = [];
  for (const port of ports) {
    if (port > 0 && !(await isPortFree(port))) taken.push(`127.0.0.1:${port} (held by ${await portHolder(docker, port)})`);
  }
  if (taken.length > 0) {
    throw new InputError(
      `The sandbox cannot publish ${taken.join(', ')}`,
      'Stop what holds them, choose another `basePort` in the environment, or set `basePort: 0` to let Docker pick',
    );
  }
}
