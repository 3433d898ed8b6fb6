// The transport of a dry run: every host step goes through the plan recorder, which runs reads
// for real and plans the rest. Anything that reaches the host without being a step (a raw exec,
// a put) is refused: a dry run must never change a host.
import type { ExecOptions, ExecResult, PutOptions, Transport } from '../transport';
import type { HostStep } from '../hostCommands/hostCommand';
import type { StepInterceptor } from '../hostCommands/run';
import { PlanRecorder } from './planRecorder';

export class PlanningTransport implements Transport, StepInterceptor {
  constructor(private readonly inner: Transport, readonly recorder: PlanRecorder) {}

  get host(): string {
    return this.inner.host;
  }

  interceptStep(step: HostStep, run: () => Promise<ExecResult>): Promise<ExecResult> {
    return this.recorder.take(this.host, step, run);
  }

  exec(command: string, options?: ExecOptions): Promise<ExecResult> {
    // Reached only through interceptStep's `run` (runHostCommand), once the recorder has decided
    // the step runs: a read. Everything else goes through a step (eslint: host-commands-only).
    // eslint-disable-next-line bluegreen/host-commands-only -- a transport wrapper is transport plumbing
    return this.inner.exec(command, options);
  }

  async put(path: string, _data: string | Buffer, _options?: PutOptions): Promise<void> {
    throw new Error(`a dry run does not write files (${this.host}:${path}): this write is not a planned host step`);
  }

  /** A dry run reads: connecting ahead serves those reads. */
  connect(): void {
    this.inner.connect?.();
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}

/** In a dry run, records what `fn` would run `when`…; in a real run, does nothing. */
export async function planBranch(transports: Transport[], when: string, fn: () => Promise<unknown>): Promise<void> {
  const planning = transports.find((t): t is PlanningTransport => t instanceof PlanningTransport);
  if (planning) await planning.recorder.branch(when, fn);
}

/** The dry run's recorder when these transports belong to one. */
export function planningRecorder(transports: Transport[]): PlanRecorder | undefined {
  return transports.find((t): t is PlanningTransport => t instanceof PlanningTransport)?.recorder;
}
