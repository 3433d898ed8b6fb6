// Reaches a sandbox container through the Docker engine's exec API: no sshd, no published port.
import { randomBytes } from '../lazyCrypto';
import { posix } from 'node:path';
import { Writable, type Duplex } from 'node:stream';
import type Docker from 'dockerode';
import type { Socket } from 'node:net';
import { ShellChannel, channelEligible, channelRequest, type ChannelLink, type LinkHandlers } from './channel';
import { CHANNEL_SHELL_ARGV } from './channelFraming';
import { clientDeadlineMs, shellArgv, TIMEOUT_EXIT_CODE } from './commandLine';
import { OutputCollector } from './outputCollector';
import { emitTrace, PhaseClock, tracing, transportDebug } from './trace';
import { shellJoin } from './shellQuote';
import { createTar } from './tar';
import type { ExecOptions, ExecResult, OutputStream, PutOptions, Transport } from './transport';
import { TransportError } from './transportError';

export interface DockerTransportOptions {
  /** The host's name in the topology; defaults to the container name. */
  host?: string;
  /** Run short commands on a long-lived shell in the container (channel.ts); default true. */
  channel?: boolean;
}

interface DockerApiError {
  statusCode?: number;
  code?: string;
  message?: string;
  json?: { message?: string };
}

export class DockerTransport implements Transport {
  readonly host: string;
  private readonly useChannel: boolean;
  /** One shell per user the commands run as: the container's own, and root for `sudo`. */
  private readonly channels = new Map<'default' | 'root', ShellChannel>();

  constructor(
    private readonly docker: Docker,
    readonly containerName: string,
    options: DockerTransportOptions = {},
  ) {
    this.host = options.host ?? containerName;
    this.useChannel = options.channel ?? true;
  }

  /** The long-lived shells open right now (tests, the bench). */
  get openChannels(): number {
    return [...this.channels.values()].filter((c) => c.isOpen).length;
  }

  async exec(command: string, options: ExecOptions = {}): Promise<ExecResult> {
    options.signal?.throwIfAborted();
    if (this.useChannel && channelEligible(options)) {
      const outcome = await this.channelFor(options.sudo).run(shellJoin(shellArgv(command, options.timeoutMs)), channelRequest(command, options));
      if (outcome.kind === 'done') return outcome.result;
      transportDebug(this.host, `${outcome.reason}; this command runs as a one-shot exec`);
    }
    return this.execOnce(command, options);
  }

  /** One command as its own exec: create, start, stream, inspect. */
  private async execOnce(command: string, options: ExecOptions): Promise<ExecResult> {
    const started = performance.now();
    const clock = new PhaseClock();
    const hasInput = options.input !== undefined;
    const container = this.docker.getContainer(this.containerName);
    let stream: Duplex;
    let execId: Docker.Exec;
    try {
      execId = await container.exec({
        Cmd: shellArgv(command, options.timeoutMs),
        AttachStdin: hasInput,
        AttachStdout: true,
        AttachStderr: true,
        Tty: false,
        // A container's default user may not be root; `sudo` means root, as over SSH.
        ...(options.sudo ? { User: 'root' } : {}),
      });
      clock.mark('create');
      stream = await execId.start({ hijack: true, stdin: hasInput });
      clock.mark('start');
    } catch (error) {
      throw this.toTransportError(error);
    }

    const output = new OutputCollector(options.onOutput);
    const sink = (name: OutputStream) =>
      new Writable({
        write(chunk: Buffer, _encoding, done) {
          output.push(name, chunk);
          done();
        },
      });
    this.docker.modem.demuxStream(stream, sink('stdout'), sink('stderr'));

    const ended = await this.waitForEnd(stream, options, () => {
      if (hasInput) stream.end(options.input);
    });
    const { stdout, stderr } = output.finish();
    const durationMs = performance.now() - started;
    if (ended === 'deadline') {
      return { code: TIMEOUT_EXIT_CODE, stdout, stderr, durationMs, timedOut: true };
    }
    clock.mark('stream');
    const code = await this.exitCode(execId);
    clock.mark('inspect');
    if (tracing()) emitTrace({ host: this.host, transport: 'docker', via: 'one-shot', command, startedAt: clock.startedAt, durationMs: clock.elapsed(), phases: clock.phases, code });
    const timedOut = options.timeoutMs !== undefined && code === TIMEOUT_EXIT_CODE && durationMs >= options.timeoutMs;
    return { code, stdout, stderr, durationMs, ...(timedOut ? { timedOut } : {}) };
  }

