// Where the bench's load generators run, and how the bench talks to them. In the sandbox they run
// in one container on the sandbox's own network (`bg-<env>`), so no process on this machine sends
// traffic to a container's private-range address: they reach the routers by their container
// names, as the routers reach the app hosts. Nothing is downloaded: the container is the sandbox's
// offline base image with this machine's node binary and this repository bind-mounted read-only.
// On loopback (bench/routing.ts) they run as processes here, as before. Either way a generator
// is a process the bench talks to in lines: JSON commands on its stdin, JSON results on stdout.
import type Docker from 'dockerode';
import { spawn } from 'node:child_process';
import path from 'node:path';
import readline from 'node:readline';
import { PassThrough, type Duplex, type Readable } from 'node:stream';
import { connectDocker } from '../../src/core/docker/connect';
import { removeContainer } from '../../src/core/docker/resources';
import { BASE_IMAGE } from '../../src/core/sandbox/images';

const REPO = path.resolve(__dirname, '../..');
const NODE_IN_CONTAINER = '/usr/local/bin/node';
/** Labels of the load container: not the sandbox's own (`bluegreen.sandbox`), so `up` and `status` never count it as a host. */
const LABEL_BENCH = 'bluegreen.bench';
/** The weight of one process at nice 0: two generators had twice that as host processes. */
const HOST_PROCESS_CPU_SHARES = 1024;
const LABEL_BENCH_SANDBOX = 'bluegreen.bench.sandbox';

export interface LoadContainerSpec {
  /** The sandbox's engine (DOCKER_HOST style; empty: the default). Bind mounts need it on this machine. */
  dockerHost: string;
  sandbox: string;
  network: string;
  name: string;
  image: string;
}

/** A generator process: lines in on its stdin, lines out of its stdout; its stderr goes to ours. */
export interface ChildLink {
  write(line: string): void;
  onLine(handler: (line: string) => void): void;
  /** Resolves with the exit code (null when it could not be read) once the process is gone. */
  exited: Promise<number | null>;
  /** Ends it now (on failure): the process is killed. */
  kill(): void;
}

export function loadContainerSpec(sandbox: string, network: string, dockerHost: string): LoadContainerSpec {
  return { dockerHost, sandbox, network, name: `${network}-bench-load`, image: BASE_IMAGE };
}

/** `file` (a .ts through tsx, a .mjs as it is) with `args`, as a process on this machine. */
export function hostChild(file: string, args: string[], name: string): ChildLink {
  const child = spawn(process.execPath, [...nodeArgs(file), file, ...args], { cwd: REPO, stdio: ['pipe', 'pipe', 'pipe'] });
  child.stdin.on('error', () => undefined); // it exited first: `exited` says so
  forwardStderr(child.stderr, name);
  return {
    write: (line) => {
      if (child.stdin.writable) child.stdin.write(`${line}\n`);
    },
    onLine: (handler) => readline.createInterface({ input: child.stdout }).on('line', handler),
    exited: new Promise((resolve) => {
      child.once('error', (error) => {
        process.stderr.write(`${name}: could not start: ${error.message}\n`);
        resolve(null);
      });
      child.once('exit', (code) => resolve(code));
    }),
    kill: () => child.kill(),
  };
}

export class LoadContainer {
  private readonly onSignal = (signal: NodeJS.Signals) => {
    process.stderr.write(`${signal}: removing the load container ${this.spec.name}\n`);
    // Then the signal again, without this handler: the process ends as it would have.
    void this.remove().finally(() => process.kill(process.pid, signal));
  };
  private removed: Promise<void> | undefined;

  private constructor(
    private readonly docker: Docker,
    readonly spec: LoadContainerSpec,
    private readonly container: Docker.Container,
    private readonly keeper: Duplex,
  ) {
    process.once('SIGINT', this.onSignal);
    process.once('SIGTERM', this.onSignal);
  }

