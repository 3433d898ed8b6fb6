// Small helpers for the engine's streaming answers: newline-delimited JSON progress and
// cancellation of a request by destroying its stream.
import type { Readable } from 'node:stream';

export type JsonMessage = Record<string, unknown>;

/** Reads newline-delimited JSON until the stream ends; non-JSON lines become `{ stream: line }`. */
export function followJsonStream(stream: NodeJS.ReadableStream, onMessage: (message: JsonMessage) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    let buffered = '';
    const handle = (line: string) => {
      if (!line.trim()) return;
      try {
        onMessage(JSON.parse(line) as JsonMessage);
      } catch {
        onMessage({ stream: line });
      }
    };
    stream.on('data', (chunk: Buffer | string) => {
      buffered += chunk.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      lines.forEach(handle);
    });
    stream.on('end', () => {
      handle(buffered);
      resolve();
    });
    stream.on('close', () => resolve());
    stream.on('error', reject);
  });
}

/** Destroys `stream` when `signal` aborts; returns the function that stops listening. */
export function abortable(stream: NodeJS.ReadableStream, signal?: AbortSignal): () => void {
  if (!signal) return () => undefined;
  const onAbort = () => (stream as Readable).destroy?.(new Error('cancelled'));
  if (signal.aborted) onAbort();
  signal.addEventListener('abort', onAbort, { once: true });
  return () => signal.removeEventListener('abort', onAbort);
}
