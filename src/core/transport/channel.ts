// A long-lived shell on one host (Docker: one exec with stdin attached; SSH: one session over the
// master connection) that runs short commands one after another, so a command costs a write and
// a read instead of a new exec or ssh process. The wire format is channelFraming.ts.
//
// Its failure modes, each handled here:
// - it dies between commands (container restarted, connection dropped, shell killed): the next
//   command runs as a one-shot exec (said in the debug output) and the one after opens a new
//   channel; a channel that cannot be opened is not tried again for a while;
// - it dies during a command: if the shell never started the command, the command runs as a
//   one-shot exec; if it had, it may have run, so it is not run again: a TransportError says so;
// - a command outlives its limit: the host's `timeout` ends it as it would a one-shot command;
//   if the host does not answer past the client deadline, the channel is killed and the command
//   reports a time-out (never a hang);
// - an abort kills the channel and rejects with the signal's reason;
// - commands started together on one host wait their turn (the shell runs one at a time);
// - it is closed when the transport is (the environment's handle, at the end of a stage run),
//   and after a while idle, and it never keeps the Node process alive while idle.
import { clientDeadlineMs, TIMEOUT_EXIT_CODE } from './commandLine';
import { channelScript, FrameReader, newNonce } from './channelFraming';
import { OutputCollector } from './outputCollector';
import type { ExecOptions, ExecResult, OutputStream } from './transport';
import { TransportError } from './transportError';
import { emitTrace, PhaseClock, tracing, transportDebug, type TransportKind } from './trace';

/** The process behind a channel, as the transport opened it. */
export interface ChannelLink {
  write(text: string): void;
  /** Closes the shell's stdin: the shell exits once its current command (if any) is done. */
  end(): void;
  /** Drops the connection at once. */
  kill(): void;
  /** Resolves when the link has ended, with what ended it. */
  readonly closed: Promise<string>;
  /** Whether the link keeps the Node process alive (only while a command runs). */
  ref(): void;
  unref(): void;
}

export interface LinkHandlers {
  stdout(chunk: Buffer): void;
  stderr(chunk: Buffer): void;
}

export type OpenLink = (handlers: LinkHandlers) => Promise<ChannelLink>;

/** What a channel gave back: the command's result, or why it could not take the command. */
export type ChannelOutcome =
  | { kind: 'done'; result: ExecResult }
  | { kind: 'unavailable'; reason: string };

export interface ChannelRequest {
  input?: Buffer;
  timeoutMs?: number;
  signal?: AbortSignal;
  onOutput?: (stream: OutputStream, text: string) => void;
  /** The command as the caller gave it, for the trace. */
  command: string;
}

/** A transport's `exec` call as a channel request (stdin as bytes). */
export function channelRequest(command: string, options: ExecOptions): ChannelRequest {
  const { input, timeoutMs, signal, onOutput } = options;
  return { command, input: input === undefined || Buffer.isBuffer(input) ? input : Buffer.from(input), timeoutMs, signal, onOutput };
}

/** Commands a channel takes: short ones with a time limit (so none holds the shell for long) and small stdin. */
export const CHANNEL_MAX_TIMEOUT_MS = 60_000;
export const CHANNEL_MAX_INPUT_BYTES = 64 * 1024;
/** An idle channel is closed after this long; the next command opens a new one. */
export const CHANNEL_IDLE_MS = 30_000;
/** After a channel could not be opened, commands go one-shot for this long before trying again. */
export const CHANNEL_RETRY_AFTER_MS = 60_000;

/** Whether a command may run on a channel, and the environment has not turned channels off. */
export function channelEligible(options: { timeoutMs?: number; input?: string | Buffer }): boolean {
  if (/^(0|off|false|no)$/i.test(process.env.BLUEGREEN_TRANSPORT_CHANNEL ?? '')) return false;
  if (options.timeoutMs === undefined || options.timeoutMs > CHANNEL_MAX_TIMEOUT_MS) return false;
  return options.input === undefined || Buffer.byteLength(options.input) <= CHANNEL_MAX_INPUT_BYTES;
}

interface Running {
  stdout: FrameReader;
  stderr: FrameReader;
  output: OutputCollector;
  code?: number;
  finish(): void;
}

export class ShellChannel {
  private link: ChannelLink | undefined;
  private opening: Promise<ChannelLink> | undefined;
  private running: Running | undefined;
  private turn: Promise<void> = Promise.resolve();
  private idleTimer: NodeJS.Timeout | undefined;
  /** Why the last link ended when nobody asked it to: the next command goes one-shot and says so. */
  private died: string | undefined;
  private notBefore = 0;
  private closing = false;
  /** The link's generation: a late `closed` of an old link must not touch a newer one. */
  private generation = 0;

