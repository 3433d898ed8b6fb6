// Reaches a real host with the system `ssh` binary, so the user's ~/.ssh/config, agent,
// known_hosts, bastions and hardware keys all work as in their terminal. One master connection
// per transport (ControlMaster) makes the many short commands of a stage cheap.
import { spawn } from 'node:child_process';
import { randomBytes } from '../lazyCrypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, posix } from 'node:path';
import type { Socket } from 'node:net';
import { ShellChannel, CHANNEL_MAX_INPUT_BYTES, channelEligible, channelRequest, type ChannelLink, type LinkHandlers } from './channel';
import { CHANNEL_SHELL_ARGV } from './channelFraming';
import { clientDeadlineMs, shellCommandLine, TIMEOUT_EXIT_CODE } from './commandLine';
import { emitTrace, PhaseClock, tracing, transportDebug } from './trace';
import { OutputCollector } from './outputCollector';
import { shellJoin } from './shellQuote';
import { assertHostKeyCheckingKept, buildSshControlArgs, buildSshExecArgs, type SshConnectionOptions } from './sshArgs';
import { classifySshFailure } from './sshErrors';
import type { ExecOptions, ExecResult, PutOptions, Transport } from './transport';
import { TransportError } from './transportError';

export interface SshTransportOptions extends Omit<SshConnectionOptions, 'target'> {
  /** The host's name in the topology. */
  host: string;
  /** What ssh connects to (an alias from ~/.ssh/config, or a host name); defaults to `host`. */
  target?: string;
  /** The ssh client; default `$BLUEGREEN_SSH`, else `ssh` from PATH (as GIT_SSH does for git). */
  sshPath?: string;
  /** Run short commands on one long-lived session's shell (channel.ts); default true. */
  channel?: boolean;
}

// A unix socket path must fit in sun_path (104 bytes on macOS, 108 on Linux), and ssh first
// binds `<ControlPath>.<16 random chars>`; keep the directory short.
const MAX_CONTROL_PATH = 80;
const SOCKET_NAME = 'cm';

const liveControlDirs = new Set<string>();
process.once('exit', () => {
  for (const dir of liveControlDirs) rmSync(dir, { recursive: true, force: true });
});

function makeControlDir(): string {
  const base = tmpdir();
  const parent = join(base, 'bg-XXXXXX', SOCKET_NAME).length <= MAX_CONTROL_PATH || !existsSync('/tmp') ? base : '/tmp';
  const dir = mkdtempSync(join(parent, 'bg-')); // mode 0700: the socket grants a logged-in session
  liveControlDirs.add(dir);
  return dir;
}

interface SpawnOutcome {
  code: number | null;
  stdout: string;
  stderr: string;
  durationMs: number;
  deadline: boolean;
}

export class SshTransport implements Transport {
  readonly host: string;
  private readonly connection: SshConnectionOptions;
  private readonly sshPath: string;
  private controlDir: string | undefined;
  /** The first connection, shared by every command started while it is being made. */
  private master: Promise<void> | undefined;
  private masterMade = false;
  /** Ends an attempt still connecting when the transport closes (connect() may start one nobody awaits). */
  private masterAttempt: AbortController | undefined;
  private readonly useChannel: boolean;
  private readonly channel: ShellChannel;

  constructor(options: SshTransportOptions) {
    assertHostKeyCheckingKept(options.options);
    this.host = options.host;
    this.sshPath = options.sshPath || process.env.BLUEGREEN_SSH || 'ssh';
    this.connection = {
      target: options.target ?? options.host,
      user: options.user,
      port: options.port,
      identityFile: options.identityFile,
      options: options.options,
      connectTimeoutSeconds: options.connectTimeoutSeconds,
      controlPersist: options.controlPersist,
    };
    this.useChannel = options.channel ?? true;
    this.channel = new ShellChannel(this.host, 'ssh', (handlers) => this.openLink(handlers));
  }

  /** Whether the long-lived session is open right now (tests, the bench). */
  get channelOpen(): boolean {
    return this.channel.isOpen;
  }

  /** Where the master connection's socket lives (it exists while the master runs). */
  get controlPath(): string {
    this.controlDir ??= makeControlDir();
    return join(this.controlDir, SOCKET_NAME);
  }

  /** The full argv for one remote command — what `exec` runs, for logs and tests. */
  commandArgs(command: string, options: { timeoutMs?: number; sudo?: boolean } = {}): string[] {
    return buildSshExecArgs(this.connection, this.controlPath, shellCommandLine(command, options));
  }

