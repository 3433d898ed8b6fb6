// Runs a host step on a transport. The only place a stage's command meets a transport, so a dry
// run can stand in between (plan/planningTransport.ts): a transport that intercepts steps decides
// whether each one runs.
import type { ExecOptions, ExecResult, Transport } from '../transport';
import type { HostCommand, HostFileWrite, HostStep } from './hostCommand';

export type RunOptions = Pick<ExecOptions, 'signal' | 'onOutput'>;

/** A transport that decides about every step itself (a dry run's planning transport). */
export interface StepInterceptor {
  interceptStep(step: HostStep, run: () => Promise<ExecResult>): Promise<ExecResult>;
}

function interceptorOf(transport: Transport): StepInterceptor | undefined {
  return typeof (transport as Partial<StepInterceptor>).interceptStep === 'function' ? transport as unknown as StepInterceptor : undefined;
}

/** Never throws for a non-zero exit (the result says it); throws when the host cannot be reached. */
export function runHostCommand(transport: Transport, command: HostCommand, options: RunOptions = {}): Promise<ExecResult> {
  const run = () => transport.exec(command.script, {
    sudo: command.sudo,
    input: command.input,
    timeoutMs: command.timeoutMs,
    signal: options.signal,
    onOutput: options.onOutput,
  });
  const interceptor = interceptorOf(transport);
  return interceptor ? interceptor.interceptStep(command, run) : run();
}

export async function writeHostFile(transport: Transport, write: HostFileWrite): Promise<void> {
  const run = async (): Promise<ExecResult> => {
    const started = Date.now();
    await transport.put(write.path, write.data, { sudo: write.sudo, mode: write.mode });
    return { code: 0, stdout: '', stderr: '', durationMs: Date.now() - started };
  };
  const interceptor = interceptorOf(transport);
  await (interceptor ? interceptor.interceptStep(write, run) : run());
}

export async function runStep(transport: Transport, step: HostStep, options: RunOptions = {}): Promise<ExecResult> {
  if (step.kind === 'exec') return runHostCommand(transport, step, options);
  await writeHostFile(transport, step);
  return { code: 0, stdout: '', stderr: '', durationMs: 0 };
}
