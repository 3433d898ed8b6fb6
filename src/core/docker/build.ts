// Builds an image from a BuildContext through the engine's build API, streaming the build
// output as progress and turning a failed build into an error that names the failing step.
import type Docker from 'dockerode';
import { StageError } from '../errors';
import { BuildContext } from './buildContext';
import { followJsonStream, abortable } from './streams';
import { BuildEvent, BuildStep, BuildStreamParser } from './buildProgress';

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
  /** One call per step, as it begins: its number, instruction and whether it came from the cache. */
  onStep?: (step: BuildStep) => void;
  /** While one step runs long (a package install): every `stillRunningEveryMs`, how long, and its last output line. */
  onStillRunning?: (step: BuildStep, seconds: number, lastOutput: string) => void;
  /** Default 15 s. */
  stillRunningEveryMs?: number;
  signal?: AbortSignal;
}

export interface BuildSummary {
  seconds: number;
  /** Steps the build went through, of how many, and how many of them came from the layer cache. */
  steps: number;
  total: number;
  cached: number;
}

export async function buildImage(docker: Docker, context: BuildContext, options: BuildOptions): Promise<BuildSummary> {
  const started = Date.now();
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
  const parser = new BuildStreamParser();
  let stepStarted = Date.now();
  const every = options.stillRunningEveryMs ?? 15_000;
  // A package install runs a minute or more without a new step: say it still runs, and what it prints.
  const heartbeat = options.onStillRunning && setInterval(() => {
    const running = parser.running;
    const seconds = Math.round((Date.now() - stepStarted) / 1000);
    if (running && Date.now() - stepStarted >= every) options.onStillRunning?.(running, seconds, parser.lastOutput);
  }, every);
  const deliver = (events: BuildEvent[]) => {
    for (const event of events) {
      if (event.kind === 'step') {
        stepStarted = Date.now();
        options.onStep?.(event.step);
      } else {
        options.onOutput?.(event.line);
      }
    }
  };
  try {
    await followJsonStream(stream, (message) => deliver(parser.message(message)));
    deliver(parser.end());
  } finally {
    stop();
    if (heartbeat) clearInterval(heartbeat);
  }
  options.signal?.throwIfAborted();
  if (parser.failure !== undefined) {
    throw new StageError(
      `Building ${options.tag}${options.target ? ` (target ${options.target})` : ''} failed` +
        `${parser.currentStepLine ? ` at ${parser.currentStepLine}` : ''}: ${parser.failure.trim()}\n${parser.tail.map((l) => `  | ${l}`).join('\n')}`,
    );
  }
  return { seconds: Math.round((Date.now() - started) / 1000), ...parser.counts };
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

/** Whether the engine holds any image of `repository` (`bluegreen/router`, any tag). */
export async function repositoryHasImages(docker: Docker, repository: string): Promise<boolean> {
  const images = await docker.listImages({ filters: { reference: [repository] } });
  return images.length > 0;
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
