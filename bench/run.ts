// `npm run bench`: every benchmark in one run, one table, bench/results.json.
//   --quick   CI smoke: loopback routing with tiny counts, CLI start, a small aggregator run;
//             skips the sandbox, the release, docker-compose and the editor (seconds, not minutes)
//   --cold    also the cold sandbox `up` (removes every bluegreen/* image: not while others test)
//   --only=routing,release,sandbox,editor,plain,traffic,cli   a subset (plain: a release on plain
//             servers over SSH, bench/plainRelease.ts)
//   BENCH_RPS=N  total rate through the routers in full runs (default 1000: 500 from the
//             product's generator, 500 from autocannon)
// Figures are medians of several runs; ratios come from the same run; the machine's load average
// is recorded at the start and end of each part, since on 2 shared cores it moves every figure.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, promises as fs } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { runRoutingBench, RoutingModeResult } from './routing';
import { runReleaseBench, loadBenchConfig, BENCH_ENV } from './release';
import { composeAvailable, runComposeBaseline } from './compose';
import { machineLoad, median, round } from './lib/measure';
import { down } from '../src/core/sandbox';

const ROOT = path.resolve(__dirname, '..');
const args = process.argv.slice(2);
const quick = args.includes('--quick');
/** Total rate through the routers in full runs: half the product's generator, half autocannon. */
const FULL_RPS = Number(process.env.BENCH_RPS || 1000);
const cold = args.includes('--cold');
const only = args.find((a) => a.startsWith('--only='))?.slice(7).split(',');
const wanted = (part: string) => !only || only.includes(part);

interface Row {
  benchmark: string;
  mode?: string;
  figure: string;
  goal: string;
  met: string;
}

const rows: Row[] = [];
const row = (benchmark: string, figure: string, goal = '-', met?: boolean, mode?: string) =>
  rows.push({ benchmark, mode, figure, goal, met: met === undefined ? '-' : met ? 'yes' : 'NO' });
const log = (line: string) => process.stderr.write(`${line}\n`);

/** Runs a bench script in its own process; resolves with its exit code. */
function script(file: string, scriptArgs: string[] = [], timeoutMs = 30 * 60_000): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, file), ...scriptArgs], { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'] });
    const timer = setTimeout(() => child.kill('SIGTERM'), timeoutMs);
    child.on('exit', (code) => { clearTimeout(timer); resolve(code ?? 1); });
  });
}

async function readJson(file: string): Promise<Record<string, unknown> | undefined> {
  return fs.readFile(path.join(__dirname, file), 'utf8').then((t) => JSON.parse(t) as Record<string, unknown>, () => undefined);
}

function lossFigure(load: RoutingModeResult['load']): string {
  const ac = load.autocannon;
  return `${load.total.failed} raw / ${load.total.asBrowserFailed} browser of ${load.total.sent}` +
    ` (keep-alive ${load.keepAlive.failed}, fresh ${load.fresh.failed})` + (ac ? `; autocannon ${ac.failed} of ${ac.sent}` : '') +
    `; client lag max ${clientLagMs(load)} ms`;
}

/**
 * How late the product's generator sent its most delayed request. Above a second, this machine
 * starved the client itself (its event loop could not run): its timeouts then say nothing about
 * the router, and the run must be repeated at a lower load average.
 */
function clientLagMs(load: RoutingModeResult['load']): number {
  return Math.max(load.keepAlive.maxScheduleLagMs, load.fresh.maxScheduleLagMs);
}

function zeroLoss(load: RoutingModeResult['load'], ok = true): string {
  if (ok && load.total.failed === 0 && (load.autocannon?.failed ?? 0) === 0) return 'yes';
  return clientLagMs(load) > 1000 ? 'NO (client starved)' : 'NO';
}

