// The one way the engine reaches a host (docs/architecture.md, "Layers"): run a command, write a file.
// Docker exec for sandbox containers and system ssh for real hosts implement the same contract,
// so every stage runs the same commands in a rehearsal and in production.

export type OutputStream = 'stdout' | 'stderr';

export interface ExecOptions {
  /** Bytes written to the command's stdin, which is then closed. Without it stdin is empty. */
  input?: string | Buffer;
  /**
   * Kill the command after this long. The command then ends with code 124 (coreutils `timeout`
   * convention) and `timedOut: true`; it is not an exception, like any other failing command.
   */
  timeoutMs?: number;
  /** Aborting stops the command and rejects with the signal's reason. */
  signal?: AbortSignal;
  /** Run as root: `sudo -n` over SSH, user `root` in a container. */
  sudo?: boolean;
  /**
   * Called with output as it arrives (e.g. `tail -F` of an access log). The result then keeps
   * only the last 64 KiB of each stream, so a long-running stream does not grow memory.
   */
  onOutput?: (stream: OutputStream, text: string) => void;
}

export interface ExecResult {
  code: number;
  stdout: string;
  stderr: string;
  durationMs: number;
  /** Set when `timeoutMs` ran out and the command was killed. */
  timedOut?: boolean;
}

export interface PutOptions {
  /** File mode of the written file; default 0o644. */
  mode?: number;
  /** Write as root (see ExecOptions.sudo). */
  sudo?: boolean;
}

export interface Transport {
  /** The host's name in the topology. */
  readonly host: string;
  /** Never throws for a non-zero exit; throws TransportError when the host cannot be reached. */
  exec(command: string, options?: ExecOptions): Promise<ExecResult>;
  /** Atomic: a temp file in the same directory, then a rename, so a reader never sees half a file. */
  put(path: string, data: string | Buffer, options?: PutOptions): Promise<void>;
  /**
   * Starts connecting without waiting, where making the connection costs time (an ssh handshake):
   * a stage about to reach several hosts starts them together instead of one after another. It
   * never throws; a failure is kept for the next command, which reports it.
   */
  connect?(): void;
  close(): Promise<void>;
}

export interface HostLogEvent {
  host: string;
  kind: 'command' | 'stdout' | 'stderr' | 'exit';
  text: string;
  time: Date;
}

export type HostLogSink = (event: HostLogEvent) => void;
