// `sandbox logs`: one demultiplexed stdout/stderr pair per container, optionally followed.
import { PassThrough } from 'node:stream';
import { BluegreenConfig, DockerEnvironment } from '../model';
import { requireEngine } from '../docker/connect';
import { containerName, listContainersByLabel } from '../docker/resources';
import { HostRole, LABEL_ROLE, LABEL_SANDBOX, dockerEnvironment } from './naming';

export interface LogsOptions {
  /** Keep streaming new lines until `close()` (or the signal aborts). */
  follow?: boolean;
  /** Only lines since this time (a Date, or Unix seconds). */
  since?: Date | number;
  /** Only the last N lines of each container (default: all). */
  tail?: number;
  /** Only these containers (by name); default every container of the sandbox. */
  only?: string[];
  signal?: AbortSignal;
}

export interface ContainerLogs {
  name: string;
  role: HostRole;
  stdout: PassThrough;
  stderr: PassThrough;
}

export interface SandboxLogs {
  containers: ContainerLogs[];
  /** Stops following; every stream ends. */
  close(): void;
}

/** Opens the log streams of the sandbox's containers (found by label, sorted by name). */
export async function logs(config: BluegreenConfig, envName: string | DockerEnvironment, options: LogsOptions = {}): Promise<SandboxLogs> {
  const sandbox = dockerEnvironment(config, envName);
  const docker = await requireEngine(sandbox.dockerHost);
  const infos = (await listContainersByLabel(docker, { [LABEL_SANDBOX]: sandbox.name }))
    .filter((info) => !options.only || options.only.includes(containerName(info)))
    .sort((a, b) => containerName(a).localeCompare(containerName(b)));
  const sources: NodeJS.ReadableStream[] = [];
  const containers = await Promise.all(
    infos.map(async (info): Promise<ContainerLogs> => {
      const stdout = new PassThrough();
      const stderr = new PassThrough();
      const container = docker.getContainer(info.Id);
      const since = options.since instanceof Date ? Math.floor(options.since.getTime() / 1000) : options.since;
      const common = { stdout: true, stderr: true, ...(since !== undefined ? { since } : {}), ...(options.tail !== undefined ? { tail: options.tail } : {}) };
      if (options.follow) {
        const stream = await container.logs({ ...common, follow: true });
        sources.push(stream);
        container.modem.demuxStream(stream, stdout, stderr);
        const end = () => {
          stdout.end();
          stderr.end();
        };
        stream.on('end', end);
        stream.on('close', end);
        stream.on('error', end);
      } else {
        const raw = (await container.logs({ ...common, follow: false })) as unknown as Buffer;
        const frames = demuxFrames(raw);
        stdout.end(frames.stdout);
        stderr.end(frames.stderr);
      }
      return { name: containerName(info), role: (info.Labels[LABEL_ROLE] ?? 'app') as HostRole, stdout, stderr };
    }),
  );
  const close = () => {
    for (const source of sources) (source as unknown as { destroy?: () => void }).destroy?.();
    for (const c of containers) {
      c.stdout.end();
      c.stderr.end();
    }
  };
  options.signal?.addEventListener('abort', close, { once: true });
  return { containers, close };
}

/** Splits a non-TTY log buffer (8-byte frame headers) into stdout and stderr. */
export function demuxFrames(raw: Buffer): { stdout: Buffer; stderr: Buffer } {
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  let offset = 0;
  while (offset + 8 <= raw.length) {
    const size = raw.readUInt32BE(offset + 4);
    (raw[offset] === 2 ? err : out).push(raw.subarray(offset + 8, offset + 8 + size));
    offset += 8 + size;
  }
  return { stdout: Buffer.concat(out), stderr: Buffer.concat(err) };
}
