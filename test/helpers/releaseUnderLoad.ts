// A full release of the fixture's runbook while the traffic generator sends web and mobile users
// through both routers, with the engine's own confirmation points used to look at live traffic:
// the engine asks before every traffic move and at the pause point, and the answer comes only
// after real requests have shown what users reach at that moment. Shared by the Docker and SSH
// release suites, which must behave the same.
import assert from 'node:assert/strict';
import { COLORS, Color, RouterState } from '../../src/core/model';
import { release, describeStep } from '../../src/core/stages/release';
import { AuditEntry, readAudit } from '../../src/core/fleet/audit';
import { checkColorHealth } from '../../src/core/stages/health';
import { TrafficGenerator, TrafficSnapshot } from '../../src/core/traffic/trafficGenerator';
import { openEnvironment } from '../../src/core/environment/openEnvironment';
import { streamAccessLogs } from '../../src/core/environment/accessLogStream';
import { STAGE_ACTOR, STAGE_ENV, Seen, StageSandbox, Stages, colorsSeen, consistentState, onlyColor, versionVia } from './stageHarness';

export const RELEASE_RPS = 50;
export const RELEASE_MOBILE_SHARE = 0.3;

export interface ReleaseScript {
  environment: string;
  /** What users reached when the engine asked before each move (keyed by its verb), and after. */
  seenAt: Record<'drain' | 'canary' | 'pause' | 'switch' | 'restore' | 'after', Seen>;
  answered: { greenBeforeCanary: string; blueBeforeRestore: string };
  versions: Record<Color, string>;
  healthVersions: Record<Color, Record<string, string[]>>;
  state: RouterState;
  audit: AuditEntry[];
  traffic: TrafficSnapshot;
  /** What the routers logged meanwhile (read from the sandbox's containers for both transports). */
  logged: RouterTally;
  steps: string[];
  /** ISO 8601, when the release began. */
  startedAt: string;
  durationMs: number;
}

export interface RouterTally {
  lines: number;
  byStatus: Record<number, number>;
  /**
   * Status 499: the client gave up while nginx was still serving the request — how the
   * generator's 5 s timeout looks from the router (nginx's clock starts a little later than the
   * client's, after the proxy hop and the accept queue, so its request_time may read under 5 s).
   */
  clientCloses: number;
}

/** Tallies the routers' access-log lines until `signal` aborts. */
function tallyRouterLogs(sandbox: StageSandbox, signal: AbortSignal): { tally: RouterTally; done: Promise<void> } {
  const tally: RouterTally = { lines: 0, byStatus: {}, clientCloses: 0 };
  const handle = openEnvironment(sandbox.config, STAGE_ENV);
  const done = streamAccessLogs(handle, (line) => {
    try {
      const entry = JSON.parse(line) as { status: number; via?: string };
      if (entry.via === 'preview') return;
      tally.lines++;
      tally.byStatus[entry.status] = (tally.byStatus[entry.status] ?? 0) + 1;
      if (entry.status === 499) tally.clientCloses++;
    } catch { /* not an access-log line */ }
  }, signal).finally(() => handle.close());
  return { tally, done };
}

export async function runReleaseUnderLoad(sandbox: StageSandbox, stages: Stages, version: string): Promise<ReleaseScript> {
  const seenAt: Partial<ReleaseScript['seenAt']> = {};
  const answered: Partial<ReleaseScript['answered']> = {};
  const questions: string[] = [];
  const steps: string[] = [];
  const generator = new TrafficGenerator({
    targets: sandbox.urls, rps: RELEASE_RPS, mobileShare: RELEASE_MOBILE_SHARE, keepAlive: true,
    durationMs: 15 * 60_000, maxRequests: RELEASE_RPS * 15 * 60,
  });
  const stopLogs = new AbortController();
  const logs = tallyRouterLogs(sandbox, stopLogs.signal);
  const running = generator.start();
  const started = Date.now();
  const startedAt = new Date(started).toISOString();
  let stepStarted = Date.now();
  let before = generator.snapshot();
  try {
    await release(stages.ctx({
      yes: false,
      confirm: async (question) => {
        questions.push(question);
        const key = /Continue\?$/.test(question) ? 'pause' : question.split(' ')[0].toLowerCase();
        assert.ok(['drain', 'canary', 'pause', 'switch', 'restore'].includes(key), `unexpected question: ${question}`);
        seenAt[key as keyof ReleaseScript['seenAt']] = await colorsSeen(sandbox.urls);
        if (key === 'canary') answered.greenBeforeCanary = await versionVia(sandbox.urls[0], 'green');
        if (key === 'restore') answered.blueBeforeRestore = await versionVia(sandbox.urls[1], 'blue');
        return true;
      },
    }), version, {
      onStep: (event) => {
        if (event.phase === 'start') {
          stepStarted = Date.now();
          before = generator.snapshot();
          return;
        }
        const now = generator.snapshot();
        steps.push(`${event.index}. ${describeStep(event.step)}: ${event.phase} in ${((Date.now() - stepStarted) / 1000).toFixed(1)} s, `
          + `sent ${now.sent - before.sent}, failed ${now.failed - before.failed}${event.result?.warnings.length ? ` (warnings: ${event.result.warnings.join('; ')})` : ''}`);
      },
    });
    seenAt.after = await colorsSeen(sandbox.urls);
  } finally {
    await generator.stop();
    // Let the last lines arrive before the tally stops.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    stopLogs.abort();
    await logs.done.catch(() => undefined);
  }
  const traffic = await running;
  const durationMs = Date.now() - started;
  assert.deepEqual(questions.map((q) => q.split(' ')[0]), ['Drain', 'Canary', 'Mobile', 'Switch', 'Restore'], questions.join('\n'));

  const { handle } = stages;
  const versions = {} as Record<Color, string>;
  const healthVersions = {} as Record<Color, Record<string, string[]>>;
  for (const color of COLORS) {
    versions[color] = await versionVia(sandbox.urls[0], color);
    const health = await checkColorHealth(handle, color);
    assert.ok(health.healthy, `${color} healthy after the release`);
    healthVersions[color] = health.versions;
  }
  return {
    environment: handle.env.name,
    seenAt: seenAt as ReleaseScript['seenAt'],
    answered: answered as ReleaseScript['answered'],
    versions,
    healthVersions,
    state: await consistentState(handle),
    audit: await readAudit(handle.routers, 80),
    traffic,
    logged: logs.tally,
    steps,
    startedAt,
    durationMs,
  };
}

