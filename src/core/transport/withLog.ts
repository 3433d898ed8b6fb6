import type { ExecOptions, ExecResult, HostLogEvent, HostLogSink, PutOptions, Transport } from './transport';

/**
 * The same transport, with every command and its output reported per host (the CLI's
 * --verbose, the editor's output channel). Output is reported as it arrives. Stdin is
 * reported by size only: it may carry secrets or whole artifacts.
 */
export function withLog(t: Transport, sink: HostLogSink): Transport {
  const emit = (kind: HostLogEvent['kind'], text: string) => {
    try {
      sink({ host: t.host, kind, text, time: new Date() });
    } catch {
      // A broken log sink must never break a release.
    }
  };
  const failed = (error: unknown) => emit('exit', `failed: ${error instanceof Error ? error.message : String(error)}`);

  return {
    host: t.host,
    async exec(command: string, options: ExecOptions = {}): Promise<ExecResult> {
      const notes = [options.sudo ? 'sudo' : '', options.input !== undefined ? `stdin ${Buffer.byteLength(options.input)} bytes` : '']
        .filter(Boolean);
      emit('command', notes.length ? `${command}  (${notes.join(', ')})` : command);
      try {
        const result = await t.exec(command, {
          ...options,
          onOutput: (stream, text) => {
            emit(stream, text);
            options.onOutput?.(stream, text);
          },
        });
        emit('exit', `exit ${result.code}${result.timedOut ? ' (timed out)' : ''} in ${Math.round(result.durationMs)} ms`);
        return result;
      } catch (error) {
        failed(error);
        throw error;
      }
    },
    async put(path: string, data: string | Buffer, options: PutOptions = {}): Promise<void> {
      const mode = (options.mode ?? 0o644).toString(8);
      emit('command', `put ${path} (${Buffer.byteLength(data)} bytes, mode ${mode}${options.sudo ? ', sudo' : ''})`);
      const started = performance.now();
      try {
        await t.put(path, data, options);
        emit('exit', `written in ${Math.round(performance.now() - started)} ms`);
      } catch (error) {
        failed(error);
        throw error;
      }
    },
    connect: () => t.connect?.(),
    close: () => t.close(),
  };
}
