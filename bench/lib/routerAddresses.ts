// Where the bench's clients reach the sandbox routers. A published port (127.0.0.1:N) goes
// through Docker's userland proxy, one extra process copying every byte: at 1,000 req/s with a
// fresh connection per request it took p99 from 90 ms to 1.3 s on this 2-core machine and
// starved the routers and apps of CPU. Clients of real routers connect to them directly, so the
// bench does too — at the containers' own addresses, which a Linux host reaches on the bridge.
// Where those are not reachable (Docker Desktop), it falls back to the published ports.
import http from 'node:http';
import { connectDocker } from '../../src/core/docker/connect';
import { dockerEnvironment } from '../../src/core/sandbox/naming';
import { EnvironmentHandle } from '../../src/core/environment/openEnvironment';
import { routerUrls } from '../../src/core/environment/routerUrls';

export interface BenchTargets {
  urls: string[];
  via: 'container addresses' | 'published ports';
}

export async function benchTargets(handle: EnvironmentHandle): Promise<BenchTargets> {
  const published = { urls: await routerUrls(handle), via: 'published ports' as const };
  if (handle.env.kind !== 'docker') return published;
  const docker = connectDocker(dockerEnvironment(handle.config, handle.env).dockerHost);
  const urls: string[] = [];
  for (const router of handle.topology.routers) {
    const info = await docker.getContainer(router).inspect().catch(() => undefined);
    const address = Object.values(info?.NetworkSettings.Networks ?? {}).map((n) => n.IPAddress).find(Boolean);
    if (!address) return published;
    urls.push(`http://${address}:80`);
  }
  const reachable = await Promise.all(urls.map(answers));
  return reachable.every(Boolean) ? { urls, via: 'container addresses' } : published;
}

/** Any HTTP answer within a second counts: only reachability is asked. */
function answers(url: string): Promise<boolean> {
  return new Promise((resolve) => {
    const request = http.get(`${url}/health`, { timeout: 1000, agent: false }, (response) => {
      response.resume();
      resolve(true);
    });
    request.on('timeout', () => request.destroy());
    request.on('error', () => resolve(false));
  });
}
