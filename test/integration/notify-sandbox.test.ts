// Notifications against a real sandbox (`notifytest`: real containers, real nginx) and a real
// webhook receiver: a node http server on 127.0.0.1 in this test. A release that stops at its
// pause point, the same release continued to its end, and a canary of the flaky sample build that
// the analysis rolls back: each body the receiver gets is checked, and one webhook that answers
// 500 and one that is down only ever cost a warning. BLUEGREEN_NOTIFY_EXAMPLE=<file> writes the
// captured bodies there (docs/notifications-example.json was made so).
import assert from 'node:assert/strict';
import * as http from 'node:http';
import { promises as fs } from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { requireConfig } from '../../src/core/config';
import type { BluegreenConfig, DockerEnvironment } from '../../src/core/model';
import { down, up } from '../../src/core/sandbox';
import { routerUrls } from '../../src/core/environment/routerUrls';
import { RefusedError, StageError } from '../../src/core/errors';
import { runStage } from '../../src/core/stages/runStage';
import { release } from '../../src/core/stages/release';
import { deploy } from '../../src/core/stages/deploy';
import { canary } from '../../src/core/stages/canary';
import { TrafficGenerator } from '../../src/core/traffic/trafficGenerator';
import type { NotifyBody } from '../../src/core/notify/notifyBody';
import { SANDBOX_UP_TIMEOUT_MS, progressPrinter } from '../helpers/sandbox';
import { cliRunner, ensureCliBuilt } from '../helpers/cli';
import type { EnvironmentHistory } from '../../src/core/history/environmentHistory';
import { STAGE_ACTOR, Stages, openStages, rejection } from '../helpers/stageHarness';

const CONFIG = path.resolve(__dirname, '../fixtures/notify/notifytest.yaml');
const ENV = 'notifytest';
const SECRET = 'hooks/T0000/B0000/XXXXsecretXXXX';

interface Received { hook: string; body: NotifyBody }

