// `sandbox down`: removes every container and the network carrying the sandbox's label; the db
// volume (the rehearsal's data) stays unless asked. Nothing up is not an error. Another living
// project's objects of the same name are left alone (ownership.ts).
import { BluegreenConfig, DockerEnvironment } from '../model';
import { requireEngine } from '../docker/connect';
import { containerName, listContainersByLabel, removeContainer } from '../docker/resources';
import { LABEL_SANDBOX, dbVolumeName, dockerEnvironment } from './naming';
import { SandboxRunOptions, report } from './progress';
import { ownerOf, projectOf } from './ownership';

export interface DownOptions extends SandboxRunOptions {
  /** Also remove the db volume `bg-<env>-db` (the sandbox's data). */
  volumes?: boolean;
}

export interface DownResult {
  containers: string[];
  networks: string[];
  volumes: string[];
  /** Objects of another project's sandbox of the same name, left as they were. */
  kept: string[];
}

/** Removes the sandbox `envName`: containers and network by label, the db volume with `volumes`. */
export async function down(config: BluegreenConfig, envName: string | DockerEnvironment, options: DownOptions = {}): Promise<DownResult> {
  const sandbox = dockerEnvironment(config, envName);
  const docker = await requireEngine(sandbox.dockerHost);
  const label = { [LABEL_SANDBOX]: sandbox.name };
  const result: DownResult = { containers: [], networks: [], volumes: [], kept: [] };

  const project = projectOf(config);
  const leaveAlone = (labels: Record<string, string> | undefined, name: string) => {
    const owner = ownerOf(labels, project);
    if (owner.kind !== 'foreign') return false;
    report(options, 'down', `leaving ${name} alone: it belongs to ${owner.project}`);
    result.kept.push(name);
    return true;
  };
  const containers = (await listContainersByLabel(docker, label)).filter((info) => !leaveAlone(info.Labels, containerName(info)));
  await Promise.all(
    containers.map(async (info) => {
      report(options, 'down', `removing ${containerName(info)}`);
      await removeContainer(docker, info.Id);
      result.containers.push(containerName(info));
    }),
  );
  const networks = await docker.listNetworks({ filters: { label: [`${LABEL_SANDBOX}=${sandbox.name}`] } });
  for (const network of networks) {
    if (leaveAlone(network.Labels, `network ${network.Name}`)) continue;
    report(options, 'down', `removing network ${network.Name}`);
    await docker.getNetwork(network.Id).remove().catch(ignoreNotFound);
    result.networks.push(network.Name);
  }
  if (options.volumes) {
    const volumes = await docker.listVolumes({ filters: { label: [`${LABEL_SANDBOX}=${sandbox.name}`] } });
    const names = new Set([...(volumes.Volumes ?? []).map((v) => v.Name), dbVolumeName(sandbox.name)]);
    for (const name of names) {
      const labels = await docker.getVolume(name).inspect().then((v) => v.Labels ?? undefined, () => undefined);
      if (leaveAlone(labels, `volume ${name}`)) continue;
      const removed = await docker.getVolume(name).remove().then(() => true, (error: { statusCode?: number }) => {
        if (error.statusCode === 404) return false;
        throw error;
      });
      if (removed) {
        report(options, 'down', `removing volume ${name}`);
        result.volumes.push(name);
      }
    }
  }
  return result;
}

function ignoreNotFound(error: { statusCode?: number }): void {
  if (error.statusCode !== 404) throw error;
}
