// The product's generator in its own process, so the stages the bench runs (Docker calls, artifact
// copies, JSON parsing) never delay its schedule: a lagging client would count its own stalls as
// router timeouts. Two clients at half the rate each — keep-alive and a fresh connection per
// request — and the per-phase bookkeeping, done here where the counts are.
// Args: JSON { targets, rps, paths }. Messages in: { mark: name } | 'stop'. Out: 'started', then
// one ChildReport when stopped.
import { TrafficGenerator, type TrafficSnapshot } from '../../src/core/traffic/trafficGenerator';

export interface PhaseCounts {
  phase: string;
  durationMs: number;
  sent: number;
  failed: number;
  asBrowserFailed: number;
}

export interface ChildReport {
  keepAlive: TrafficSnapshot;
  fresh: TrafficSnapshot;
  phases: PhaseCounts[];
}

const options = JSON.parse(process.argv[2] ?? '{}') as { targets: string[]; rps: number; paths: string[] };
const each = options.rps / 2;
const common = {
  targets: options.targets,
  rps: each,
  paths: options.paths,
  // Room for every request of the 5 s timeout: only a request unanswered for 5 s fails.
  maxInFlight: Math.ceil(each * 6),
  durationMs: 4 * 60 * 60 * 1000,
  retryOnReusedConnectionClose: true,
  progressIntervalMs: 60_000,
};
const keepAlive = new TrafficGenerator({ ...common, keepAlive: true });
const fresh = new TrafficGenerator({ ...common, keepAlive: false });
const running = Promise.all([keepAlive.start(), fresh.start()]);

const phases: PhaseCounts[] = [];
let phase = { name: 'start', ...counts() };

function counts() {
  const a = keepAlive.snapshot();
  const b = fresh.snapshot();
  return {
    at: Date.now(),
    sent: a.sent + b.sent,
    failed: a.failed + b.failed,
    browserFailed: (a.asBrowser?.failed ?? 0) + (b.asBrowser?.failed ?? 0),
  };
}

function mark(name: string): void {
  const now = counts();
  phases.push({
    phase: phase.name,
    durationMs: now.at - phase.at,
    sent: now.sent - phase.sent,
    failed: now.failed - phase.failed,
    asBrowserFailed: now.browserFailed - phase.browserFailed,
  });
  phase = { name, ...now };
}

async function stop(): Promise<void> {
  process.removeAllListeners('message');
  const [a, b] = await Promise.all([keepAlive.stop(), fresh.stop()]);
  await running;
  // Requests still in flight at `stop` finish (or time out) inside the last phase.
  mark('end');
  const report: ChildReport = { keepAlive: a, fresh: b, phases };
  process.send?.(report, () => process.exit(0));
}

process.on('message', (message: unknown) => {
  if (message === 'stop') void stop();
  else if (typeof message === 'object' && message && 'mark' in message) mark(String((message as { mark: unknown }).mark));
});
// The parent died without stopping us: stop rather than load the routers for hours.
process.on('disconnect', () => process.exit(0));
process.send?.('started');
