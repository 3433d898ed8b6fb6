// Switch latency with three routers (issue 18, item 6: p50 ≤ 300 ms over Docker exec and over SSH),
// and where a switch's time goes. The sandbox `switchbench` (bench/fixtures/switchbench.yaml: 3
// routers, one host per app per color, the database) is driven over Docker exec and over SSH into
// the same containers. For each transport, and each way of reaching a host:
//   channel   the product: short commands run on one long-lived shell per host (src/core/transport/channel.ts)
//   one-shot  every command its own `docker exec` / ssh session (BLUEGREEN_TRANSPORT_CHANNEL=off), as before
// N switches (blue ↔ green) on one open environment, as bench/release.ts measures them (the figure
// in docs/benchmarks.md before this), then N whole `switch` stages each on a freshly opened
// environment with the lock and the audit line, as `bluegreen switch` runs (new channels, and over
// SSH a new master connection, every time).
//
// A switch's latency runs from the stage call to the first response after which every response
// comes from the new color (bench/lib/colorProbe.ts), through the routers' published ports on
// 127.0.0.1 (no host process sends to a container address). Every host round trip of every switch
// is traced (src/core/transport/trace.ts): which command, on which host, how, how long, in phases.
//
// Before the switches, the transport's own cost: round trips of a command that does nothing
// (`true`, with a time limit as every router command has) to one router, for each transport and reach.
//
// Run: npx tsx bench/switch-latency.ts [--switches=10] [--kinds=warm,cli] [--reaches=one-shot,channel] [--pace=20] [--keep]
//      → bench/switch-latency.json
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { requireConfig } from '../src/core/config';
import { BluegreenConfig } from '../src/core/model';
import { down, up } from '../src/core/sandbox';
import { openEnvironment, EnvironmentHandle } from '../src/core/environment/openEnvironment';
import { routerUrls } from '../src/core/environment/routerUrls';
import { traceTransports, onTransportDebug, type TransportTraceEvent } from '../src/core/transport';
import { StageContext } from '../src/core/stages/stageContext';
import { runStage } from '../src/core/stages/runStage';
import { stageHostsAhead } from '../src/core/stages/hostsAhead';
import { switchTo } from '../src/core/stages/switch';
import { Color, otherColor } from '../src/core/model';
import { currentState, readRouters } from '../src/core/fleet/readRouters';
import { ColorProbe } from './lib/colorProbe';
import { withSshEnvironment } from './lib/sshEnvironment';
import { machineLoad, MachineLoad, median, percentile, round } from './lib/measure';

const ENV = 'switchbench';
const SSH_ENV = 'switchbench-ssh';
const CONFIG = path.resolve(__dirname, 'fixtures/switchbench.yaml');
const OUT = path.resolve(__dirname, 'switch-latency.json');

type Transport = 'docker exec' | 'ssh';
type Reach = 'channel' | 'one-shot';

interface TraceRow {
  host: string;
  via: TransportTraceEvent['via'];
  command: string;
  /** ms from the stage call to the start of this round trip. */
  atMs: number;
  durationMs: number;
  phases: Record<string, number>;
}

interface SwitchRun {
  to: Color;
  /** Stage call to responses settled on the new color. */
  settledMs: number;
  /** The stage call itself (it also waits for the old color's requests in flight). */
  callMs: number;
  roundTrips: number;
  trace: TraceRow[];
}

interface Series {
  transport: Transport;
  reach: Reach;
  /** `warm`: one open environment for every switch (switchTo, as bench/release.ts); `cli`: a fresh one per stage, with lock and audit (runStage). */
  kind: 'warm' | 'cli';
  runs: SwitchRun[];
  settledMs: { p50: number; p95: number };
  callMs: { p50: number; p95: number };
  machine: { start: MachineLoad; end: MachineLoad };
}

