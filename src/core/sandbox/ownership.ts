// Whose a sandbox is, like a compose project name: every container, network and volume carries
// the absolute path of the config file that made it. Two projects that both call their sandbox
// `sandbox` then never share or remove each other's objects: `up` refuses naming the owner, `down`
// leaves them alone, `status` says whose each container is.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type Docker from 'dockerode';
import { BluegreenConfig, DockerEnvironment } from '../model';
import { RefusedError } from '../errors';
import { connectDocker } from '../docker/connect';
import { containerName, listContainersByLabel } from '../docker/resources';
import { LABEL_PROJECT, LABEL_SANDBOX, dbVolumeName, networkName } from './naming';

/** The project a config belongs to: its file's absolute path. */
export function projectOf(config: BluegreenConfig): string {
  return path.resolve(config.file);
}

/**
 * How an object relates to `project`: ours; another living project's (its config file still
 * exists); or unowned — made before sandboxes had owners, or by a project whose config file is
 * gone — which `up` takes over.
 */
export type Owner = { kind: 'ours' } | { kind: 'foreign'; project: string } | { kind: 'unowned'; project?: string };

export function ownerOf(labels: Record<string, string> | undefined, project: string): Owner {
  const owner = labels?.[LABEL_PROJECT];
  if (owner === project) return { kind: 'ours' };
  if (owner && fs.existsSync(owner)) return { kind: 'foreign', project: owner };
  return { kind: 'unowned', project: owner };
}

export interface ForeignObjects {
  project: string;
  objects: string[];
}

/** Containers, network and volume of sandbox `env` that another living project owns. */
export async function foreignObjects(docker: Docker, sandbox: DockerEnvironment, project: string): Promise<ForeignObjects[]> {
  const found: Array<{ name: string; labels?: Record<string, string> }> = [];
  const containers = (await listContainersByLabel(docker, { [LABEL_SANDBOX]: sandbox.name })).sort((a, b) => containerName(a).localeCompare(containerName(b)));
  for (const info of containers) found.push({ name: containerName(info), labels: info.Labels });
  const network = (await docker.listNetworks({ filters: { name: [networkName(sandbox.name)] } })).find((n) => n.Name === networkName(sandbox.name));
  if (network) found.push({ name: `network ${network.Name}`, labels: network.Labels });
  const volume = await docker.getVolume(dbVolumeName(sandbox.name)).inspect().catch(() => undefined);
  if (volume) found.push({ name: `volume ${volume.Name}`, labels: volume.Labels ?? undefined });
  const byProject = new Map<string, string[]>();
  for (const { name, labels } of found) {
    const owner = ownerOf(labels, project);
    if (owner.kind === 'foreign') byProject.set(owner.project, [...(byProject.get(owner.project) ?? []), name]);
  }
  return [...byProject].map(([owner, objects]) => ({ project: owner, objects }));
}

/** `up`'s first check: refuses, before anything is built or removed, when another project owns the name. */
export async function refuseForeign(docker: Docker, config: BluegreenConfig, sandbox: DockerEnvironment): Promise<void> {
  const foreign = await foreignObjects(docker, sandbox, projectOf(config));
  if (!foreign.length) return;
  const [first] = foreign;
  throw new RefusedError(
    `the sandbox "${sandbox.name}" on this Docker engine belongs to another project, ${first.project} (${first.objects.join(', ')}); nothing was changed`,
    `bring it down there (\`bluegreen sandbox down --config ${first.project} --env ${sandbox.name}\`), or give this project's sandbox its own name in ${config.file} (environments: { my-sandbox: { docker: {} } }) and use --env my-sandbox`,
  );
}

/**
 * Stages check it too: a project's stages never act on another project's sandbox that happens to
 * carry the same name (the containers are found by name).
 */
export async function refuseForeignSandbox(config: BluegreenConfig, env: { kind?: string }): Promise<void> {
  if (env.kind !== 'docker') return;
  const sandbox = env as DockerEnvironment;
  await refuseForeign(connectDocker(sandbox.dockerHost), config, sandbox);
}