  async exec(command: string, options: ExecOptions = {}): Promise<ExecResult> {
    options.signal?.throwIfAborted();
    await this.ensureMaster(options.signal);
    if (this.useChannel && channelEligible(options)) {
      const outcome = await this.channel.run(shellCommandLine(command, options), channelRequest(command, options));
      if (outcome.kind === 'done') return outcome.result;
      transportDebug(this.host, `${outcome.reason}; this command runs in its own ssh session`);
    }
    const clock = new PhaseClock();
    const outcome = await this.spawnSsh(this.commandArgs(command, options), options);
    clock.mark('ssh');
    if (tracing()) emitTrace({ host: this.host, transport: 'ssh', via: 'one-shot', command, startedAt: clock.startedAt, durationMs: clock.elapsed(), phases: clock.phases, code: outcome.code ?? undefined });
    if (outcome.deadline) {
      return { code: TIMEOUT_EXIT_CODE, stdout: outcome.stdout, stderr: outcome.stderr, durationMs: outcome.durationMs, timedOut: true };
    }
    if (outcome.code === 255) throw this.sshFailure(outcome.stderr);
    const code = outcome.code ?? 1;
    const timedOut = options.timeoutMs !== undefined && code === TIMEOUT_EXIT_CODE && outcome.durationMs >= options.timeoutMs;
    return { code, stdout: outcome.stdout, stderr: outcome.stderr, durationMs: outcome.durationMs, ...(timedOut ? { timedOut } : {}) };
  }

  async put(path: string, data: string | Buffer, options: PutOptions = {}): Promise<void> {
    const directory = posix.dirname(path);
    const temp = posix.join(directory, `.${posix.basename(path)}.bluegreen-${randomBytes(6).toString('hex')}`);
    const mode = (options.mode ?? 0o644).toString(8);
    // The bytes travel over stdin on the same (multiplexed) connection; rename(2) within the
    // directory makes the switch atomic, and a failure leaves no temp file behind.
    const script =
      `mkdir -p ${shellJoin([directory])} && cat > ${shellJoin([temp])} && chmod ${mode} ${shellJoin([temp])} && ` +
      `mv -f -T ${shellJoin([temp, path])} || { rc=$?; rm -f ${shellJoin([temp])}; exit $rc; }`;
    const bytes = Buffer.isBuffer(data) ? data : Buffer.from(data);
    // A small file is bounded like any short command, so it may go over the channel.
    const result = await this.exec(script, { input: bytes, sudo: options.sudo, ...(bytes.length <= CHANNEL_MAX_INPUT_BYTES ? { timeoutMs: 30_000 } : {}) });
    if (result.code !== 0) {
      const reason = result.stderr.trim() || `exit ${result.code}`;
      throw new TransportError({
        host: this.host,
        kind: 'put-failed',
        message: `could not write ${path}: ${reason}`,
        hint: /permission denied|read-only/i.test(reason)
          ? 'Write somewhere the ssh user may write, or use sudo (the environment\'s `ssh.sudo: true`, with passwordless sudo on the host).'
          : /sudo/i.test(reason)
            ? 'sudo -n needs passwordless sudo for this user on the host (a sudoers NOPASSWD rule).'
            : 'Check the path and the free space on the host.',
        detail: result.stderr,
      });
    }
  }

  /** Whether a master connection is up (`ssh -O check`). */
  async masterRunning(): Promise<boolean> {
    if (!this.controlDir || !existsSync(this.controlPath)) return false;
    const outcome = await this.spawnSsh(buildSshControlArgs(this.connection, this.controlPath, 'check'), {});
    return outcome.code === 0;
  }

  /** Ends the master connection (`ssh -O exit`) and removes its private directory. */
  async close(): Promise<void> {
    // A connection still being made goes at once: a host that does not answer would otherwise
    // keep this process alive until ssh's ConnectTimeout.
    this.masterAttempt?.abort(new Error(`the connection to ${this.host} was closed`));
    this.masterAttempt = undefined;
    // The session first: its shell exits on end of input, before the master goes.
    await this.channel.close();
    const dir = this.controlDir;
    if (!dir) return;
    if (existsSync(this.controlPath)) {
      await this.spawnSsh(buildSshControlArgs(this.connection, this.controlPath, 'exit'), { timeoutMs: 5000 }).catch(() => undefined);
    }
    rmSync(dir, { recursive: true, force: true });
    liveControlDirs.delete(dir);
    this.controlDir = undefined;
    this.master = undefined;
    this.masterMade = false;
  }

  /**
   * Starts the master connection now: its handshake (a TCP connection, key exchange and login,
   * hundreds of milliseconds to a distant host) then overlaps other hosts' instead of waiting for
   * this host's first command. A failure stays in `master` for that command to report, so a host
   * that cannot be reached is not tried twice.
   */
  connect(): void {
    this.startMaster().catch(() => undefined);
  }

  private startMaster(): Promise<void> {
    // A master idle past ControlPersist has gone away with its socket: make a new one.
    if (this.masterMade && !existsSync(this.controlPath)) this.master = undefined;
    if (!this.master) {
      this.masterAttempt = new AbortController();
      this.master = this.spawnSsh(this.commandArgs('true'), { signal: this.masterAttempt.signal }).then((outcome) => {
        if (outcome.code === 255) throw this.sshFailure(outcome.stderr);
        this.masterMade = true;
      });
    }
    return this.master;
  }