const args = new Map(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=') as [string, string]));
const SWITCHES = Number(args.get('switches') ?? 10);
const KINDS = new Set((args.get('kinds') ?? 'warm,cli').split(','));
const REACHES = (args.get('reaches') ?? 'one-shot,channel').split(',') as Reach[];
/**
 * The probe's pace: each of its 2 loops per router sends a request at most every PACE_MS (20 ms:
 * 100 req/s per router, the move timed to ~10 ms). `--pace=0` is the unpaced probe of the first
 * runs, which kept both cores busy by itself.
 */
const PACE_MS = Number(args.get('pace') ?? 20);
const EMPTY_ROUND_TRIPS = 30;

interface EmptyRoundTrips {
  transport: Transport;
  reach: Reach;
  host: string;
  ms: { p50: number; p95: number };
  /** Median of each phase (Docker one-shot: create, start, stream, inspect; channel: queue, open/check, round trip). */
  phases: Record<string, number>;
}
const log = (line: string) => console.error(line);

/** A short readable name for a host command (the first words of its script). */
function label(command: string): string {
  const flat = command.replace(/\s+/g, ' ').trim();
  if (flat.startsWith('mkdir -p') && flat.includes('cat >')) return 'put (write a file)';
  return flat.length > 70 ? `${flat.slice(0, 67)}...` : flat;
}

async function main(): Promise<void> {
  const config = await requireConfig(CONFIG);
  log(`switch latency: bringing the ${ENV} sandbox up (3 routers)`);
  await up(config, ENV);
  const sshConfig = await withSshEnvironment(config, ENV, SSH_ENV);
  const setup = openEnvironment(config, ENV);
  const targets = await routerUrls(setup);
  await setup.close();
  log(`  probing through ${targets.join(' ')}`);
  const debugNotes: string[] = [];
  const stopDebug = onTransportDebug((host, text) => debugNotes.push(`${host}: ${text}`));
  const series: Series[] = [];
  const empty: EmptyRoundTrips[] = [];
  const probe = new ColorProbe(targets, '/api/version', 2, PACE_MS);
  probe.start();
  try {
    for (const [transport, cfg, env] of [['docker exec', config, ENV], ['ssh', sshConfig, SSH_ENV]] as Array<[Transport, BluegreenConfig, string]>) {
      for (const reach of REACHES) {
        if (reach === 'one-shot') process.env.BLUEGREEN_TRANSPORT_CHANNEL = 'off';
        else delete process.env.BLUEGREEN_TRANSPORT_CHANNEL;
        empty.push(await emptyRoundTrips(cfg, env, transport, reach));
        log(`  ${transport} ${reach}: an empty round trip p50 ${empty[empty.length - 1].ms.p50} ms p95 ${empty[empty.length - 1].ms.p95} ms ` +
          `(${Object.entries(empty[empty.length - 1].phases).map(([k, v]) => `${k} ${v}`).join(', ')}); load ${machineLoad().loadAverage[0]}`);
        if (KINDS.has('warm')) {
          series.push(await warmSeries(cfg, env, transport, reach, probe));
          log(describe(series[series.length - 1]));
        }
        if (KINDS.has('cli')) {
          series.push(await cliSeries(cfg, env, transport, reach, probe));
          log(describe(series[series.length - 1]));
        }
      }
    }
  } finally {
    delete process.env.BLUEGREEN_TRANSPORT_CHANNEL;
    stopDebug();
    await probe.stop();
  }
  const result = {
    at: new Date().toISOString(),
    command: `npx tsx ${process.argv.slice(1).map((a) => path.relative(process.cwd(), a) || a).join(' ')}`,
    routers: 3,
    probe: { loopsPerRouter: 2, paceMs: PACE_MS },
    load: machineLoad(),
    goal: 'switch p50 ≤ 300 ms over Docker exec and over SSH, 3 routers',
    emptyRoundTrips: empty,
    // Every run's figures; the round-trip trace of the median run only (the file stays small).
    series: series.map((s) => ({ ...s, runs: s.runs.map((r) => (r === medianRun(s) ? r : { ...r, trace: undefined })) })),
    debugNotes: debugNotes.slice(0, 50),
  };
  writeFileSync(OUT, `${JSON.stringify(result, null, 2)}\n`);
  log('');
  for (const s of series) printBreakdown(s);
  log(`\nwritten: ${path.relative(process.cwd(), OUT)}`);
  if (!args.has('keep')) await down(config, ENV).catch((error: Error) => log(`warning: down failed: ${error.message}`));
}

/** The transport alone: `true` on the first router, again and again, on one open environment. */
async function emptyRoundTrips(config: BluegreenConfig, env: string, transport: Transport, reach: Reach): Promise<EmptyRoundTrips> {
  const handle = openEnvironment(config, env);
  const router = handle.routers[0];
  const events: TransportTraceEvent[] = [];
  try {
    await router.transport.exec('true', { timeoutMs: 5000 }); // the master connection, the channel
    const stop = traceTransports((e) => { if (e.via === 'channel' || e.via === 'one-shot') events.push(e); });
    const runs: number[] = [];
    try {
      for (let i = 0; i < EMPTY_ROUND_TRIPS; i++) {
        const started = performance.now();
        await router.transport.exec('true', { timeoutMs: 5000 });
        runs.push(performance.now() - started);
      }
    } finally {
      stop();
    }
    const names = [...new Set(events.flatMap((e) => e.phases.map(([name]) => name)))];
    const phases = Object.fromEntries(names.map((name) => [name, round(median(events.map((e) => e.phases.find(([n]) => n === name)?.[1] ?? 0)), 1)]));
    return { transport, reach, host: router.name, ms: { p50: round(median(runs), 1), p95: round(percentile(runs, 95), 1) }, phases };
  } finally {
    await handle.close();
  }
}

function ctxOf(handle: EnvironmentHandle): StageContext {
  return { handle, actor: 'bench@bluegreen', progress: () => undefined, yes: true, force: false };
}

async function carried(handle: EnvironmentHandle): Promise<Color> {
  const { state } = currentState(await readRouters(handle.routers));
  return (state.plan.weights.green ?? 0) >= 100 ? 'green' : 'blue';
}

/** One switch, traced: from the call to the responses settled on the new color. */
async function measured(to: Color, probe: ColorProbe, call: () => Promise<unknown>): Promise<SwitchRun> {
  const events: TransportTraceEvent[] = [];
  const stop = traceTransports((e) => events.push(e));
  const calledAt = performance.now();
  try {
    await call();
  } finally {
    stop();
  }
  const callMs = performance.now() - calledAt;
  const settledMs = await probe.settledOn(to, calledAt);
  probe.trim(calledAt);
  const trace = events.map((e): TraceRow => ({
    host: e.host,
    via: e.via,
    command: label(e.command),
    atMs: round(e.startedAt - calledAt, 1),
    durationMs: round(e.durationMs, 1),
    phases: Object.fromEntries(e.phases.map(([name, ms]) => [name, round(ms, 1)])),
  }));
  return { to, settledMs: round(settledMs), callMs: round(callMs), roundTrips: trace.filter((t) => t.via === 'channel' || t.via === 'one-shot').length, trace };
}

async function warmSeries(config: BluegreenConfig, env: string, transport: Transport, reach: Reach, probe: ColorProbe): Promise<Series> {
  log(`${transport}, ${reach}: ${SWITCHES} switches on one open environment`);
  const start = machineLoad();
  const handle = openEnvironment(config, env);
  const ctx = ctxOf(handle);
  const runs: SwitchRun[] = [];
  try {
    let color = await carried(handle);
    // One unmeasured switch: the first command opens the master connection / channels.
    color = otherColor(color);
    await switchTo(ctx, color);
    for (let i = 0; i < SWITCHES; i++) {
      color = otherColor(color);
      const to = color;
      runs.push(await measured(to, probe, () => switchTo(ctx, to)));
    }
  } finally {
    await handle.close();
  }
  return summarize(transport, reach, 'warm', runs, start);
}

async function cliSeries(config: BluegreenConfig, env: string, transport: Transport, reach: Reach, probe: ColorProbe): Promise<Series> {
  log(`${transport}, ${reach}: ${SWITCHES} whole switch stages, each on a freshly opened environment (as the CLI)`);
  const start = machineLoad();
  const runs: SwitchRun[] = [];
  let color = await (async () => {
    const handle = openEnvironment(config, env);
    try {
      return await carried(handle);
    } finally {
      await handle.close();
    }
  })();
  for (let i = 0; i < SWITCHES; i++) {
    color = otherColor(color);
    const to = color;
    runs.push(await measured(to, probe, async () => {
      const handle = openEnvironment(config, env);
      try {
        const ctx = ctxOf(handle);
        // As `bluegreen switch` runs it (src/cli/commands/stages.ts): the receiving hosts connected ahead.
        await runStage(ctx, `switch ${to}`, () => switchTo(ctx, to), { ahead: stageHostsAhead(ctx.handle, { stage: 'switch', color: to }) });
      } finally {
        await handle.close();
      }
    }));
  }
  return summarize(transport, reach, 'cli', runs, start);
}

function summarize(transport: Transport, reach: Reach, kind: Series['kind'], runs: SwitchRun[], start: MachineLoad): Series {
  const stats = (values: number[]) => ({ p50: median(values), p95: percentile(values, 95) });
  return {
    transport, reach, kind, runs,
    settledMs: stats(runs.map((r) => r.settledMs)),
    callMs: stats(runs.map((r) => r.callMs)),
    machine: { start, end: machineLoad() },
  };
}

function describe(s: Series): string {
  return `  ${s.transport} ${s.reach} ${s.kind}: settled p50 ${s.settledMs.p50} ms p95 ${s.settledMs.p95} ms; stage call p50 ${s.callMs.p50} ms; ` +
    `round trips ${median(s.runs.map((r) => r.roundTrips))}; load ${s.machine.start.loadAverage[0]} → ${s.machine.end.loadAverage[0]}`;
}

function medianRun(s: Series): SwitchRun | undefined {
  const sorted = [...s.runs].sort((a, b) => a.settledMs - b.settledMs);
  return sorted[Math.floor((sorted.length - 1) / 2)];
}

/** The median run's round trips, per command and host, with their phases. */
function printBreakdown(s: Series): void {
  const run = medianRun(s);
  if (!run) return;
  log(`${s.transport}, ${s.reach}, ${s.kind} — the median switch (to ${run.to}): settled ${run.settledMs} ms, call ${run.callMs} ms, ${run.roundTrips} round trips`);
  for (const t of run.trace) {
    const phases = Object.entries(t.phases).map(([k, v]) => `${k} ${v}`).join(', ');
    log(`  +${String(t.atMs).padStart(7)} ms ${String(t.durationMs).padStart(7)} ms  ${t.host.padEnd(26)} ${t.via.padEnd(13)} ${t.command}  [${phases}]`);
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
