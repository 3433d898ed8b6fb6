// Reads the engine's build stream into steps a person can follow. dockerode's buildImage talks
// to the API's classic builder (no BuildKit): JSON messages whose `stream` text holds
// `Step 3/9 : RUN …`, then ` ---> Using cache` for a cached step or ` ---> Running in <id>` and
// the command's own output for one that runs, and ` ---> <id>` when a step ends. A line may be
// split over messages (`Step 1/9 : ARG …` arrives before its newline), so text is buffered to
// whole lines. Pure: the test feeds it a captured build (test/fixtures/docker-build/).
import type { JsonMessage } from './streams';

export interface BuildStep {
  /** 1-based. */
  index: number;
  total: number;
  /** The Dockerfile instruction as the builder printed it (`RUN apt-get update && …`). */
  instruction: string;
  /** Taken from the engine's layer cache: nothing ran. */
  cached: boolean;
}

export type BuildEvent =
  /** A step began (or was taken from the cache): once per step, in order. */
  | { kind: 'step'; step: BuildStep }
  /** One line of the builder's output, as it printed it (without colour codes). */
  | { kind: 'output'; line: string };

/** The classic builder's colour codes (ESC [ … m) around a command's stderr. */
const ANSI_COLOUR = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g');
const STEP = /^Step (\d+)\/(\d+) : (.*)$/;
const USING_CACHE = /^ ---> Using cache$/;
/** The builder's own bookkeeping lines: not the command's output. */
const BUILDER_LINE = /^( ---> |Removing intermediate container |Successfully (built|tagged) )/;

/** Lines of output kept to explain a failure. */
const FAILURE_TAIL = 20;

export class BuildStreamParser {
  /** The builder's error message, when the build failed. */
  failure: string | undefined;
  /** The last `Step N/M : …` line, as printed (names the failing step in an error). */
  currentStepLine = '';
  /** The last lines of output, to explain a failure. */
  readonly tail: string[] = [];
  /** The command's last output line while a step runs (not the builder's bookkeeping). */
  lastOutput = '';
  private pending: BuildStep | undefined;
  private announced = false;
  private buffered = '';
  private stepsSeen = 0;
  private cachedSteps = 0;
  private totalSteps = 0;

  /** One JSON message of the build stream; returns what it told, in order. */
  message(message: JsonMessage): BuildEvent[] {
    if (typeof message.error === 'string') {
      this.failure = message.error;
      return [...this.flushText(), ...this.flushStep()];
    }
    const text = typeof message.stream === 'string' ? message.stream : typeof message.status === 'string' ? `${message.status}\n` : '';
    if (!text) return [];
    // Colour codes are removed from whole lines: one may be cut between two messages.
    this.buffered += text;
    const lines = this.buffered.split(/\r?\n/);
    this.buffered = lines.pop() ?? '';
    return lines.flatMap((line) => this.line(line));
  }

  /** The stream ended: what was still buffered. */
  end(): BuildEvent[] {
    return [...this.flushText(), ...this.flushStep()];
  }

  /** Steps seen, of how many, and how many of them came from the cache. */
  get counts(): { steps: number; total: number; cached: number } {
    return { steps: this.stepsSeen, total: this.totalSteps, cached: this.cachedSteps };
  }

  /** The step running now (announced, not from the cache, not yet ended), if any. */
  get running(): BuildStep | undefined {
    return this.pending && this.announced && !this.pending.cached ? this.pending : undefined;
  }

  private flushText(): BuildEvent[] {
    const rest = this.buffered;
    this.buffered = '';
    return rest.trim() ? this.line(rest) : [];
  }

  /** A step not announced yet (an `ARG` prints nothing after its Step line) is announced as run. */
  private flushStep(): BuildEvent[] {
    const events = this.pending && !this.announced ? [this.announce(false)] : [];
    this.pending = undefined;
    return events;
  }

  private announce(cached: boolean): BuildEvent {
    const step = this.pending as BuildStep;
    step.cached = cached;
    this.announced = true;
    if (cached) this.cachedSteps += 1;
    return { kind: 'step', step: { ...step } };
  }

  private line(raw: string): BuildEvent[] {
    const line = raw.replace(ANSI_COLOUR, '').trimEnd();
    if (!line.trim()) return [];
    this.tail.push(line);
    if (this.tail.length > FAILURE_TAIL) this.tail.shift();
    const events: BuildEvent[] = [];
    const step = STEP.exec(line);
    if (step) {
      events.push(...this.flushStep());
      this.currentStepLine = line;
      this.pending = { index: Number(step[1]), total: Number(step[2]), instruction: step[3].replace(/\s+/g, ' ').trim(), cached: false };
      this.announced = false;
      this.stepsSeen += 1;
      this.totalSteps = Number(step[2]);
      this.lastOutput = '';
    } else if (this.pending && !this.announced) {
      // The first line after a Step line says whether it came from the cache or runs.
      events.push(this.announce(USING_CACHE.test(line)));
    }
    if (!step && !BUILDER_LINE.test(line)) this.lastOutput = line.trim();
    events.push({ kind: 'output', line });
    return events;
  }
}

/** At most `max` characters, cut with an ellipsis. */
export function shorten(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** `step 3/9 (cached)` or `step 4/9: RUN npm ci …` (the instruction cut to 70 characters). */
export function formatBuildStep(step: BuildStep): string {
  return step.cached ? `step ${step.index}/${step.total} (cached)` : `step ${step.index}/${step.total}: ${shorten(step.instruction, 70)}`;
}