  /**
   * Creates and starts the container. Its main process only waits on stdin, which stays attached
   * to this process: when the bench dies in any way (even SIGKILL) the connection closes, stdin
   * ends, the container stops and the engine removes it (AutoRemove).
   */
  static async start(spec: LoadContainerSpec): Promise<LoadContainer> {
    const docker = connectDocker(spec.dockerHost);
    // A leftover of a bench killed before the engine removed it (e.g. the engine restarted).
    await removeContainer(docker, spec.name);
    const cpu = await beside(docker);
    let container: Docker.Container;
    try {
      container = await docker.createContainer({
        name: spec.name,
        Image: spec.image,
        Cmd: ['cat'],
        OpenStdin: true,
        StdinOnce: true,
        AttachStdin: true,
        WorkingDir: REPO,
        Labels: { [LABEL_BENCH]: 'load', [LABEL_BENCH_SANDBOX]: spec.sandbox },
        HostConfig: {
          AutoRemove: true,
          ...cpu,
          NetworkMode: spec.network,
          Binds: [`${process.execPath}:${NODE_IN_CONTAINER}:ro`, `${REPO}:${REPO}:ro`],
        },
      });
    } catch (error) {
      const status = (error as { statusCode?: number }).statusCode;
      const hint = status === 404
        ? `is the image ${spec.image} here and the network ${spec.network} up? (scripts/make-base-image.sh makes the image offline; bluegreen sandbox up makes the network)`
        : 'is the Docker engine running on this machine? The container bind-mounts this machine\'s node and repository';
      throw new Error(`could not create the load container ${spec.name}: ${(error as Error).message}; ${hint}`, { cause: error });
    }
    const keeper = (await container.attach({ stream: true, stdin: true, stdout: false, stderr: false, hijack: true })) as Duplex;
    keeper.on('error', () => undefined); // the container went away: removal handles it
    const place = new LoadContainer(docker, spec, container, keeper);
    try {
      await container.start();
    } catch (error) {
      await place.remove();
      throw new Error(`could not start the load container ${spec.name}: ${(error as Error).message}; is the sandbox up? (bluegreen sandbox up --env ${spec.sandbox})`, { cause: error });
    }
    return place;
  }

  /** Runs `file` with `args` in the container (docker exec with stdin attached). */
  async exec(file: string, args: string[], name: string): Promise<ChildLink> {
    const exec = await this.container.exec({
      Cmd: [NODE_IN_CONTAINER, ...nodeArgs(file), file, ...args],
      AttachStdin: true,
      AttachStdout: true,
      AttachStderr: true,
      Tty: false,
      WorkingDir: REPO,
    });
    const stream = (await exec.start({ hijack: true, stdin: true })) as Duplex;
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    this.docker.modem.demuxStream(stream, stdout, stderr);
    forwardStderr(stderr, name);
    stream.on('error', () => undefined); // the connection dropped: `exited` says so
    const exited = new Promise<number | null>((resolve) => {
      stream.once('close', () => {
        stdout.end();
        stderr.end();
        void exitCode(exec).then(resolve);
      });
    });
    return {
      write: (line) => {
        if (stream.writable) stream.write(`${line}\n`);
      },
      onLine: (handler) => readline.createInterface({ input: stdout }).on('line', handler),
      exited,
      // Closing the connection ends its stdin; the generators stop on that (and removal kills all).
      kill: () => stream.destroy(),
    };
  }

  /** Removes the container and everything running in it. Safe to call more than once. */
  remove(): Promise<void> {
    this.removed ??= (async () => {
      process.removeListener('SIGINT', this.onSignal);
      process.removeListener('SIGTERM', this.onSignal);
      await removeContainer(this.docker, this.container.id).catch((error: Error) => {
        process.stderr.write(`could not remove the load container ${this.spec.name}: ${error.message}; remove it with: docker rm -f ${this.spec.name}\n`);
      });
      this.keeper.destroy();
    })();
    return this.removed;
  }
}

/**
 * The CPU the generators get on a busy machine should not change with where they run. As host
 * processes each weighed as much for the scheduler as one other process — and as all the
 * engine's containers together, which share one cgroup (/docker) of that weight. Inside it, at
 * the default weight, they got one share among the sandbox's containers and fell 22 s behind
 * their schedule on a busy machine; at a larger one they would take the CPU from the routers and
 * apps they measure. So the container's cgroup goes beside /docker, not under it, with the two
 * processes' weight. Only the cgroupfs driver takes such a parent; under systemd's the
 * container stays among the others, and this says so.
 */
async function beside(docker: Docker): Promise<{ CgroupParent?: string; CpuShares?: number }> {
  const info = (await docker.info().catch(() => ({}))) as { CgroupDriver?: string };
  if (info.CgroupDriver === 'cgroupfs') return { CgroupParent: '/', CpuShares: 2 * HOST_PROCESS_CPU_SHARES };
  process.stderr.write(`the load container shares the CPU with the sandbox's containers (cgroup driver ${info.CgroupDriver ?? 'unknown'}, not cgroupfs): on a busy machine its client lag may be larger than host processes had\n`);
  return {};
}

function nodeArgs(file: string): string[] {
  return file.endsWith('.ts') ? ['--import', 'tsx'] : [];
}

function forwardStderr(stream: Readable, name: string): void {
  readline.createInterface({ input: stream }).on('line', (line) => process.stderr.write(`[${name}] ${line}\n`));
}

/** The exec's exit code; the engine may report it a moment after the stream closed. */
async function exitCode(exec: Docker.Exec): Promise<number | null> {
  for (let i = 0; i < 20; i++) {
    const info = await exec.inspect().catch(() => undefined);
    if (!info) return null;
    if (!info.Running) return info.ExitCode ?? null;
    await new Promise((r) => setTimeout(r, 100));
  }
  return null;
}