  async put(path: string, data: string | Buffer, options: PutOptions = {}): Promise<void> {
    const directory = posix.dirname(path);
    const temp = `.${posix.basename(path)}.bluegreen-${randomBytes(6).toString('hex')}`;
    const archive = createTar([{ name: temp, data: Buffer.isBuffer(data) ? data : Buffer.from(data), mode: options.mode ?? 0o644 }]);
    const container = this.docker.getContainer(this.containerName);
    try {
      await container.putArchive(archive, { path: directory });
    } catch (error) {
      const status = (error as DockerApiError).statusCode;
      // 404 is a missing directory when the container itself exists: create it and try once more.
      if (status !== 404 || !(await this.containerRunning())) throw this.toTransportError(error);
      await this.run(`mkdir -p ${shellJoin([directory])}`, 'create the directory', options.sudo);
      try {
        await container.putArchive(archive, { path: directory });
      } catch (retryError) {
        throw this.toTransportError(retryError);
      }
    }
    // rename(2) within one directory: a reader sees the old file or the new one, never half.
    const tempPath = posix.join(directory, temp);
    await this.run(`mv -f -T ${shellJoin([tempPath, path])} || { rm -f ${shellJoin([tempPath])}; exit 1; }`, `write ${path}`, options.sudo);
  }

  /** Ends the long-lived shells (no process is left in the container); one-shot execs hold nothing. */
  async close(): Promise<void> {
    await Promise.all([...this.channels.values()].map((c) => c.close()));
  }

  private channelFor(sudo?: boolean): ShellChannel {
    const user = sudo ? 'root' : 'default';
    let channel = this.channels.get(user);
    if (!channel) {
      channel = new ShellChannel(this.host, 'docker', (handlers) => this.openLink(handlers, sudo), {
        beforeWrite: () => this.notRunning(),
      });
      this.channels.set(user, channel);
    }
    return channel;
  }

  /** One exec of `sh -s` with stdin attached, kept open: the channel's link. */
  private async openLink(handlers: LinkHandlers, sudo?: boolean): Promise<ChannelLink> {
    const container = this.docker.getContainer(this.containerName);
    const exec = await container.exec({
      Cmd: CHANNEL_SHELL_ARGV,
      AttachStdin: true,
      AttachStdout: true,
      AttachStderr: true,
      Tty: false,
      ...(sudo ? { User: 'root' } : {}),
    });
    const stream = (await exec.start({ hijack: true, stdin: true })) as Duplex & Partial<Pick<Socket, 'ref' | 'unref'>>;
    const sink = (push: (chunk: Buffer) => void) =>
      new Writable({
        write(chunk: Buffer, _encoding, done) {
          push(chunk);
          done();
        },
      });
    this.docker.modem.demuxStream(stream, sink(handlers.stdout), sink(handlers.stderr));
    const closed = new Promise<string>((resolve) => {
      stream.once('end', () => resolve('the shell in the container exited'));
      stream.once('close', () => resolve('the connection to the Docker engine closed'));
      stream.on('error', (error: Error) => resolve(`the connection failed: ${error.message}`));
    });
    return {
      write: (text) => {
        stream.write(text);
      },
      end: () => stream.end(),
      kill: () => stream.destroy(),
      closed,
      ref: () => stream.ref?.(),
      unref: () => stream.unref?.(),
    };
  }

  /**
   * Why not to hand the channel a command now. A paused container would take the command into its
   * shell's stdin and run it whenever it is unpaused, long after the caller gave up; a one-shot
   * exec is refused at once instead (409, "container is paused"), which is what callers expect.
   */
  private async notRunning(): Promise<string | undefined> {
    try {
      const info = await this.docker.getContainer(this.containerName).inspect();
      if (info.State.Paused) return `container ${this.containerName} is paused`;
      if (!info.State.Running) return `container ${this.containerName} is not running`;
      return undefined;
    } catch (error) {
      return `container ${this.containerName} could not be inspected (${(error as Error).message})`;
    }
  }