/** The checks both transports' releases share. */
export function assertRelease(outcome: ReleaseScript, version: string): void {
  const { seenAt, traffic, audit, versions, healthVersions, state, answered } = outcome;
  // Before the drain: both colors serve users (traffic.initial 50/50).
  assert.ok((seenAt.drain.web.blue ?? 0) > 0 && (seenAt.drain.web.green ?? 0) > 0, JSON.stringify(seenAt.drain));
  // Drained, deployed and verified, before the canary: every user on blue; green answers preview requests with the new version.
  onlyColor(seenAt.canary, 'web', 'blue');
  onlyColor(seenAt.canary, 'mobile', 'blue');
  assert.equal(answered.greenBeforeCanary, version);
  // The pause point after the canary: mobile users on green, web users still on blue.
  onlyColor(seenAt.pause, 'web', 'blue');
  onlyColor(seenAt.pause, 'mobile', 'green');
  // Switched, blue deployed and verified, before the restore: every user on green.
  onlyColor(seenAt.restore, 'web', 'green');
  onlyColor(seenAt.restore, 'mobile', 'green');
  assert.equal(answered.blueBeforeRestore, version);
  // After the release: traffic.initial again, both colors serving.
  assert.ok((seenAt.after.web.blue ?? 0) > 0 && (seenAt.after.web.green ?? 0) > 0, JSON.stringify(seenAt.after));
  assert.deepEqual(state.plan, { weights: { blue: 50, green: 50 }, segments: [] });

  for (const color of COLORS) {
    assert.deepEqual(state.versions[color], { api: version, web: version }, `${color} versions in the routers' state`);
    assert.deepEqual(healthVersions[color], { api: [version], web: [version] }, `${color} versions read on the hosts`);
    assert.equal(versions[color], version, `${color} answers ${version}`);
  }

  const label = `release ${version}`;
  // Only this run's lines: an earlier run of the same version left its own.
  const steps = audit.filter((e) => e.time >= outcome.startedAt && e.stage.includes(`(${label}, step`));
  assert.deepEqual(steps.map((e) => `${e.stage.replace(/ \(release.*$/, '')}: ${e.result}`), [
    'drain green: ok',
    `deploy green ${version}: ok`,
    'verify green: ok',
    'canary green --segment mobile: ok',
    'switch green: ok',
    `deploy blue ${version}: ok`,
    'verify blue: ok',
    'restore: ok',
  ]);
  assert.ok(audit.some((e) => e.time >= outcome.startedAt && e.stage === label && e.result === 'ok'), 'the release itself is audited');
  assert.ok(steps.every((e) => e.who === STAGE_ACTOR && e.environment === outcome.environment), JSON.stringify(steps));

  process.stdout.write(`      release ${version} over ${outcome.environment}: ${(outcome.durationMs / 1000).toFixed(1)} s; `
    + `traffic sent ${traffic.sent}, ok ${traffic.ok}, failed ${traffic.failed} (5xx ${traffic.failures.status}, connection ${traffic.failures.connection}, `
    + `timeout ${traffic.failures.timeout}, overflow ${traffic.failures.overflow}), ${traffic.achievedRps.toFixed(0)} req/s, `
    + `p95 ${traffic.latency.p95Ms?.toFixed(0)} ms, p99 ${traffic.latency.p99Ms?.toFixed(0)} ms, max schedule lag ${traffic.maxScheduleLagMs.toFixed(0)} ms\n`);
  process.stdout.write(`        the routers logged ${outcome.logged.lines} user requests, by status ${JSON.stringify(outcome.logged.byStatus)}; `
    + `the client gave up on ${outcome.logged.clientCloses} still being served\n`);
  for (const step of outcome.steps) process.stdout.write(`        ${step}\n`);
  // Lost requests: a 5xx, a refused or reset connection, or a request never sent. None may happen.
  assert.deepEqual({ status: traffic.failures.status, connection: traffic.failures.connection, overflow: traffic.failures.overflow },
    { status: 0, connection: 0, overflow: 0 }, `requests lost during the release: ${JSON.stringify(traffic.failures)}`);
  const serverErrors = Object.entries(outcome.logged.byStatus).filter(([code]) => Number(code) >= 500);
  assert.deepEqual(serverErrors, [], 'the routers answered 5xx to users');
  // A timeout is the 5 s client limit running out on a slow answer (this machine's 2 cores are
  // shared with every JVM and suite): it is only accepted when nginx saw it as the client giving
  // up on a request it was still serving (499), never as a request that vanished.
  assert.ok(traffic.failures.timeout <= outcome.logged.clientCloses,
    `${traffic.failures.timeout} timeouts but only ${outcome.logged.clientCloses} slow requests seen by the routers: some requests were lost, not slow`);
  assert.ok(traffic.byColor.blue.ok > 0 && traffic.byColor.green.ok > 0);
  assert.ok(traffic.byKind.mobile.ok > 0 && traffic.byKind.web.ok > 0);
}
