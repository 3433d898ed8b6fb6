// Builds an image from a BuildContext through the engine's build API, streaming the build
// output as progress and turning a failed build into an error that names the failing step.
import type Docker from 'dockerode';
import { StageError } from '../errors';
import { BuildContext } from './buildContext';
import { followJsonStream, abortable } from './streams';

export interface BuildOptions {
  tag: string;
  /** Dockerfile path inside the context (default `Dockerfile`). */
  dockerfile?: string;
  /** Multi-stage target to stop at. */
  target?: string;
  buildArgs?: Record<string, string>;
  labels?: Record<string, string>;
  /** Build every step again instead of reusing the engine's layer cache. */
  noCache?: boolean;
  /** One call per line of build output (`Step 3/9 : RUN …`, the command's own output, …). */
  onOutput?: (line: string) => void;
  signal?: AbortSignal;
}

/** The classic builder's colour codes (ESC [ … m) around a command's stderr. */
const ANSI_COLOUR = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g');

/** Lines of output kept to explain a failure. */
const FAILURE_TAIL = 20;

export async function buildImage(docker: Docker, context: BuildContext, options: BuildOptions): Promise<void> {
  const stream = await docker.buildImage(context.tar(), {
    t: options.tag,
    dockerfile: options.dockerfile ?? 'Dockerfile',
    ...(options.target ? { target: options.target } : {}),
    buildargs: options.buildArgs ?? {},
    labels: options.labels ?? {},
    rm: true,
    forcerm: true,
    nocache: options.noCache ?? false,
  });
  const stop = abortable(stream, options.signal);
  let currentStep = '';
  const tail: string[] = [];
  let failure: string | undefined;
  try {
    await followJsonStream(stream, (message) => {
      if (typeof message.error === 'string') {
        failure = message.error;
        return;
      }
      const text = typeof message.stream === 'string' ? message.stream : typeof message.status === 'string' ? message.status : '';
      // The classic builder colours a command's stderr with ANSI escapes; a message wants plain text.
      for (const line of text.replace(ANSI_COLOUR, '').split(/\r?\n/)) {
        if (!line.trim()) continue;
        if (/^Step \d+\/\d+ : /.test(line)) currentStep = line;
        tail.push(line);
        if (tail.length > FAILURE_TAIL) tail.shift();
        options.onOutput?.(line);
      }
    });
  } finally {
    stop();
  }
  options.signal?.throwIfAborted();
  if (failure !== undefined) {
    throw new StageError(
      `Building ${options.tag}${options.target ? ` (target ${options.target})` : ''} failed` +
        `${currentStep ? ` at ${currentStep}` : ''}: ${failure.trim()}\n${tail.map((l) => `  | ${l}`).join('\n')}`,
    );
  }
}

export async function imageExists(docker: Docker, reference: string): Promise<boolean> {
  try {
    await docker.getImage(reference).inspect();
    return true;
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode === 404) return false;
    throw error;
  }
}

/**
 * Pulls `reference`; resolves false (never throws) when the registry cannot be reached or the
 * pull takes longer than `timeoutMs` (an offline engine may wait long on a registry).
 */
export async function tryPull(docker: Docker, reference: string, signal?: AbortSignal, timeoutMs = 120_000): Promise<boolean> {
  const limit = AbortSignal.timeout(timeoutMs);
  const both = signal ? AbortSignal.any([signal, limit]) : limit;
  try {
    const stream = (await Promise.race([
      docker.pull(reference),
      new Promise<never>((_, reject) => both.addEventListener('abort', () => reject(new Error('pull timed out')), { once: true })),
    ])) as NodeJS.ReadableStream;
    const stop = abortable(stream, both);
    let failed = false;
    try {
      await followJsonStream(stream, (message) => {
        if (typeof message.error === 'string') failed = true;
      });
    } finally {
      stop();
    }
    return !failed && (await imageExists(docker, reference));
  } catch {
    return false;
  }
}
