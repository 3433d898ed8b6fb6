// The product's main job: rehearse a whole release in the local sandbox under load. Brings the
// sandbox up, makes sure both colors run the same (current) version, then walks the runbook for
// the next version while simulated web and mobile users go through both routers, and reports
// each stage with its duration, the split observed after it, and the requests lost.
import { BluegreenConfig, COLORS, Color, VERSION_PATTERN, findEnvironment } from '../model';
import { InputError, PrerequisiteError, StageError } from '../errors';
import { formatSandboxProgress, up } from '../sandbox';
import { openEnvironment } from '../environment/openEnvironment';
import { routerUrls } from '../environment/routerUrls';
import { streamAccessLogs } from '../environment/accessLogStream';
import { SplitAggregator } from '../traffic/splitAggregator';
import { TrafficGenerator, TrafficSnapshot } from '../traffic/trafficGenerator';
import { StageContext } from '../stages/stageContext';
import { defaultActor } from '../actor';
import { requireVersion } from '../version';
import { release, describeStep, ReleaseOptions } from '../stages/release';
import { checkColorHealth } from '../stages/health';
import { readStatus } from '../stages/status';
import { restore } from '../stages/restore';
import { drain } from '../stages/drain';
import { deploy } from '../stages/deploy';
import { runStage } from '../stages/runStage';
import { samePlan } from '../router/describePlan';

export interface RehearseOptions {
  envName?: string;
  /** The version to release; default: the current version with its last number bumped. */
  version?: string;
  rps?: number;
  mobileShare?: number;
  progress?: (line: string) => void;
  signal?: AbortSignal;
  /** Runs migrations during the runbook (the database module provides it). */
  migrate?: ReleaseOptions['migrate'];
  /**
   * `zombies`: the story's database trouble — the next version leaks a connection per request
   * (the sample web app's `leaky` build); the connection gate must stop the release before the
   * database's limit, and the rehearsal then puts the sandbox back as it was.
   */
  scenario?: 'zombies';
}

export interface RehearsalStep {
  index: number;
  step: string;
  ok: boolean;
  summary: string;
  durationMs: number;
  /** Share of user requests per color seen in the routers' access log just after the step. */
  observedSplit: Record<Color, number>;
  /** Requests the generator sent and lost during the step. */
  sent: number;
  failed: number;
}

export interface RehearsalReport {
  environment: string;
  fromVersion: string;
  version: string;
  ok: boolean;
  error?: string;
  scenario?: 'zombies';
  /** For a scenario: whether the product behaved as the scenario expects (zombies: the gate stopped the release). */
  scenarioPassed?: boolean;
  /** What was done after the scenario to leave the sandbox usable. */
  cleanup?: string[];
  steps: RehearsalStep[];
  traffic: TrafficSnapshot;
  durationMs: number;
}

const SPLIT_SAMPLE_SECONDS = 2;

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** `1.0.0` → `1.0.1`, `2.3` → `2.4`, `build7` → `build8`; otherwise `<version>-next`. */
export function nextVersion(current: string): string {
  const match = /^(.*?)(\d+)([^\d]*)$/.exec(current);
  const next = match ? `${match[1]}${Number(match[2]) + 1}${match[3]}` : `${current}-next`;
  return VERSION_PATTERN.test(next) ? next : `${current.slice(0, 58)}-next`;
}

