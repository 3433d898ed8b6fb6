// Where a host round trip's time goes, for benchmarks and debugging: every transport call reports
// its phases here (Docker: create, start, stream, inspect; ssh: the client process; a channel:
// the wait for the channel, then the command's round trip). Nothing is collected unless someone
// listens, so a release pays one Set lookup per command.

export type TransportKind = 'docker' | 'ssh';

export interface TransportTraceEvent {
  host: string;
  transport: TransportKind;
  /** `channel`: a command on the router's long-lived shell; `one-shot`: its own exec / ssh session. */
  via: 'channel' | 'one-shot' | 'channel-open' | 'channel-close';
  /** The command as given to exec (without the transport's own wrapper). */
  command: string;
  /** performance.now() when the call started. */
  startedAt: number;
  durationMs: number;
  /** Named phases of the call, in milliseconds, in the order they happened. */
  phases: Array<[string, number]>;
  code?: number;
}

type Sink = (event: TransportTraceEvent) => void;
const sinks = new Set<Sink>();

/** Listens to every transport call of this process until the returned function is called. */
export function traceTransports(sink: Sink): () => void {
  sinks.add(sink);
  return () => sinks.delete(sink);
}

export function tracing(): boolean {
  return sinks.size > 0;
}

export function emitTrace(event: TransportTraceEvent): void {
  for (const sink of sinks) {
    try {
      sink(event);
    } catch {
      // A broken listener must not break a command.
    }
  }
}

type DebugSink = (host: string, text: string) => void;
const debugSinks = new Set<DebugSink>();

/** Listens to the transports' debug notes (a channel that died, a fallback to a one-shot exec). */
export function onTransportDebug(sink: DebugSink): () => void {
  debugSinks.add(sink);
  return () => debugSinks.delete(sink);
}

/** A debug note: to the listeners, and to stderr when BLUEGREEN_DEBUG is set. */
export function transportDebug(host: string, text: string): void {
  for (const sink of debugSinks) {
    try {
      sink(host, text);
    } catch {
      // as above
    }
  }
  if (process.env.BLUEGREEN_DEBUG) process.stderr.write(`[transport] ${host}: ${text}\n`);
}

/** Accumulates phases: each `mark(name)` records the time since the previous mark. */
export class PhaseClock {
  readonly startedAt = performance.now();
  private last = this.startedAt;
  readonly phases: Array<[string, number]> = [];

  mark(name: string): void {
    const now = performance.now();
    this.phases.push([name, now - this.last]);
    this.last = now;
  }

  elapsed(): number {
    return performance.now() - this.startedAt;
  }
}