  private async run(command: string, what: string, sudo?: boolean): Promise<void> {
    // Bounded like any short command, so it may go over the container's channel.
    const result = await this.exec(command, { sudo, timeoutMs: 30_000 });
    if (result.code !== 0) {
      throw new TransportError({
        host: this.host,
        kind: 'put-failed',
        message: `could not ${what} in container ${this.containerName}: ${result.stderr.trim() || `exit ${result.code}`}`,
        hint: 'Check that the path is writable in the container (or pass sudo: true).',
        detail: result.stderr,
      });
    }
  }

  /** Resolves when the exec's output ends, or 'deadline' when the client-side limit passed first. */
  private waitForEnd(stream: Duplex, options: ExecOptions, begin: () => void): Promise<'end' | 'deadline'> {
    return new Promise((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const finish = (how: 'end' | 'deadline' | Error) => {
        if (timer) clearTimeout(timer);
        options.signal?.removeEventListener('abort', onAbort);
        stream.off('end', onEnd).off('close', onEnd).off('error', onError);
        if (how instanceof Error) reject(how);
        else resolve(how);
      };
      const onEnd = () => finish('end');
      const onError = (error: Error) => finish(this.toTransportError(error));
      const onAbort = () => {
        stream.destroy();
        finish(options.signal?.reason instanceof Error ? options.signal.reason : new Error('aborted'));
      };
      stream.on('end', onEnd).on('close', onEnd).on('error', onError);
      options.signal?.addEventListener('abort', onAbort, { once: true });
      if (options.timeoutMs !== undefined) {
        // The `timeout` wrapper in the container should end the command first; this covers
        // containers without it, so the caller is never left waiting.
        timer = setTimeout(() => {
          stream.destroy();
          finish('deadline');
        }, clientDeadlineMs(options.timeoutMs));
      }
      begin();
    });
  }

  /** The exit code from exec inspect; the engine may need a moment to record it after the stream ends. */
  private async exitCode(exec: Docker.Exec): Promise<number> {
    for (let attempt = 0; ; attempt++) {
      let info: Docker.ExecInspectInfo;
      try {
        info = await exec.inspect();
      } catch (error) {
        throw this.toTransportError(error);
      }
      if (!info.Running && info.ExitCode !== null && info.ExitCode !== undefined) return info.ExitCode;
      if (attempt >= 100) {
        throw new TransportError({
          host: this.host,
          kind: 'other',
          message: `the Docker engine did not report an exit code for a command in ${this.containerName}`,
          hint: 'Check the engine (`docker info`) and the container (`docker ps`).',
        });
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  private async containerRunning(): Promise<boolean> {
    try {
      const info = await this.docker.getContainer(this.containerName).inspect();
      return info.State.Running;
    } catch {
      return false;
    }
  }

  private toTransportError(error: unknown): TransportError {
    if (error instanceof TransportError) return error;
    const e = (error ?? {}) as DockerApiError;
    const reason = e.json?.message ?? e.message ?? String(error);
    if (e.code === 'ECONNREFUSED' || e.code === 'ENOENT' || e.code === 'EACCES') {
      return new TransportError({
        host: this.host,
        kind: 'engine',
        message: `the Docker engine does not answer (${e.code})`,
        hint: 'Start Docker (or dockerd) and check `docker info`; set DOCKER_HOST if the engine is elsewhere.',
        cause: error,
      });
    }
    if (e.statusCode === 404 || e.statusCode === 409) {
      return new TransportError({
        host: this.host,
        kind: 'unreachable',
        message: `container ${this.containerName} is missing or not running: ${reason}`,
        hint: 'Start or recreate the sandbox, and check `docker ps -a` for the container.',
        cause: error,
      });
    }
    return new TransportError({
      host: this.host,
      kind: 'other',
      message: `Docker request failed: ${reason}`,
      hint: 'Check the engine (`docker info`) and the container (`docker ps -a`).',
      cause: error,
    });
  }
}