async function main(): Promise<void> {
  const results: Record<string, unknown> = { startedAt: new Date().toISOString(), quick, node: process.version, machineStart: machineLoad() };
  const started = performance.now();

  if (wanted('routing')) {
    const rps = quick ? 200 : FULL_RPS;
    const routing = await runRoutingBench({ rps, flips: quick ? 4 : 20, holdMs: quick ? 500 : 1000, autocannon: true, log });
    results.routing = { description: 'loopback nginx routers over static upstreams: routing loss alone', rps, modes: routing };
    for (const r of routing) {
      // The product (njs, and files mode without njs) loses nothing; the naive reload is the baseline.
      const product = r.mode !== 'naive-reload';
      rows.push({ benchmark: 'routing loss (loopback, flips)', mode: r.mode, figure: lossFigure(r.load), goal: product ? '0' : '-', met: product ? zeroLoss(r.load) : '-' });
      row('switch latency (loopback) p50/p95 ms', `${r.switchLatencyMs.p50} / ${r.switchLatencyMs.p95}`, r.mode === 'njs' ? '≤ 500' : '-', r.mode === 'njs' ? r.switchLatencyMs.p50 <= 500 : undefined, r.mode);
    }
  }

  let sandboxForCompose = false;
  if (!quick && wanted('release')) {
    try {
      const release = await runReleaseBench({ rps: FULL_RPS, switches: 10, autocannon: true, log });
      results.release = { description: `whole release + rollback in the Docker sandbox "${BENCH_ENV}" (bench/fixtures/benchtest.yaml)`, rps: FULL_RPS, ...release };
      for (const m of release.modes) {
        const product = m.mode !== 'naive-reload';
        rows.push({ benchmark: 'release loss (sandbox)', mode: m.mode, figure: `${m.ok ? '' : 'STOPPED; '}${lossFigure(m.load)}`, goal: product ? '0' : '-', met: product ? zeroLoss(m.load, m.ok) : '-' });
      }
      for (const s of release.switchLatency) {
        row(`switch latency (sandbox stage, ${s.transport}) p50/p95 ms`, `${s.switchMs.p50} / ${s.switchMs.p95}`, '≤ 500 p50', s.switchMs.p50 <= 500, 'njs');
        row(`rollback latency (sandbox stage, ${s.transport}) p50/p95 ms`, `${s.rollbackMs.p50} / ${s.rollbackMs.p95}`, '-', undefined, 'njs');
      }
      sandboxForCompose = true;
    } catch (error) {
      results.release = { error: (error as Error).message };
      row('release loss (sandbox)', `ERROR: ${(error as Error).message.split('\n')[0]}`);
    }
  }

  if (!quick && wanted('sandbox')) {
    const machine = machineLoad();
    // The same topology on both sides: the product's `up` of the benchtest config, compose's copy of it.
    process.env.BLUEGREEN_BENCH_CONFIG ??= path.resolve(__dirname, 'fixtures/benchtest.yaml');
    const code = await script('sandbox.ts', cold ? [] : ['--warm-only']);
    const sandbox = await readJson('sandbox.json') as { warmUpMs?: { median: number }; coldUpMs?: { value: number }; downMs?: { median: number } } | undefined;
    let compose: Awaited<ReturnType<typeof runComposeBaseline>> | { error: string } | undefined;
    const config = await loadBenchConfig();
    if (await composeAvailable()) {
      try {
        // The release bench leaves its sandbox up; otherwise bring it up to copy its topology.
        if (!sandboxForCompose) await (await import('../src/core/sandbox')).up(config, BENCH_ENV);
        compose = await runComposeBaseline(config, BENCH_ENV, 3);
      } catch (error) {
        compose = { error: (error as Error).message };
      }
    } else {
      compose = { error: 'docker-compose is not installed (apt-get install docker-compose)' };
    }
    await down(config, BENCH_ENV, { volumes: true }).catch(() => undefined);
    const warm = sandbox?.warmUpMs?.median ?? Number.NaN;
    const composeUp = compose && 'upMs' in compose ? compose.upMs.median : Number.NaN;
    const ratio = round(warm / composeUp, 2);
    results.sandbox = { exitCode: code, product: sandbox, compose, warmUpRatioToCompose: ratio, machine: { start: machine, end: machineLoad() } };
    row('sandbox warm up ms (median of 3)', String(warm), '≤ 1.0 × compose', ratio <= 1, 'bluegreen');
    row('sandbox up ms (docker-compose, median of 3)', compose && 'upMs' in compose ? String(composeUp) : `ERROR: ${(compose as { error: string }).error}`, '-', undefined, 'docker-compose');
    row('sandbox warm up / docker-compose up', String(ratio), '≤ 1.0', ratio <= 1);
    row('sandbox cold up ms', String(sandbox?.coldUpMs?.value ?? 'n/a'), '-', undefined, cold ? 'measured now' : 'from an earlier --cold run');
    row('sandbox down ms (median)', String(sandbox?.downMs?.median ?? 'n/a'));
  }

  if (!quick && wanted('editor')) {
    const machine = machineLoad();
    const code = existsSync(path.join(__dirname, 'editor.ts')) ? await script('editor.ts') : -1;
    const editor = await readJson('editor.json');
    results.editor = { exitCode: code, figures: editor, machine: { start: machine, end: machineLoad() } };
    const figures = editor as { activation?: { totalMs: number }; vsix?: { mb: number } } | undefined;
    if (code === 0 && figures?.activation && figures.vsix) {
      row('editor activation ms (extension host)', String(figures.activation.totalMs), '≤ 50', figures.activation.totalMs <= 50);
      row('VSIX size MB', String(figures.vsix.mb), '≤ 1.5', figures.vsix.mb <= 1.5);
    } else {
      row('editor (bench/editor.ts)', `exit ${code}; ${summarize(editor)}`);
    }
  }

  if (!quick && wanted('plain')) {
    const machine = machineLoad();
    const code = await script('plainRelease.ts', [], 45 * 60_000);
    const plain = await readJson('plain-release.json') as { rps?: number; njs?: { sent: number; failedRaw: number }; files?: { sent: number; failedRaw: number; failedAsBrowser: number } } | undefined;
    results.plainRelease = { exitCode: code, figures: plain, machine: { start: machine, end: machineLoad() } };
    if (code === 0 && plain?.njs && plain.files) {
      row(`release on plain servers at ${plain.rps} req/s: njs router lost`, `${plain.njs.failedRaw} of ${plain.njs.sent}`, '0', plain.njs.failedRaw === 0, 'njs');
      row(`release on plain servers at ${plain.rps} req/s: router without njs lost`, `${plain.files.failedRaw} raw / ${plain.files.failedAsBrowser} browser of ${plain.files.sent}`, '0', plain.files.failedRaw === 0, 'files');
    } else {
      row('release on plain servers (bench/plainRelease.ts)', `exit ${code}; ${summarize(plain)}`);
    }
  }

  if (wanted('traffic')) {
    const machine = machineLoad();
    const aggregatorCode = await script('aggregator.ts', quick ? ['20000'] : []);
    const aggregator = await readJson('aggregator.json') as { linesPerSecond?: number } | undefined;
    row('aggregator ingestion lines/s (CPU time)', String(aggregator?.linesPerSecond ?? `exit ${aggregatorCode}`), '≥ 50000', (aggregator?.linesPerSecond ?? 0) >= 50_000);
    let preview: Record<string, unknown> | undefined;
    let previewCode: number | undefined;
    if (!quick && existsSync(path.join(__dirname, 'preview.ts'))) {
      previewCode = await script('preview.ts');
      preview = await readJson('preview.json');
      row('preview proxy (bench/preview.ts)', previewCode === 0 ? summarize(preview) : `exit ${previewCode}; ${summarize(preview)}`);
    }
    results.traffic = { aggregator, aggregatorExitCode: aggregatorCode, preview, previewExitCode: previewCode, machine: { start: machine, end: machineLoad() } };
  }

  if (wanted('cli')) {
    const cli = path.join(ROOT, 'dist/cli.js');
    if (!existsSync(cli)) spawnSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'ignore' });
    const runs: number[] = [];
    for (let i = 0; i < (quick ? 3 : 10); i++) {
      const began = performance.now();
      const out = spawnSync(process.execPath, [cli, '--version'], { encoding: 'utf8' });
      if (out.status !== 0) throw new Error(`node dist/cli.js --version failed: ${out.stderr}`);
      runs.push(round(performance.now() - began));
    }
    results.cli = { startMs: { runs, median: median(runs) } };
    row(`CLI start ms (node dist/cli.js --version, median of ${runs.length})`, String(median(runs)));
  }

  results.machineEnd = machineLoad();
  results.finishedAt = new Date().toISOString();
  results.durationMs = Math.round(performance.now() - started);
  results.table = rows;
  await fs.writeFile(path.join(__dirname, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
  const start = results.machineStart as { loadAverage: number[] };
  const end = results.machineEnd as { loadAverage: number[] };
  console.table(rows);
  console.log(`load average (1/5/15 min) at start ${start.loadAverage.join(' ')}, at end ${end.loadAverage.join(' ')}; wrote bench/results.json`);
}

/** A short line from another script's JSON: its numeric top-level figures. */
function summarize(figures: Record<string, unknown> | undefined): string {
  if (!figures) return 'no figures written';
  return Object.entries(figures)
    .filter(([, v]) => typeof v === 'number' || typeof v === 'boolean')
    .slice(0, 6)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
