// The product's generator in its own process, so the stages the bench runs (Docker calls, artifact
// copies, JSON parsing) never delay its schedule: a lagging client would count its own stalls as
// router timeouts. Two clients at half the rate each — keep-alive and a fresh connection per
// request — and the per-phase bookkeeping, done here where the counts are. It runs in the load
// container on the sandbox's network, or on this machine for loopback (loadContainer.ts).
// Args: JSON { targets, rps, paths }. In, one JSON line each on stdin: { mark, at } (a new phase
// from `at`, epoch ms: the container shares this machine's clock) or { stop: true }; stdin closed
// also stops. Out on stdout: { started: { targets } }, then { report: ChildReport } once stopped.
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import readline from 'node:readline';
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

export type ChildCommand = { mark: string; at: number } | { stop: true };
export type ChildOutput = { started: { targets: string[] } } | { report: ChildReport };

interface Counts {
  at: number;
  sent: number;
  failed: number;
  browserFailed: number;
}

/** How often the counts are noted, so a mark that arrives late still cuts the phases at its `at`. */
const SAMPLE_MS = 50;
const KEEP_SAMPLES_MS = 30_000;

/**
 * A router named on the sandbox network is looked up once, here: with a fresh connection per
 * request the generator would otherwise ask Docker's DNS 250 times a second (a lookup on libuv's
 * thread pool each), which a client given addresses — as these were before — never did.
 */
async function resolved(target: string): Promise<string> {
  const url = new URL(target);
  if (isIP(url.hostname) || url.hostname === 'localhost') return target;
  url.hostname = (await lookup(url.hostname, { family: 4 })).address;
  return url.toString().replace(/\/$/, '');
}

async function main(): Promise<void> {
  const options = JSON.parse(process.argv[2] ?? '{}') as { targets: string[]; rps: number; paths: string[] };
  const targets = await Promise.all(options.targets.map(resolved));
  const each = options.rps / 2;
  const common = {
    targets,
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

  const counts = (): Counts => {
    const a = keepAlive.snapshot();
    const b = fresh.snapshot();
    return {
      at: Date.now(),
      sent: a.sent + b.sent,
      failed: a.failed + b.failed,
      browserFailed: (a.asBrowser?.failed ?? 0) + (b.asBrowser?.failed ?? 0),
    };
  };
  const samples: Counts[] = [];
  const sampler = setInterval(() => {
    samples.push(counts());
    while (samples.length && samples[0].at < Date.now() - KEEP_SAMPLES_MS) samples.shift();
  }, SAMPLE_MS);

  const phases: PhaseCounts[] = [];
  let phase = { name: 'start', ...counts() };

  /** The counts noted nearest to `at`, never before the current phase began. */
  const countsAt = (at: number): Counts => {
    let best = counts();
    for (const s of samples) if (Math.abs(s.at - at) < Math.abs(best.at - at)) best = s;
    return best.at < phase.at ? phase : best;
  };

  const mark = (name: string, at = Date.now()) => {
    const now = countsAt(at);
    phases.push({
      phase: phase.name,
      durationMs: now.at - phase.at,
      sent: now.sent - phase.sent,
      failed: now.failed - phase.failed,
      asBrowserFailed: now.browserFailed - phase.browserFailed,
    });
    phase = { name, ...now };
  };

  let stopping: Promise<void> | undefined;
  const stop = () => (stopping ??= (async () => {
    clearInterval(sampler);
    const [a, b] = await Promise.all([keepAlive.stop(), fresh.stop()]);
    await running;
    // Requests still in flight at `stop` finish (or time out) inside the last phase.
    mark('end');
    send({ report: { keepAlive: a, fresh: b, phases } }, () => process.exit(0));
  })());

  const input = readline.createInterface({ input: process.stdin });
  input.on('line', (line) => {
    const command = JSON.parse(line) as ChildCommand;
    if ('stop' in command) void stop();
    else mark(command.mark, command.at);
  });
  // The bench went away without stopping us: stop rather than load the routers for hours.
  input.on('close', () => void stop());
  send({ started: { targets } });
}

function send(output: ChildOutput, done?: () => void): void {
  process.stdout.write(`${JSON.stringify(output)}\n`, done);
}

main().catch((error: Error) => {
  process.stderr.write(`the load generator failed to start: ${error.message}\n`);
  process.exit(1);
});
