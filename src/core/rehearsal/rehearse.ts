// The product's main job: rehearse a whole release in the local sandbox under load. Brings the
// sandbox up, makes sure both colors run the same (current) version, then walks the runbook for
// the next version while simulated web and mobile users go through both routers, and reports
// each stage with its duration, the split observed after it, and the requests lost.
import { BluegreenConfig, COLORS, Color, VERSION_PATTERN } from '../model';
import { InputError, PrerequisiteError, StageError } from '../errors';
import { up } from '../sandbox';
import { openEnvironment } from '../environment/openEnvironment';
import { routerUrls } from '../environment/routerUrls';
import { streamAccessLogs } from '../environment/accessLogStream';
import { SplitAggregator } from '../traffic/splitAggregator';
import { TrafficGenerator, TrafficSnapshot } from '../traffic/trafficGenerator';
import { StageContext, defaultActor } from '../stages/stageContext';
import { release, describeStep, ReleaseOptions } from '../stages/release';
import { checkColorHealth } from '../stages/health';
import { readStatus } from '../stages/status';
import { restore } from '../stages/restore';
import { runStage } from '../stages/runStage';
import { samePlan } from '../stages/describePlan';

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

export async function rehearse(config: BluegreenConfig, options: RehearseOptions = {}): Promise<RehearsalReport> {
  const started = Date.now();
  const envName = options.envName ?? 'sandbox';
  const env = config.environments[envName];
  if (!env) throw new InputError(`unknown environment "${envName}"`);
  if (env.kind !== 'docker') throw new InputError(`rehearse runs in a sandbox; "${envName}" is reached over SSH`, 'use `bluegreen release VERSION --env ' + envName + '` for real hosts');
  const progress = options.progress ?? (() => undefined);

  progress('== bringing the sandbox up');
  await up(config, env, { signal: options.signal, onProgress: (p) => { if (p.step !== 'build') progress(`  [${p.step}] ${p.detail}`); } });

  const handle = openEnvironment(config, envName);
  const ctx: StageContext = { handle, actor: defaultActor(), progress: (l) => progress(`  ${l}`), yes: true, force: false, signal: options.signal };
  const stopLogs = new AbortController();
  try {
    const fromVersion = await currentVersion(ctx);
    const version = options.version ?? nextVersion(fromVersion);
    if (!VERSION_PATTERN.test(version)) throw new InputError(`version "${version}" is not allowed`);
    const status = await readStatus(handle);
    if (status.lock) throw new StageError(`the sandbox's release lock is held by ${status.lock.holder} since ${status.lock.since}`, 'bluegreen lock release --yes');
    if (status.state && !samePlan(status.state.plan, { weights: config.traffic.initial, segments: [] })) {
      progress('== putting traffic.initial back before the rehearsal');
      await runStage(ctx, 'restore (rehearsal start)', () => restore(ctx));
    }

    const urls = await routerUrls(handle);
    const rps = options.rps ?? 200;
    const aggregator = new SplitAggregator({ windowSeconds: 600 });
    const logs = streamAccessLogs(handle, (line) => { aggregator.ingestLine(line); }, stopLogs.signal).catch(() => undefined);
    const generator = new TrafficGenerator({
      targets: urls, rps, mobileShare: options.mobileShare ?? 0.3, keepAlive: true,
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
          // The split the step left behind: the routers' log over the seconds after it ended.
          await delay(SPLIT_SAMPLE_SECONDS * 1000 + 500);
          const split = aggregator.observedSplit(SPLIT_SAMPLE_SECONDS);
          steps.push({
            index: event.index,
            step: describeStep(event.step),
            ok: event.phase === 'done',
            summary: event.result?.summary ?? event.error?.message ?? '',
            durationMs: Date.now() - stepStarted,
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
    return { environment: envName, fromVersion, version, ok: !error, error: error?.message, steps, traffic, durationMs: Date.now() - started };
  } finally {
    stopLogs.abort();
    await handle.close();
  }
}

/** The version both colors run; a rehearsal starts from a consistent sandbox. */
async function currentVersion(ctx: StageContext): Promise<string> {
  const versions = new Set<string>();
  for (const color of COLORS) {
    const health = await checkColorHealth(ctx.handle, color);
    if (!health.healthy) throw new PrerequisiteError(`the sandbox's ${color} color is not healthy`, 'bluegreen sandbox status shows why; `bluegreen sandbox down` then `up` starts afresh');
    Object.values(health.versions).flat().forEach((v) => versions.add(v));
  }
  if (versions.size !== 1) {
    throw new StageError(`the colors run different versions (${[...versions].join(', ')}); a rehearsal starts from one version on both`,
      'deploy the same version to both colors, or `bluegreen sandbox down && bluegreen sandbox up` to start afresh');
  }
  return [...versions][0];
}

export function formatRehearsal(report: RehearsalReport): string {
  const pct = (n: number) => `${Math.round(n * 100)}%`;
  const rows = report.steps.map((s) =>
    `${String(s.index).padStart(2)}. ${s.ok ? 'ok  ' : 'FAIL'} ${s.step.padEnd(34)} ${(s.durationMs / 1000).toFixed(1).padStart(6)} s   split blue ${pct(s.observedSplit.blue).padStart(4)} green ${pct(s.observedSplit.green).padStart(4)}   sent ${String(s.sent).padStart(6)} failed ${s.failed}`);
  const t = report.traffic;
  return [
    `Rehearsal of ${report.fromVersion} → ${report.version} in "${report.environment}": ${report.ok ? 'RELEASED' : `STOPPED: ${report.error}`}`,
    ...rows,
    `Traffic during the release: sent ${t.sent}, failed ${t.failed} (5xx ${t.failures.status}, connection ${t.failures.connection}, timeout ${t.failures.timeout}, overflow ${t.failures.overflow}), ${t.achievedRps.toFixed(0)} req/s`,
    `Total ${(report.durationMs / 1000).toFixed(1)} s`,
  ].join('\n');
}

