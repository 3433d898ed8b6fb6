// One reader of an environment's router access logs, shared by everything that watches it (the
// panel, the tree, the status bar). It streams only while somebody subscribes: the first
// subscriber starts the stream, the last one to leave stops it, so an idle editor holds no
// SSH session or Docker log stream open.
import { SplitAggregator } from '../traffic/splitAggregator';
import { CHART_SECONDS, ConfiguredSplit, DatabaseSummary, ReaderStatus, TrafficView, UPDATE_POINTS, shapeTrafficView } from './trafficView';

/** Where a reader's lines and configured split come from; the real one wraps an EnvironmentHandle. */
export interface LiveTrafficSource {
  /** Streams log lines until `signal` aborts; resolving or throwing before that means the stream broke. */
  streamLines(onLine: (line: string) => void, signal: AbortSignal): Promise<void>;
  /** The split the routers carry now. */
  readConfigured(): Promise<ConfiguredSplit | undefined>;
  /** The database's connections, read at the same pace as the split; absent without a database. */
  readDatabase?(): Promise<DatabaseSummary | undefined>;
}

export interface LiveTrafficOptions {
  /** How often subscribers get a view (default 1000 ms). */
  updateIntervalMs?: number;
  /** How often the routers' state documents are read back (default 5000 ms). */
  configuredIntervalMs?: number;
  /** Wait before re-opening a stream that broke (default 2000 ms). */
  retryDelayMs?: number;
  windowSeconds?: number;
  /** Epoch milliseconds; the window's end moves with it so a quiet log shows as zero traffic. */
  now?: () => number;
}

export type TrafficViewListener = (view: TrafficView) => void;

export interface Subscription {
  dispose(): void;
}

export class LiveTraffic {
  readonly aggregator: SplitAggregator;
  private readonly listeners = new Set<TrafficViewListener>();
  private readonly updateIntervalMs: number;
  private readonly configuredIntervalMs: number;
  private readonly retryDelayMs: number;
  private readonly now: () => number;
  private configured: ConfiguredSplit | undefined;
  private database: DatabaseSummary | undefined;
  private readerState: ReaderStatus['state'] = 'idle';
  private lastError: string | undefined;
  private stream: AbortController | undefined;
  private updateTimer: NodeJS.Timeout | undefined;
  private configuredTimer: NodeJS.Timeout | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  /** Serial of the configured split whose stage was last turned into a marker. */
  private markedSerial: number | undefined;

  constructor(readonly environment: string, private readonly source: LiveTrafficSource, options: LiveTrafficOptions = {}) {
    this.aggregator = new SplitAggregator({ windowSeconds: options.windowSeconds ?? CHART_SECONDS });
    this.updateIntervalMs = options.updateIntervalMs ?? 1000;
    this.configuredIntervalMs = options.configuredIntervalMs ?? 5000;
    this.retryDelayMs = options.retryDelayMs ?? 2000;
    this.now = options.now ?? Date.now;
  }

  /** Whether the log is being read (somebody subscribes). */
  get watching(): boolean {
    return this.listeners.size > 0;
  }

  get subscribers(): number {
    return this.listeners.size;
  }

  /** Calls `listener` with a view about once per update interval until disposed. */
  subscribe(listener: TrafficViewListener): Subscription {
    this.listeners.add(listener);
    if (this.listeners.size === 1) this.start();
    let disposed = false;
    return {
      dispose: () => {
        if (disposed) return;
        disposed = true;
        this.listeners.delete(listener);
        if (this.listeners.size === 0) this.stop();
      },
    };
  }

  /** The view now; `points` newest chart points (the whole chart span by default). */
  view(points = CHART_SECONDS): TrafficView {
    this.aggregator.advanceTo(this.now() / 1000);
    return shapeTrafficView(this.aggregator, {
      environment: this.environment,
      configured: this.configured,
      database: this.database,
      reader: { state: this.readerState, error: this.lastError, ingested: this.aggregator.ingested, rejected: this.aggregator.rejected },
      points,
    });
  }

  /** Records a stage marker (the editor calls it when it runs a stage). */
  mark(label: string, time: number | Date = this.now() / 1000): void {
    this.aggregator.mark(label, time);
  }

  /** Re-reads the routers' configured split now (e.g. right after a stage changed it). */
  async refreshConfigured(): Promise<ConfiguredSplit | undefined> {
    try {
      const configured = await this.source.readConfigured();
      this.setConfigured(configured);
    } catch (error) {
      this.lastError = `reading the routers' state: ${(error as Error).message}`;
    }
    if (this.source.readDatabase) {
      this.database = await this.source.readDatabase().catch((error: Error) => ({
        total: 0, maxConnections: 0, zombies: 0, zombieAfterSeconds: 0, holders: [], error: error.message,
      }));
    }
    return this.configured;
  }

  /** Stops reading and forgets subscribers. */
  dispose(): void {
    this.listeners.clear();
    this.stop();
  }

  private setConfigured(configured: ConfiguredSplit | undefined): void {
    const previous = this.configured;
    this.configured = configured;
    if (!configured || configured.serial === this.markedSerial) return;
    // A new state document is a stage that ran (here, in a terminal or on a teammate's machine):
    // mark it where it happened, if that is inside the chart.
    const changedAt = Date.parse(configured.changedAt) / 1000;
    const inChart = Number.isFinite(changedAt) && changedAt > this.now() / 1000 - CHART_SECONDS;
    if (inChart && (previous === undefined || previous.serial !== configured.serial)) this.aggregator.mark(configured.stage, changedAt);
    this.markedSerial = configured.serial;
  }

  private start(): void {
    this.openStream();
    void this.refreshConfigured();
    this.configuredTimer = setInterval(() => void this.refreshConfigured(), this.configuredIntervalMs);
    this.updateTimer = setInterval(() => this.publish(), this.updateIntervalMs);
  }

  private stop(): void {
    this.stream?.abort();
    this.stream = undefined;
    for (const timer of [this.updateTimer, this.configuredTimer]) if (timer) clearInterval(timer);
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.updateTimer = this.configuredTimer = this.retryTimer = undefined;
    this.readerState = 'idle';
  }

  private openStream(): void {
    const controller = new AbortController();
    this.stream = controller;
    this.readerState = 'starting';
    const onLine = (line: string) => {
      this.readerState = 'streaming';
      this.lastError = undefined;
      this.aggregator.ingestLine(line);
    };
    this.source.streamLines(onLine, controller.signal).then(
      () => this.streamEnded(controller, undefined),
      (error: Error) => this.streamEnded(controller, error),
    );
    // A stream that opened but carries no request yet is still streaming.
    setTimeout(() => { if (this.stream === controller && this.readerState === 'starting') this.readerState = 'streaming'; }, 1000).unref?.();
  }

  private streamEnded(controller: AbortController, error: Error | undefined): void {
    if (controller.signal.aborted || this.stream !== controller) return;
    // The stream broke while somebody watches (a router restarted, SSH dropped): try again.
    this.readerState = 'retrying';
    this.lastError = error ? error.message : 'the log stream ended';
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      if (this.watching && this.stream === controller) this.openStream();
    }, this.retryDelayMs);
  }

  private publish(): void {
    if (!this.listeners.size) return;
    const view = this.view(UPDATE_POINTS);
    for (const listener of [...this.listeners]) {
      try {
        listener(view);
      } catch {
        // One broken watcher must not stop the others' updates.
      }
    }
  }
}