export async function rehearse(baseConfig: BluegreenConfig, options: RehearseOptions = {}): Promise<RehearsalReport> {
  const started = Date.now();
  const progress = options.progress ?? (() => undefined);
  const config = options.scenario === 'zombies' ? zombieScenarioConfig(baseConfig, progress) : baseConfig;
  const envName = options.envName ?? 'sandbox';
  const env = findEnvironment(config, envName);
  if (!env) throw new InputError(`unknown environment "${envName}"`, `environments in the config: ${Object.keys(config.environments).join(', ')}`);
  if (env.kind !== 'docker') throw new InputError(`rehearse runs in a sandbox; "${envName}" is reached over SSH`, 'use `bluegreen release VERSION --env ' + envName + '` for real hosts');

  progress('== bringing the sandbox up');
  // A build's steps (`build-step`) show; its raw output lines (`build`) would bury the rest.
  await up(config, env, { signal: options.signal, onProgress: (p) => { if (p.step !== 'build') progress(`  ${formatSandboxProgress(p)}`); } });

  const handle = openEnvironment(config, envName);
  const ctx: StageContext = { handle, actor: defaultActor(), progress: (l) => progress(`  ${l}`), yes: true, force: false, signal: options.signal };
  const stopLogs = new AbortController();
  try {
    const fromVersion = await currentVersion(ctx);
    const version = options.version ?? (options.scenario === 'zombies' ? `${nextVersion(fromVersion)}-leaky` : nextVersion(fromVersion));
    requireVersion(version);
    const status = await readStatus(handle);
    if (status.lock) throw new StageError(`the sandbox's release lock is held by ${status.lock.holder} since ${status.lock.since}`, 'bluegreen lock release --yes');
    if (status.state && !samePlan(status.state.plan, { weights: config.traffic.initial, segments: [] })) {
      progress('== putting traffic.initial back before the rehearsal');
      await runStage(ctx, 'restore (rehearsal start)', () => restore(ctx));
    }

    const urls = await routerUrls(handle);
    // The zombie scenario needs few requests: each leaks a connection, and the point is the gate
    // stopping the release while the database still has room.
    const rps = options.rps ?? (options.scenario === 'zombies' ? 5 : 200);
    const aggregator = new SplitAggregator({ windowSeconds: 600 });
    const logs = streamAccessLogs(handle, (line) => { aggregator.ingestLine(line); }, stopLogs.signal).catch(() => undefined);
    const generator = new TrafficGenerator({
      targets: urls, rps, mobileShare: options.mobileShare ?? (options.scenario === 'zombies' ? 0.5 : 0.3), keepAlive: true,
      // The zombie scenario's users all open the web page: that is where the leaky build leaks.
      ...(options.scenario === 'zombies' ? { paths: ['/'] } : {}),
      // Room for every request of the 5 s timeout, so only a request unanswered for 5 s fails.
      maxInFlight: Math.ceil(rps * 6),
      durationMs: 60 * 60 * 1000, progressIntervalMs: 10_000,
    });
    generator.on('progress', (s: TrafficSnapshot) => progress(`  traffic: sent ${s.sent}, failed ${s.failed}, blue ${s.byColor.blue.ok}, green ${s.byColor.green.ok}`));
    const running = generator.start();
    progress(`== release ${fromVersion} → ${version} under ${rps} req/s through ${urls.length} router(s) (pause points answered automatically)`);

    const steps: RehearsalStep[] = [];
    let before = generator.snapshot();
    let stepStarted = Date.now();
    let error: Error | undefined;
    try {
      await release(ctx, version, {
        migrate: options.migrate,
        onStep: async (event) => {
          if (event.phase === 'start') {
            before = generator.snapshot();
            stepStarted = Date.now();
            if (event.step.stage === 'pause') progress(`  pause point: "${event.step.message}" — continuing by itself (rehearsal)`);
            return;
          }
          const now = generator.snapshot();
          const durationMs = Date.now() - stepStarted;
          // The split the step left behind: the routers' log over the seconds after it ended
          // (that wait is not the step's: its time and counts end here).
          await delay(SPLIT_SAMPLE_SECONDS * 1000 + 500);
          const split = aggregator.observedSplit(SPLIT_SAMPLE_SECONDS);
          steps.push({
            index: event.index,
            step: describeStep(event.step),
            ok: event.phase === 'done',
            summary: event.result?.summary ?? event.error?.message ?? '',
            durationMs,
            observedSplit: { blue: split.shares.blue ?? 0, green: split.shares.green ?? 0 },
            sent: now.sent - before.sent,
            failed: now.failed - before.failed,
          });
          aggregator.mark(describeStep(event.step), new Date());
        },
      });
    } catch (caught) {
      error = caught as Error;
    }
    const traffic = await generator.stop();
    await running.catch(() => undefined);
    stopLogs.abort();
    await logs;
    const report: RehearsalReport = { environment: envName, fromVersion, version, ok: !error, error: error?.message, steps, traffic, durationMs: Date.now() - started };
    if (options.scenario === 'zombies') {
      report.scenario = 'zombies';
      report.scenarioPassed = !!error && /database gate/.test(error.message);
      report.cleanup = await undoLeakyRelease(ctx, fromVersion, progress);
      report.durationMs = Date.now() - started;
    }
    return report;
  } finally {
    stopLogs.abort();
    await handle.close();
  }
}

/**
 * The zombie scenario, sized so it ends in seconds and the gate trips at the switch, well before
 * the database's limit: zombies are judged after 10 s (a healthy pool keeps an idle connection for
 * a minute, so a few show up too — the leaky build's dozens stand out), and the canary runs twice
 * that long whatever the config says, so the leaks have time to age before the gate looks.
 */
function zombieScenarioConfig(config: BluegreenConfig, progress: (line: string) => void): BluegreenConfig {
  const zombieAfterSeconds = Math.min(config.database.zombieAfterSeconds, 10);
  const database = {
    ...config.database,
    zombieAfterSeconds,
    // At the switch the leaky build's zombies are its leaks older than 10 s of the 20 s canary:
    // about 5 req/s x 0.5 mobile x 10 s = 25, against at most 10 allowed. A config's short canary
    // window (a test's 3 s) must not shorten it: the leaks would be too young to count, the switch
    // would pass, and the database would fill up only at the restore.
    maxZombies: Math.min(config.database.maxZombies, 10),
    maxConnectionShare: Math.min(config.database.maxConnectionShare, 0.5),
  };
  const canary = { ...config.traffic.canary, windowSeconds: 2 * zombieAfterSeconds };
  progress(`== scenario "zombies": the next version leaks a database connection per request; the gate allows ${database.maxZombies} connections idle over ${database.zombieAfterSeconds}s and ${Math.round(database.maxConnectionShare * 100)}% of max_connections; the canary watches ${canary.windowSeconds}s so the leaks can age`);
  return { ...config, database, traffic: { ...config.traffic, canary } };
}