  /**
   * Makes the master connection once, before any command: commands started together would
   * otherwise each race to become the master, and the losers connect on their own and print
   * "ControlSocket ... already exists" into the command's stderr.
   */
  private ensureMaster(signal?: AbortSignal): Promise<void> {
    const master = this.startMaster().catch((error: unknown) => {
      this.master = undefined; // the next command tries again
      throw error;
    });
    if (!signal) return master;
    return new Promise((resolve, reject) => {
      const onAbort = () => reject(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
      signal.addEventListener('abort', onAbort, { once: true });
      master.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
    });
  }

  /** One ssh session over the master running `sh -s`, kept open: the channel's link. */
  private async openLink(handlers: LinkHandlers): Promise<ChannelLink> {
    const child = spawn(this.sshPath, buildSshExecArgs(this.connection, this.controlPath, shellJoin(CHANNEL_SHELL_ARGV)), {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: process.env,
    });
    let stderrTail = '';
    const closed = new Promise<string>((resolve) => {
      child.on('error', (error) => resolve(`ssh could not start: ${error.message}`));
      child.on('close', (code, signal) => {
        // ssh's own last words, not the channel's markers.
        const said = stderrTail.split('\n').filter((line) => line.trim() && !line.includes('<<bluegreen:')).pop();
        resolve(`the ssh session ended (${signal ? `signal ${signal}` : `exit ${code}`}${said ? `: ${said}` : ''})`);
      });
    });
    child.stdin.on('error', () => undefined); // a session that ended: `closed` says why
    child.stdout.on('data', (chunk: Buffer) => handlers.stdout(chunk));
    child.stderr.on('data', (chunk: Buffer) => {
      stderrTail = (stderrTail + chunk.toString('utf8')).slice(-500);
      handlers.stderr(chunk);
    });
    await new Promise<void>((resolve, reject) => {
      child.once('spawn', resolve);
      child.once('error', reject);
    });
    const pipes = [child.stdin, child.stdout, child.stderr] as unknown as Array<Partial<Pick<Socket, 'ref' | 'unref'>>>;
    return {
      write: (text) => {
        child.stdin.write(text);
      },
      end: () => child.stdin.end(),
      kill: () => child.kill('SIGKILL'),
      closed,
      ref: () => {
        child.ref();
        for (const pipe of pipes) pipe.ref?.();
      },
      unref: () => {
        child.unref();
        for (const pipe of pipes) pipe.unref?.();
      },
    };
  }

  private sshFailure(stderr: string): TransportError {
    const failure = classifySshFailure(stderr, this.connection);
    return new TransportError({ host: this.host, ...failure, detail: stderr });
  }

  private spawnSsh(args: string[], options: ExecOptions): Promise<SpawnOutcome> {
    return new Promise((resolve, reject) => {
      const started = performance.now();
      const child = spawn(this.sshPath, args, { stdio: ['pipe', 'pipe', 'pipe'], env: process.env });
      const output = new OutputCollector(options.onOutput);
      let deadline = false;
      let settled = false;
      let timer: NodeJS.Timeout | undefined;
      const cleanup = () => {
        settled = true;
        if (timer) clearTimeout(timer);
        options.signal?.removeEventListener('abort', onAbort);
      };
      const onAbort = () => {
        child.kill('SIGTERM');
        cleanup();
        reject(options.signal?.reason instanceof Error ? options.signal.reason : new Error('aborted'));
      };
      child.stdout.on('data', (chunk: Buffer) => output.push('stdout', chunk));
      child.stderr.on('data', (chunk: Buffer) => output.push('stderr', chunk));
      // The remote end may close stdin early (a command that does not read it): not our error.
      child.stdin.on('error', () => undefined);
      child.on('error', (error: NodeJS.ErrnoException) => {
        if (settled) return;
        cleanup();
        reject(
          error.code === 'ENOENT'
            ? new TransportError({
                host: this.host,
                kind: 'client-missing',
                message: `the ssh client "${this.sshPath}" was not found`,
                hint: 'Install OpenSSH\'s client (e.g. `apt-get install openssh-client`) or set the path of ssh in the settings.',
                cause: error,
              })
            : new TransportError({ host: this.host, kind: 'other', message: `could not start ssh: ${error.message}`, hint: 'Check the ssh client path and permissions.', cause: error }),
        );
      });
      child.on('close', (code) => {
        if (settled) return;
        cleanup();
        const { stdout, stderr } = output.finish();
        resolve({ code, stdout, stderr, durationMs: performance.now() - started, deadline });
      });
      options.signal?.addEventListener('abort', onAbort, { once: true });
      if (options.timeoutMs !== undefined) {
        // The host-side `timeout` should end the command first; this bounds a dead link too.
        timer = setTimeout(() => {
          deadline = true;
          child.kill('SIGKILL');
        }, clientDeadlineMs(options.timeoutMs));
      }
      child.stdin.end(options.input ?? '');
    });
  }
}
