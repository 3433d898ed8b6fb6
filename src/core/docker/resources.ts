// Labelled engine objects: networks and volumes created once and found again by name, and
// containers listed by label — state always comes from the engine, never from memory.
import type Docker from 'dockerode';

export async function ensureNetwork(docker: Docker, name: string, labels: Record<string, string>): Promise<boolean> {
  const existing = await docker.listNetworks({ filters: { name: [name] } });
  if (existing.some((n) => n.Name === name)) return false;
  await docker.createNetwork({ Name: name, Driver: 'bridge', Labels: labels, CheckDuplicate: true });
  return true;
}

export async function ensureVolume(docker: Docker, name: string, labels: Record<string, string>): Promise<boolean> {
  try {
    await docker.getVolume(name).inspect();
    return false;
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode !== 404) throw error;
  }
  await docker.createVolume({ Name: name, Labels: labels });
  return true;
}

/** Every container (running or not) carrying all of `labels`. */
export function listContainersByLabel(docker: Docker, labels: Record<string, string>): Promise<Docker.ContainerInfo[]> {
  return docker.listContainers({ all: true, filters: { label: Object.entries(labels).map(([k, v]) => `${k}=${v}`) } });
}

/** The container's name without the engine's leading slash. */
export const containerName = (info: Docker.ContainerInfo) => (info.Names[0] ?? info.Id).replace(/^\//, '');

/** Container port → host port, as published (read back from the engine after start). */
export function publishedPorts(info: Docker.ContainerInspectInfo): Record<number, number> {
  const out: Record<number, number> = {};
  for (const [key, bindings] of Object.entries(info.NetworkSettings.Ports ?? {})) {
    const hostPort = bindings?.[0]?.HostPort;
    if (hostPort) out[Number(key.split('/')[0])] = Number(hostPort);
  }
  return out;
}

export async function removeContainer(docker: Docker, id: string): Promise<void> {
  try {
    await docker.getContainer(id).remove({ force: true, v: false });
  } catch (error) {
    const status = (error as { statusCode?: number }).statusCode;
    // 404: already gone; 409: removal already in progress.
    if (status !== 404 && status !== 409) throw error;
  }
}
