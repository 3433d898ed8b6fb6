// The release stages' faults against the shared `stagetest` sandbox (real containers, real
// nginx, real sshd): each one must leave live traffic as it was and every router carrying the
// same state — checked with real requests through both routers and with readRouters.
import assert from 'node:assert/strict';
import * as net from 'node:net';
import { SshEnvironment } from '../../src/core/model';
import { RefusedError, StageError } from '../../src/core/errors';
import { ExecOptions, Transport } from '../../src/core/transport';
import { RouterHandle } from '../../src/core/fleet/routerHandle';
import { readAudit } from '../../src/core/fleet/audit';
import { readLock, releaseLock } from '../../src/core/fleet/lock';
import { StageContext } from '../../src/core/stages/stageContext';
import { runStage } from '../../src/core/stages/runStage';
import { drain } from '../../src/core/stages/drain';
import { deploy } from '../../src/core/stages/deploy';
import { canary } from '../../src/core/stages/canary';
import { switchTo } from '../../src/core/stages/switch';
import { checkColorHealth } from '../../src/core/stages/health';
import { TrafficGenerator } from '../../src/core/traffic/trafficGenerator';
import {
  SANDBOX_UP_TIMEOUT_MS, STAGE_ENV, StageSandbox, Stages, baseline, colorsSeen, configWithSsh, consistentState, docker, onlyColor,
  openStages, rejection, sshEnvironmentYaml, stageSandbox, versionVia,
} from '../helpers/stageHarness';

const GOOD = '3.0.0';
const STATE_NEXT = '/var/lib/bluegreen/state.json.next';

