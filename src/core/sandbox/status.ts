// `sandbox status`: what runs, read from the engine (labels, inspect) and from the hosts
// (versions from /opt/<app>/current, health via the published ports) — never from memory.
import type Docker from 'dockerode';
import { BluegreenConfig, Color, DockerEnvironment } from '../model';
import { connectDocker } from '../docker/connect';
import { containerName, listContainersByLabel, publishedPorts } from '../docker/resources';
import { probeFor, readVersion } from './hostChecks';
import { ownerOf, projectOf } from './ownership';
import { HostRole, LABEL_APP, LABEL_COLOR, LABEL_INDEX, LABEL_PROJECT, LABEL_ROLE, LABEL_SANDBOX, dbVolumeName, dockerEnvironment, networkName, sandboxHosts } from './naming';

export interface HostStatus {
  name: string;
  role: HostRole;
  color?: Color;
  app?: string;
  index: number;
  /** Container id; absent when the host is missing. */
  id?: string;
  image?: string;
  /** The engine's state (`running`, `exited`, `created`, …) or `missing`. */
  state: string;
  /** Container port → published port on 127.0.0.1. */
  ports: Record<number, number>;
  /** App hosts: the version the host runs (from `/opt/<app>/current`). */
  version?: string;
  healthy: boolean;
  /** Why it is not healthy. */
  problem?: string;
  /** The config file of the project that made the container (absent: made before owners existed). */
  project?: string;
}

export interface SandboxStatus {
  env: string;
  /** This project: the absolute path of its config file. */
  project: string;
  network: boolean;
  volume: boolean;
  hosts: HostStatus[];
  /** Every host of the topology exists, runs and answers its health check. */
  healthy: boolean;
}

export interface StatusOptions {
  docker?: Docker;
  /** Skip the health probes (faster; `healthy` is then only "running"). */
  skipHealth?: boolean;
}

/** Reads the sandbox's state from the engine and the hosts. A sandbox that is not up reports every host `missing`. */
export async function status(config: BluegreenConfig, envName: string | DockerEnvironment, options: StatusOptions = {}): Promise<SandboxStatus> {
  const sandbox = dockerEnvironment(config, envName);
  const docker = options.docker ?? connectDocker(sandbox.dockerHost);
  const project = projectOf(config);
  const containers = await listContainersByLabel(docker, { [LABEL_SANDBOX]: sandbox.name });
  const planned = sandboxHosts(config, sandbox);
  const byName = new Map(containers.map((c) => [containerName(c), c]));
  const names = [...planned.map((h) => h.name), ...containers.map(containerName).filter((n) => !planned.some((h) => h.name === n))];

  const hosts = await Promise.all(
    names.map(async (name): Promise<HostStatus> => {
      const plan = planned.find((h) => h.name === name);
      const info = byName.get(name);
      const labels = info?.Labels ?? plan?.labels ?? {};
      const base = {
        name,
        role: (labels[LABEL_ROLE] ?? 'app') as HostRole,
        ...(labels[LABEL_COLOR] ? { color: labels[LABEL_COLOR] as Color } : {}),
        ...(labels[LABEL_APP] ? { app: labels[LABEL_APP] } : {}),
        index: Number(labels[LABEL_INDEX] ?? 1),
      };
      if (!info) return { ...base, state: 'missing', ports: {}, healthy: false, problem: 'no container' };
      const container = docker.getContainer(info.Id);
      const inspect = await container.inspect();
      const ports = publishedPorts(inspect);
      const host: HostStatus = { ...base, id: info.Id, image: info.Image, state: inspect.State.Status, ports, healthy: false };
      if (info.Labels[LABEL_PROJECT]) host.project = info.Labels[LABEL_PROJECT];
      const owner = ownerOf(info.Labels, project);
      if (owner.kind === 'foreign') {
        host.problem = `belongs to another project: ${owner.project}`;
        return host;
      }
      if (!plan) host.problem = 'not part of the configured topology';
      if (!inspect.State.Running) {
        host.problem = `not running (exit code ${inspect.State.ExitCode})`;
        return host;
      }
      if (base.app) host.version = await readVersion(container, base.app).catch(() => undefined);
      if (options.skipHealth || !plan) {
        host.healthy = !!plan;
        return host;
      }
      const problem = await probeFor(config, plan, container, ports)().catch((error: Error) => error.message);
      host.healthy = problem === undefined;
      if (problem) host.problem = problem;
      return host;
    }),
  );

  const network = (await docker.listNetworks({ filters: { name: [networkName(sandbox.name)] } })).some((n) => n.Name === networkName(sandbox.name));
  const volume = await docker.getVolume(dbVolumeName(sandbox.name)).inspect().then(() => true, () => false);
  return { env: sandbox.name, project, network, volume, hosts, healthy: network && hosts.every((h) => h.healthy) };
}
