// Where the bench reaches the sandbox routers. The load generators run in a container on the
// sandbox's network and name the routers by their container names there (loadContainer.ts), so
// no process on this machine sends load to a container's private-range address. Not through the
// ports published on 127.0.0.1 either: those go through Docker's userland proxy, one extra process
// copying every byte, which at 1,000 req/s with a fresh connection per request took p99 from
// 90 ms to 1.3 s on this 2-core machine and starved the routers and apps of CPU
// (docs/benchmarks.md, "The load"). Only the switch-latency probe — a few requests in turn, from
// this process, timed against the stage calls made here — goes through the published ports.
import { ROUTER_PORT, dockerEnvironment, networkName } from '../../src/core/sandbox/naming';
import { EnvironmentHandle } from '../../src/core/environment/openEnvironment';
import { routerUrls } from '../../src/core/environment/routerUrls';
import { loadContainerSpec, type LoadContainerSpec } from './loadContainer';

export interface BenchTargets {
  /** Where the load goes: the routers by container name, from the load container. */
  urls: string[];
  via: 'container on the sandbox network';
  container: LoadContainerSpec;
  /** Where this process's switch-latency probe reaches the routers. */
  probe: { urls: string[]; via: 'published ports' };
}

export async function benchTargets(handle: EnvironmentHandle): Promise<BenchTargets> {
  if (handle.env.kind !== 'docker') throw new Error(`the release bench runs in a Docker sandbox; "${handle.env.name}" is reached over SSH`);
  const sandbox = dockerEnvironment(handle.config, handle.env);
  return {
    urls: handle.topology.routers.map((router) => `http://${router}:${ROUTER_PORT}`),
    via: 'container on the sandbox network',
    container: loadContainerSpec(sandbox.name, networkName(sandbox.name), sandbox.dockerHost),
    probe: { urls: await routerUrls(handle), via: 'published ports' },
  };
}