  constructor(
    private readonly host: string,
    private readonly transport: TransportKind,
    private readonly open: OpenLink,
    private readonly options: {
      idleMs?: number;
      /** Asked before each command (alongside opening the link): a reason not to use the channel now. */
      beforeWrite?: () => Promise<string | undefined>;
    } = {},
  ) {}

  /** Whether a shell is open right now (for tests and the bench). */
  get isOpen(): boolean {
    return this.link !== undefined;
  }

  /** Runs one command line on the channel, after the commands started before it on this host. */
  run(commandLine: string, request: ChannelRequest): Promise<ChannelOutcome> {
    const previous = this.turn;
    const clock = new PhaseClock();
    const mine = waitOrAbort(previous, request.signal).then(() => {
      clock.mark('queue');
      return this.runNow(commandLine, request, clock);
    });
    // The next command waits for this one and for the one before it (which an abort skipped).
    this.turn = Promise.allSettled([previous, mine]).then(() => undefined);
    return mine;
  }

  /** Ends the shell: stdin is closed and the shell exits; killed if it has not within 2 s. */
  async close(): Promise<void> {
    this.closing = true;
    try {
      await this.turn.catch(() => undefined);
      await this.opening?.catch(() => undefined);
      this.stopIdleTimer();
      const link = this.link;
      if (!link) return;
      const clock = new PhaseClock();
      this.link = undefined;
      this.generation++;
      link.end();
      const timer = setTimeout(() => link.kill(), 2000);
      await link.closed;
      clearTimeout(timer);
      clock.mark('close');
      if (tracing()) emitTrace({ host: this.host, transport: this.transport, via: 'channel-close', command: '', startedAt: clock.startedAt, durationMs: clock.elapsed(), phases: clock.phases });
    } finally {
      this.closing = false;
      this.died = undefined;
    }
  }

  private async runNow(commandLine: string, request: ChannelRequest, clock: PhaseClock): Promise<ChannelOutcome> {
    request.signal?.throwIfAborted();
    if (this.died !== undefined) {
      const reason = this.died;
      this.died = undefined;
      return { kind: 'unavailable', reason };
    }
    if (Date.now() < this.notBefore) return { kind: 'unavailable', reason: 'the channel could not be opened a moment ago' };
    if (this.closing) return { kind: 'unavailable', reason: 'the channel is being closed' };
    this.stopIdleTimer();
    let link: ChannelLink;
    const check = this.options.beforeWrite?.();
    try {
      link = await this.ensureLink();
    } catch (error) {
      await check;
      this.notBefore = Date.now() + CHANNEL_RETRY_AFTER_MS;
      return { kind: 'unavailable', reason: `the channel could not be opened (${(error as Error).message})` };
    }
    const refusal = await check;
    clock.mark(this.options.beforeWrite ? 'open/check' : 'open');
    if (refusal !== undefined) {
      this.startIdleTimer();
      return { kind: 'unavailable', reason: refusal };
    }
    try {
      return await this.exchange(link, commandLine, request, clock);
    } finally {
      if (this.link === link) this.startIdleTimer();
    }
  }