describe('notifications and release history (notifytest sandbox, a real webhook receiver)', function () {
  this.timeout(SANDBOX_UP_TIMEOUT_MS);
  let config: BluegreenConfig;
  let env: DockerEnvironment;
  let stages: Stages;
  let urls: string[];
  let receiver: http.Server;
  const received: Received[] = [];
  /** Every body the team webhook got, for BLUEGREEN_NOTIFY_EXAMPLE (`received` is emptied per test). */
  const captured: NotifyBody[] = [];
  const saved: Record<string, string | undefined> = {};

  before(async () => {
    receiver = http.createServer((req, res) => {
      let text = '';
      req.setEncoding('utf8');
      req.on('data', (chunk: string) => { text += chunk; });
      req.on('end', () => {
        const hook = (req.url ?? '').split('/')[1];
        received.push({ hook, body: JSON.parse(text) as NotifyBody });
        if (hook === 'team') captured.push(JSON.parse(text) as NotifyBody);
        res.statusCode = hook === 'failing' ? 500 : 204;
        res.end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
    const closed = await closedPort();
    const hooks = {
      BG_NOTIFYTEST_TEAM: `${base}/team/${SECRET}`,
      BG_NOTIFYTEST_FAILING: `${base}/failing/${SECRET}`,
      BG_NOTIFYTEST_DOWN: `http://127.0.0.1:${closed}/down/${SECRET}`,
    };
    for (const [name, value] of Object.entries(hooks)) {
      saved[name] = process.env[name];
      process.env[name] = value;
    }
    config = await requireConfig(CONFIG);
    env = config.environments[ENV] as DockerEnvironment;
    await up(config, env, { onProgress: progressPrinter(ENV) });
    stages = openStages(config, ENV);
    urls = await routerUrls(stages.handle);
  });

  after(async function () {
    this.timeout(180_000);
    await stages?.close();
    if (config && !process.env.BLUEGREEN_KEEP_NOTIFYTEST) await down(config, env, { volumes: true });
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    receiver?.closeAllConnections();
    await new Promise<void>((resolve) => (receiver ? receiver.close(() => resolve()) : resolve()));
    if (process.env.BLUEGREEN_NOTIFY_EXAMPLE) {
      await fs.writeFile(process.env.BLUEGREEN_NOTIFY_EXAMPLE, `${JSON.stringify(captured, null, 2)}\n`);
    }
  });

  const team = () => received.filter((r) => r.hook === 'team').map((r) => r.body);
  const noSecretIn = (lines: string[]) => {
    const text = lines.join('\n');
    assert.ok(!text.includes('XXXXsecretXXXX') && !text.includes('127.0.0.1'), `the output names a webhook URL:\n${text}`);
  };

  it('a release that stops at its pause point: each step\'s result, then the pause; the webhook that fails and the one that is down only warn', async () => {
    const progress = stages.progress;
    progress.length = 0;
    // A person answers yes to each traffic change, and no at the pause point: the release stops there.
    const questions: string[] = [];
    const ctx = stages.ctx({ yes: false, confirm: async (question) => { questions.push(question); return !question.endsWith('Continue?'); } });
    const stopped = await rejection(release(ctx, '2.0.0'));
    assert.ok(stopped instanceof RefusedError, String(stopped));
    assert.match(stopped.message, /^release 2\.0\.0 stopped at step 5 \(pause: Mobile users are on green/);
    assert.match(questions.at(-1) ?? '', /^Mobile users are on green\. Watch the panel, then continue\. Continue\?$/);

    const bodies = team();
    assert.deepEqual(bodies.map((b) => `${b.event} ${b.result}: ${b.stage}`), [
      'stage ok: drain green (release 2.0.0, step 1)',
      'stage ok: deploy green 2.0.0 (release 2.0.0, step 2)',
      'stage ok: verify green (release 2.0.0, step 3)',
      'stage ok: canary green --segment mobile (release 2.0.0, step 4)',
      'pause paused: pause (release 2.0.0, step 5)',
    ]);
    const pause = bodies[4];
    assert.equal(pause.environment, ENV);
    assert.equal(pause.actor, STAGE_ACTOR);
    assert.equal(pause.detail, 'Mobile users are on green. Watch the panel, then continue.');
    assert.deepEqual(pause.plan, { weights: { blue: 100, green: 0 }, segments: [{ name: 'mobile', color: 'green' }] });
    assert.deepEqual(pause.versions?.green, { api: '2.0.0', web: '2.0.0' });
    assert.deepEqual(pause.versions?.blue, { api: '1.0.0', web: '1.0.0' });
    assert.ok(Date.parse(pause.time) > Date.parse(bodies[0].time));
    assert.match(bodies[1].detail ?? '', /2\.0\.0/);

    // The failing webhook (events ok, pause) was asked every time; the stages went on.
    assert.equal(received.filter((r) => r.hook === 'failing').length, 5);
    assert.ok(progress.some((l) => /^warning: notify\[1\] \(env:BG_NOTIFYTEST_FAILING\) not notified of pause "pause \(release 2\.0\.0, step 5\)": answered HTTP 500 \(the stage is not affected\)$/.test(l)), progress.join('\n'));
    assert.ok(progress.some((l) => /^warning: notify\[2\] \(env:BG_NOTIFYTEST_DOWN\) not notified of stage "drain green \(release 2\.0\.0, step 1\)": connection refused \(ECONNREFUSED\)/.test(l)), progress.join('\n'));
    noSecretIn(progress);
    noSecretIn([stopped.message, stopped instanceof RefusedError ? stopped.hint ?? '' : '']);
  });

  it('the release continued from its pause point: the pause passed by --yes, the rest, and the whole release ok', async () => {
    received.length = 0;
    const ctx = stages.ctx();
    await release(ctx, '2.0.0', { from: 5 });
    assert.deepEqual(team().map((b) => `${b.event} ${b.result}: ${b.stage}`), [
      'pause paused: pause (release 2.0.0, step 5)',
      'stage ok: switch green (release 2.0.0, step 6)',
      'stage ok: restore (release 2.0.0, step 7)',
      'stage ok: release 2.0.0',
    ]);
    assert.match(team()[0].detail ?? '', /\(continued by --yes\)$/);
    assert.deepEqual(team()[1].plan, { weights: { blue: 0, green: 100 }, segments: [] });
    assert.deepEqual(team()[3].plan, { weights: { blue: 100, green: 0 }, segments: [] });
    assert.equal(team()[3].detail, '3 step(s)');
  });

  it('a canary of the flaky build is rolled back by the analysis: the rollback, then the failed stage', async () => {
    const ctx = stages.ctx();
    await runStage(ctx, 'deploy green 3.0.0-flaky', () => deploy(ctx, 'green', '3.0.0-flaky'));
    received.length = 0;
    stages.progress.length = 0;
    const generator = new TrafficGenerator({ targets: urls, rps: 40, mobileShare: 0.5, keepAlive: true, durationMs: 120_000 });
    const running = generator.start();
    let failed: Error;
    try {
      failed = await rejection(runStage(ctx, 'canary green --segment mobile', () => canary(ctx, 'green', { segment: 'mobile' })));
    } finally {
      await generator.stop();
    }
    await running;
    assert.ok(failed instanceof StageError, String(failed));
    assert.match(failed.message, /^canary on green rolled back: error rate/);
    const bodies = team();
    assert.deepEqual(bodies.map((b) => `${b.event} ${b.result}: ${b.stage}`), [
      'rollback rolled back: canary green --segment mobile',
      'stage failed: canary green --segment mobile',
    ]);
    const [rolledBack, result] = bodies;
    assert.match(rolledBack.detail ?? '', /^canary breach: error rate [\d.]+% > 5\.00%/);
    assert.deepEqual(rolledBack.plan, { weights: { blue: 100, green: 0 }, segments: [] }, 'users are back where they were');
    assert.deepEqual(rolledBack.versions?.green, { api: '3.0.0-flaky', web: '3.0.0-flaky' });
    assert.match(result.detail ?? '', /^canary on green rolled back: error rate/);
    // Neither event is one the failing or the down webhook asked for.
    assert.deepEqual(received.filter((r) => r.hook !== 'team'), []);
    noSecretIn(stages.progress);
  });

  it('`bluegreen history` reads it all back from the router: each stage, who, when, the plan before and after, versions, the audit result', async () => {
    ensureCliBuilt();
    const cli = cliRunner(() => CONFIG, ENV);
    const json = JSON.parse((await cli.ok('history', '--json', '--limit', '9')).stdout) as EnvironmentHistory;
    assert.equal(json.environment, ENV);
    assert.deepEqual(json.warnings, []);
    const summary = json.entries.map((e) => `${e.kind} ${e.stage}: ${e.result ?? '-'}${e.automatic ? ' (automatic)' : ''}`);
    // The newest nine: the continued release's end, the flaky deploy, the canary and its rollback.
    assert.deepEqual(summary.slice(-6), [
      'change switch green: ok',
      'change restore: ok',
      'audit release 2.0.0: ok',
      'change deploy green 3.0.0-flaky: ok',
      'change canary green --segment mobile: failed',
      `change ${json.entries.at(-1)?.stage}: failed (automatic)`,
    ], summary.join('\n'));
    const rolledBack = json.entries.at(-1);
    assert.match(rolledBack?.stage ?? '', /^rollback \(canary breach: error rate/);
    assert.equal(rolledBack?.who, STAGE_ACTOR);
    assert.deepEqual(rolledBack?.planBefore, { weights: { blue: 100, green: 0 }, segments: [{ name: 'mobile', color: 'green' }] });
    assert.deepEqual(rolledBack?.planAfter, { weights: { blue: 100, green: 0 }, segments: [] });
    const switched = json.entries.find((e) => e.stage === 'switch green');
    assert.equal(switched?.auditStage, 'switch green (release 2.0.0, step 6)');
    assert.deepEqual(switched?.changes, ['users: blue 100% · mobile → green → green 100%']);
    const flaky = json.entries.find((e) => e.stage === 'deploy green 3.0.0-flaky');
    assert.deepEqual(flaky?.changes, ['green api: 2.0.0 → 3.0.0-flaky', 'green web: 2.0.0 → 3.0.0-flaky']);
    assert.deepEqual(flaky?.versionsAfter?.blue, { api: '1.0.0', web: '1.0.0' });

    const text = (await cli.ok('history', '--limit', '3')).stdout;
    const lines = text.trimEnd().split('\n');
    assert.match(lines[0], /^\S+Z {2}#\d+ rollback \(canary breach: .*\) {2}failed {2}\(stagetest@itest\)$/);
    assert.equal(lines[1], '    automatic, during: canary green --segment mobile');
    assert.equal(lines[2], '    users: blue 100% · mobile → green → blue 100%');
  });
});

function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = http.createServer();
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}
