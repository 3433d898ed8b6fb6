// Starts and stops simulated users against a sandbox's routers from the panel. One run at a
// time; every run has a duration cap, so a forgotten panel never loads the machine for hours.
import { TrafficGenerator, TrafficSnapshot } from '../traffic/trafficGenerator';

export const MAX_RPS = 500;
/** A run stops by itself after this long. */
export const MAX_RUN_MS = 15 * 60_000;

export interface TrafficSettings {
  /** Requests per second. */
  rps: number;
  /** Share 0–1 of mobile users. */
  mobileShare: number;
}

export interface TrafficControlView {
  running: boolean;
  settings?: TrafficSettings;
  sent: number;
  ok: number;
  failed: number;
  achievedRps: number;
  elapsedSeconds: number;
}

export const IDLE_TRAFFIC: TrafficControlView = { running: false, sent: 0, ok: 0, failed: 0, achievedRps: 0, elapsedSeconds: 0 };

/** Checks settings that came from a form; returns an error message or undefined. */
export function checkTrafficSettings(settings: TrafficSettings): string | undefined {
  if (!Number.isFinite(settings.rps) || settings.rps <= 0 || settings.rps > MAX_RPS) return `rate must be above 0 and at most ${MAX_RPS} requests/s`;
  if (!(settings.mobileShare >= 0 && settings.mobileShare <= 1)) return 'mobile share must be within 0–100 %';
  return undefined;
}

export function trafficControlView(snapshot: TrafficSnapshot | undefined, settings: TrafficSettings | undefined): TrafficControlView {
  if (!snapshot) return { ...IDLE_TRAFFIC, settings };
  return {
    running: snapshot.running,
    settings,
    sent: snapshot.sent,
    ok: snapshot.ok,
    failed: snapshot.failed,
    achievedRps: snapshot.achievedRps,
    elapsedSeconds: snapshot.elapsedMs / 1000,
  };
}

export class TrafficControl {
  private generator: TrafficGenerator | undefined;
  private settings: TrafficSettings | undefined;
  private readonly listeners = new Set<(view: TrafficControlView) => void>();

  /** Starts a run against `targets` (router URLs), replacing a running one. */
  async start(targets: string[], settings: TrafficSettings): Promise<void> {
    const problem = checkTrafficSettings(settings);
    if (problem) throw new RangeError(problem);
    await this.stop();
    const generator = new TrafficGenerator({ targets, rps: settings.rps, mobileShare: settings.mobileShare, durationMs: MAX_RUN_MS, keepAlive: true });
    this.generator = generator;
    this.settings = settings;
    generator.on('progress', () => this.emit());
    generator.on('done', () => this.emit());
    void generator.start();
    this.emit();
  }

  async stop(): Promise<void> {
    const generator = this.generator;
    if (!generator) return;
    await generator.stop();
    this.emit();
  }

  view(): TrafficControlView {
    return trafficControlView(this.generator?.snapshot(), this.settings);
  }

  onChange(listener: (view: TrafficControlView) => void): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  async dispose(): Promise<void> {
    this.listeners.clear();
    await this.stop();
  }

  private emit(): void {
    const view = this.view();
    for (const listener of this.listeners) listener(view);
  }
}