  private exchange(link: ChannelLink, commandLine: string, request: ChannelRequest, clock: PhaseClock): Promise<ChannelOutcome> {
    const nonce = newNonce();
    const generation = this.generation;
    return new Promise<ChannelOutcome>((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const settle = (how: () => void) => {
        if (this.running !== running) return;
        this.running = undefined;
        if (timer) clearTimeout(timer);
        request.signal?.removeEventListener('abort', onAbort);
        link.unref();
        how();
      };
      const result = (extra: { timedOut?: boolean } = {}): ChannelOutcome => {
        if (extra.timedOut) for (const stream of ['stdout', 'stderr'] as const) running.output.push(stream, running[stream].flush());
        const { stdout, stderr } = running.output.finish();
        const durationMs = clock.elapsed();
        const code = extra.timedOut ? TIMEOUT_EXIT_CODE : running.code ?? 1;
        if (tracing()) emitTrace({ host: this.host, transport: this.transport, via: 'channel', command: request.command, startedAt: clock.startedAt, durationMs, phases: clock.phases, code });
        const timedOut = extra.timedOut || (request.timeoutMs !== undefined && code === TIMEOUT_EXIT_CODE && durationMs >= request.timeoutMs);
        return { kind: 'done', result: { code, stdout, stderr, durationMs, ...(timedOut ? { timedOut: true } : {}) } };
      };
      const running: Running = {
        stdout: new FrameReader(nonce),
        stderr: new FrameReader(nonce),
        output: new OutputCollector(request.onOutput),
        finish: () => {
          clock.mark('round trip');
          settle(() => resolve(result()));
        },
      };
      const onAbort = () => {
        this.kill(link, generation, 'the command was aborted');
        settle(() => reject(request.signal?.reason instanceof Error ? request.signal.reason : new Error('aborted')));
      };
      this.running = running;
      link.closed.then((reason) => {
        if (this.running !== running) return;
        if (!running.stdout.started && !running.stderr.started) {
          settle(() => resolve({ kind: 'unavailable', reason: `the channel ended before the command started (${reason})` }));
          return;
        }
        settle(() =>
          reject(
            new TransportError({
              host: this.host,
              kind: 'unreachable',
              message: `the connection ended while a command ran (${reason}); it may or may not have completed, so it was not run again: ${request.command.split('\n')[0].slice(0, 120)}`,
              hint: `Check that ${this.host} is up (bluegreen status), then run the stage again.`,
            }),
          ),
        );
      });
      request.signal?.addEventListener('abort', onAbort, { once: true });
      if (request.timeoutMs !== undefined) {
        // The host's `timeout` should end the command first; past this the host is not answering.
        timer = setTimeout(() => {
          this.kill(link, generation, `no answer within ${clientDeadlineMs(request.timeoutMs!)} ms`);
          settle(() => resolve(result({ timedOut: true })));
        }, clientDeadlineMs(request.timeoutMs));
      }
      link.ref();
      try {
        link.write(channelScript(nonce, commandLine, request.input));
      } catch (error) {
        this.kill(link, generation, `could not write to the channel: ${(error as Error).message}`);
      }
    });
  }

  private onData(stream: OutputStream, chunk: Buffer): void {
    const running = this.running;
    if (!running) {
      transportDebug(this.host, `channel: ${chunk.length} byte(s) on ${stream} between commands, dropped`);
      return;
    }
    const reader = running[stream];
    const progress = reader.push(chunk);
    for (const piece of progress.output) running.output.push(stream, piece);
    if (progress.trailer !== undefined && stream === 'stdout') {
      const code = Number.parseInt(progress.trailer, 10);
      running.code = Number.isFinite(code) ? code : 1;
    }
    if (running.stdout.done && running.stderr.done) {
      const stray = running.stdout.stray + running.stderr.stray;
      if (stray) transportDebug(this.host, `channel: ${stray} byte(s) of stray output (a background process of an earlier command?) dropped`);
      running.finish();
    }
  }

  private ensureLink(): Promise<ChannelLink> {
    if (this.link) return Promise.resolve(this.link);
    if (this.closing) return Promise.reject(new Error('the transport is closing'));
    this.opening ??= (async () => {
      const clock = new PhaseClock();
      const link = await this.open({ stdout: (chunk) => this.onData('stdout', chunk), stderr: (chunk) => this.onData('stderr', chunk) });
      clock.mark('open');
      if (tracing()) emitTrace({ host: this.host, transport: this.transport, via: 'channel-open', command: '', startedAt: clock.startedAt, durationMs: clock.elapsed(), phases: clock.phases });
      const generation = ++this.generation;
      this.link = link;
      link.unref();
      void link.closed.then((reason) => {
        if (this.generation !== generation) return; // closed or killed on purpose, or replaced
        this.link = undefined;
        this.stopIdleTimer();
        this.died = reason;
        transportDebug(this.host, `channel ended (${reason}); the next command runs as a one-shot exec, the one after opens a new channel`);
      });
      return link;
    })().finally(() => {
      this.opening = undefined;
    });
    return this.opening;
  }

  /** Kills a link on purpose (deadline, abort): the next command opens a new one without a note. */
  private kill(link: ChannelLink, generation: number, why: string): void {
    if (this.generation === generation) {
      this.generation++;
      this.link = undefined;
    }
    transportDebug(this.host, `channel killed: ${why}; the next command opens a new one`);
    link.kill();
  }

  private startIdleTimer(): void {
    this.stopIdleTimer();
    this.idleTimer = setTimeout(() => void this.closeIdle(), this.options.idleMs ?? CHANNEL_IDLE_MS);
    this.idleTimer.unref();
  }

  private stopIdleTimer(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
  }

  private async closeIdle(): Promise<void> {
    if (this.running || !this.link) return;
    await this.close();
  }
}

function waitOrAbort(previous: Promise<void>, signal?: AbortSignal): Promise<void> {
  if (!signal) return previous;
  signal.throwIfAborted();
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
    signal.addEventListener('abort', onAbort, { once: true });
    previous.then(resolve, resolve).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