describe('release stage faults (stagetest sandbox)', function () {
  this.timeout(SANDBOX_UP_TIMEOUT_MS);
  let sandbox: StageSandbox;
  let stages: Stages;
  let ctx: StageContext;
  const stage = (label: string, body: () => Promise<unknown>) => runStage(ctx, label, async () => {
    await body();
    return { stage: label, summary: label, warnings: [], durationMs: 0 };
  });

  before(async () => {
    sandbox = await stageSandbox();
    stages = openStages(sandbox.config, STAGE_ENV);
    ctx = stages.ctx();
    await baseline(stages);
    await runStage(ctx, 'drain green', () => drain(ctx, 'green'));
  });
  after(async () => {
    await docker('unpause', 'bg-stagetest-router-2').catch(() => undefined);
    await docker('exec', 'bg-stagetest-router-2', 'rm', '-rf', STATE_NEXT).catch(() => undefined);
    if (stages) await baseline(stages).catch(() => undefined);
    await stages?.close();
  });

  it('a deploy that fails on green (the app exits at start-up) leaves users on blue; the health gate then refuses canary and switch; a second deploy fixes it', async () => {
    const before = await consistentState(stages.handle);
    const failed = await rejection(runStage(ctx, 'deploy green 3.0.0-broken', () => deploy(ctx, 'green', '3.0.0-broken')));
    assert.ok(failed instanceof StageError, String(failed));
    assert.match(failed.message, /deploy of 3\.0\.0-broken to green failed on 2 of 2 host\(s\); live traffic was not touched/);
    assert.match(failed.message, /bg-stagetest-green-web-1 \(web\): `\/opt\/bluegreen\/bin\/deploy web '?3\.0\.0-broken'?` exited 1/);
    assert.match(failed.message, /broken sample build: exiting at start-up/);

    const seen = await colorsSeen(sandbox.urls);
    onlyColor(seen, 'web', 'blue');
    onlyColor(seen, 'mobile', 'blue');
    const recorded = await consistentState(stages.handle);
    assert.deepEqual(recorded.plan, before.plan, 'the plan is untouched');
    assert.deepEqual(recorded.versions.green, { api: '3.0.0-broken', web: '3.0.0-broken' }, 'the state records what green really runs');
    assert.equal((await checkColorHealth(stages.handle, 'green')).healthy, false);

    // Green never healthy: no stage may send users there.
    for (const [label, body] of [
      ['canary green --segment mobile', () => canary(ctx, 'green', { segment: 'mobile' })],
      ['switch green', () => switchTo(ctx, 'green')],
    ] as const) {
      const refused = await rejection(runStage(ctx, label, body));
      assert.ok(refused instanceof RefusedError, `${label}: ${String(refused)}`);
      assert.match(refused.message, /^green is not healthy on 2 of 2 host\(s\): .*; traffic was not moved$/);
    }
    assert.equal((await consistentState(stages.handle)).serial, recorded.serial, 'refused stages changed nothing');
    onlyColor(await colorsSeen(sandbox.urls, 4), 'mobile', 'blue');
    const audit = await readAudit(stages.handle.routers, 5);
    assert.deepEqual(audit.slice(-3).map((e) => `${e.stage}: ${e.result}`),
      ['deploy green 3.0.0-broken: failed', 'canary green --segment mobile: refused', 'switch green: refused']);

    // Deploying again is how a failed deploy is fixed (allowed on an unhealthy idle color).
    await runStage(ctx, `deploy green ${GOOD}`, () => deploy(ctx, 'green', GOOD));
    assert.equal(await versionVia(sandbox.urls[1], 'green'), GOOD);
    assert.deepEqual((await consistentState(stages.handle)).versions.green, { api: GOOD, web: GOOD });
    onlyColor(await colorsSeen(sandbox.urls, 4), 'web', 'blue');
  });

  it('one of two routers refuses the change (its .next cannot be written): nothing changes anywhere', async () => {
    const before = await consistentState(stages.handle);
    // A directory where the state document's .next goes: the write fails on router 2 only.
    await docker('exec', 'bg-stagetest-router-2', 'mkdir', '-p', STATE_NEXT);
    try {
      const failed = await rejection(stage('switch green', () => switchTo(ctx, 'green')));
      assert.ok(failed instanceof StageError, String(failed));
      // The transport's rename lands the file inside the directory, so it is the read-back that refuses it.
      assert.match(failed.message, /^router change failed at the (write|validate) step; the previous plan is in place on every router\nbg-stagetest-router-2: /);
    } finally {
      await docker('exec', 'bg-stagetest-router-2', 'rm', '-rf', STATE_NEXT);
    }
    const after = await consistentState(stages.handle);
    assert.equal(after.serial, before.serial);
    assert.deepEqual(after.plan, before.plan);
    await docker('exec', 'bg-stagetest-router-1', 'test', '!', '-e', STATE_NEXT); // cleaned up on the router that took it
    const seen = await colorsSeen(sandbox.urls);
    onlyColor(seen, 'web', 'blue');
    onlyColor(seen, 'mobile', 'blue');
  });

  it('the second router stops after the first has applied the change: the first is put back', async () => {
    const before = await consistentState(stages.handle);
    const [first, second] = stages.handle.routers;
    let firstApplied!: () => void;
    const firstAppliedNow = new Promise<void>((resolve) => { firstApplied = resolve; });
    const isApply = (command: string) => command.startsWith(`mv -f ${STATE_NEXT} `);
    let firstStateWhenSecondStopped = '';
    const routers: RouterHandle[] = [
      { ...first, transport: intercept(first.transport, async (command, run) => {
        const result = await run();
        if (isApply(command)) firstApplied();
        return result;
      }) },
      { ...second, transport: intercept(second.transport, async (command, run) => {
        if (isApply(command)) {
          await firstAppliedNow;
          firstStateWhenSecondStopped = (await first.transport.exec('cat /var/lib/bluegreen/state.json')).stdout;
          await docker('pause', 'bg-stagetest-router-2');
        }
        return run();
      }) },
    ];
    const faulty: StageContext = { ...ctx, handle: { ...stages.handle, routers } };
    try {
      const failed = await rejection(runStage(faulty, 'switch green', () => switchTo(faulty, 'green')));
      assert.ok(failed instanceof StageError, String(failed));
      assert.match(failed.message, /^router change failed at the apply step; the previous plan is in place on every router\nbg-stagetest-router-2: .*paused/);
    } finally {
      await docker('unpause', 'bg-stagetest-router-2');
    }
    assert.equal(JSON.parse(firstStateWhenSecondStopped).serial, before.serial + 1, 'router 1 had applied the new plan when router 2 stopped');
    // Router 2 was away when the stage gave the lock back, so it still holds it: the next stage
    // is refused naming the holder until someone who knows that run is over releases it.
    const refused = await rejection(runStage(ctx, 'switch green', () => switchTo(ctx, 'green')));
    assert.ok(refused instanceof RefusedError, String(refused));
    assert.match(refused.message, /^the release lock is held by stagetest@itest since \S+ \(switch green\)/);
    const lock = await readLock(stages.handle.routers);
    assert.equal(lock?.holder, 'stagetest@itest');
    await releaseLock(stages.handle.routers, 'stagetest@itest', true);
    const after = await consistentState(stages.handle);
    assert.equal(after.serial, before.serial, 'router 1 carries the previous state again');
    assert.deepEqual(after.plan, before.plan);
    const seen = await colorsSeen(sandbox.urls);
    onlyColor(seen, 'web', 'blue');
    onlyColor(seen, 'mobile', 'blue');
    // The next change goes through on both.
    await runStage(ctx, 'switch green', () => switchTo(ctx, 'green'));
    onlyColor(await colorsSeen(sandbox.urls, 4), 'web', 'green');
    await runStage(ctx, 'drain green', () => drain(ctx, 'green'));
    assert.equal((await consistentState(stages.handle)).serial, before.serial + 2);
  });

  it('an SSH host that cannot be reached: a clear error naming it, nothing changed, no lock left behind', async () => {
    const before = await consistentState(stages.handle);
    const closedPort = await freePort();
    const config = await configWithSsh(sshEnvironmentYaml(sandbox, { name: 'stagetest-ssh-down', portOverrides: { 'bg-stagetest-router-2': closedPort } }));
    assert.equal((config.environments['stagetest-ssh-down'] as SshEnvironment).hosts['bg-stagetest-router-2'].port, closedPort);
    const ssh = openStages(config, 'stagetest-ssh-down');
    try {
      const sshCtx = ssh.ctx();
      const failed = await rejection(runStage(sshCtx, 'switch green', () => switchTo(sshCtx, 'green')));
      assert.match(failed.message, /bg-stagetest-router-2/);
      assert.match(failed.message, new RegExp(`refused|unreachable|port ${closedPort}`, 'i'));
      assert.doesNotMatch(failed.message, /^unexpected|undefined/);
    } finally {
      await ssh.close();
    }
    const after = await consistentState(stages.handle);
    assert.equal(after.serial, before.serial);
    assert.equal(await readLock(stages.handle.routers), undefined, 'the lock taken on the reachable router is given back');
    onlyColor(await colorsSeen(sandbox.urls, 4), 'web', 'blue');
  });

  it('a canary version that fails 20 % of its requests is rolled back by the analysis, which says why', async () => {
    await runStage(ctx, 'deploy green 3.0.0-flaky', () => deploy(ctx, 'green', '3.0.0-flaky'));
    const before = await consistentState(stages.handle);
    const generator = new TrafficGenerator({ targets: sandbox.urls, rps: 40, mobileShare: 0.5, keepAlive: true, durationMs: 120_000 });
    const running = generator.start();
    let failed: Error;
    try {
      failed = await rejection(runStage(ctx, 'canary green --segment mobile', () => canary(ctx, 'green', { segment: 'mobile' })));
    } finally {
      await generator.stop();
    }
    const traffic = await running;
    assert.ok(failed instanceof StageError, String(failed));
    assert.match(failed.message, /^canary on green rolled back: error rate (\d+\.\d\d)% > 5\.00% over \d+ request\(s\) in the last 3s$/);
    // The analysis window holds a handful of requests, so its rate is a coarse sample of 20 %: it
    // only has to be a breach made of whole failed requests. The client's larger sample checks 20 %.
    const [, rateText, countText] = /error rate ([\d.]+)% > 5\.00% over (\d+) request/.exec(failed.message) ?? [];
    const rate = Number(rateText);
    const failedInWindow = (rate / 100) * Number(countText);
    assert.ok(rate > 5, `the analysis breached at ${rate}%`);
    assert.ok(Math.abs(failedInWindow - Math.round(failedInWindow)) < 0.05 && Math.round(failedInWindow) >= 1, `${rate}% of ${countText} is a whole number of failed requests`);
    const green = traffic.byColor.green;
    assert.ok(green.failed > 0, 'mobile users met the flaky build during the window');
    const clientRate = green.failed / (green.ok + green.failed);
    if (green.ok + green.failed >= 20) assert.ok(clientRate > 0.03 && clientRate < 0.6, `the client saw ${(clientRate * 100).toFixed(1)}% of green's ${green.ok + green.failed} answers fail (the flaky build fails 20 %)`);

    const after = await consistentState(stages.handle);
    assert.deepEqual(after.plan, before.plan, 'users are back on the plan before the canary');
    assert.match(after.stage, /^rollback \(canary breach: error rate/);
    const seen = await colorsSeen(sandbox.urls);
    onlyColor(seen, 'web', 'blue');
    onlyColor(seen, 'mobile', 'blue');
    const audit = await readAudit(stages.handle.routers, 3);
    assert.equal(audit.at(-1)?.stage, 'canary green --segment mobile');
    assert.equal(audit.at(-1)?.result, 'failed');
    assert.match(audit.at(-1)?.detail ?? '', /rolled back: error rate/);

    await runStage(ctx, `deploy green ${GOOD}`, () => deploy(ctx, 'green', GOOD));
  });
});

/** A transport whose exec goes through `hook` (which decides when and whether to run it). */
function intercept(inner: Transport, hook: (command: string, run: () => ReturnType<Transport['exec']>) => ReturnType<Transport['exec']>): Transport {
  return {
    host: inner.host,
    exec: (command: string, options?: ExecOptions) => hook(command, () => inner.exec(command, options)),
    put: (path, data, options) => inner.put(path, data, options),
    close: () => inner.close(),
  };
}

/** A loopback port nothing listens on (taken, then given back). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}