/** Moves users off the leaky build and redeploys the version it replaced, closing its connections. */
async function undoLeakyRelease(ctx: StageContext, fromVersion: string, progress: (line: string) => void): Promise<string[]> {
  const done: string[] = [];
  const quiet = { ...ctx, progress: () => undefined };
  const attempt = async (what: string, step: () => Promise<unknown>) => {
    try {
      await step();
      done.push(what);
    } catch (error) {
      done.push(`${what}: FAILED (${(error as Error).message.split('\n')[0]}) — see bluegreen status`);
    }
  };
  for (const color of COLORS) {
    const health = await checkColorHealth(ctx.handle, color);
    if (!Object.values(health.versions).flat().some((v) => v.includes('leaky'))) continue;
    progress(`== scenario cleanup: ${color} runs the leaky build; moving users off it and redeploying ${fromVersion}`);
    await attempt(`drained ${color}`, () => runStage(quiet, `drain ${color} (scenario cleanup)`, () => drain(quiet, color)));
    await attempt(`redeployed ${fromVersion} on ${color} (its leaked connections closed)`, () => runStage(quiet, `deploy ${color} ${fromVersion} (scenario cleanup)`, () => deploy(quiet, color, fromVersion)));
  }
  await attempt('restored traffic.initial', () => runStage(quiet, 'restore (scenario cleanup)', () => restore(quiet)));
  return done;
}

/**
 * The version both colors run: a rehearsal starts from one version on both. A sandbox left
 * mixed by an earlier run (a stopped release) is brought back to one version first: the color
 * that differs from blue's is drained and given blue's version.
 */
async function currentVersion(ctx: StageContext): Promise<string> {
  const health = await Promise.all(COLORS.map((c) => checkColorHealth(ctx.handle, c)));
  const versionsOf = (c: Color) => [...new Set(Object.values(health.find((h) => h.color === c)?.versions ?? {}).flat())];
  const blue = versionsOf('blue');
  if (blue.length !== 1 || !health[0].healthy) {
    throw new PrerequisiteError(`the sandbox's blue color is not on one healthy version (${blue.join(', ') || 'none'})`,
      'bluegreen sandbox status shows why; `bluegreen sandbox down` then `up` starts afresh');
  }
  const green = versionsOf('green');
  if (green.length === 1 && green[0] === blue[0] && health[1].healthy) return blue[0];
  ctx.progress(`green runs ${green.join(', ') || 'nothing healthy'}; bringing it to blue's ${blue[0]} before the rehearsal`);
  await runStage(ctx, 'drain green (rehearsal start)', () => drain(ctx, 'green'));
  await runStage(ctx, `deploy green ${blue[0]} (rehearsal start)`, () => deploy(ctx, 'green', blue[0]));
  return blue[0];
}

export function formatRehearsal(report: RehearsalReport): string {
  const pct = (n: number) => `${Math.round(n * 100)}%`;
  const rows = report.steps.map((s) =>
    `${String(s.index).padStart(2)}. ${s.ok ? 'ok  ' : 'FAIL'} ${(s.step.length > 34 ? `${s.step.slice(0, 33)}…` : s.step).padEnd(34)} ${(s.durationMs / 1000).toFixed(1).padStart(6)} s   split blue ${pct(s.observedSplit.blue).padStart(4)} green ${pct(s.observedSplit.green).padStart(4)}   sent ${String(s.sent).padStart(6)} failed ${s.failed}`);
  const t = report.traffic;
  const scenario = report.scenario
    ? [`Scenario "${report.scenario}": ${report.scenarioPassed ? 'PASSED — the database gate stopped the leaky release before the database filled up' : 'FAILED — the release was not stopped by the database gate'}`,
      ...(report.cleanup ?? []).map((c) => `  cleanup: ${c}`)]
    : [];
  return [
    `Rehearsal of ${report.fromVersion} → ${report.version} in "${report.environment}": ${report.ok ? 'RELEASED' : `STOPPED: ${report.error}`}`,
    ...rows,
    `Traffic during the release: sent ${t.sent}, failed ${t.failed} (5xx ${t.failures.status}, connection ${t.failures.connection}, timeout ${t.failures.timeout}, overflow ${t.failures.overflow}), ${t.achievedRps.toFixed(0)} req/s`,
    ...scenario,
    `Total ${(report.durationMs / 1000).toFixed(1)} s`,
  ].join('\n');
}

