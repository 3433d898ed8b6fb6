// Canary analysis on a real sandbox (`careful`, window 20s, max p95 800 ms): a latency breach
// stops the watch early and rolls back, as an error-rate breach does (stages-faults.test.ts); and
// when the access-log stream breaks (the `tail -F` on the router dies, over ssh as on real
// hosts) the canary fails closed and rolls back instead of passing.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { openEnvironment, EnvironmentHandle } from '../../src/core/environment/openEnvironment';
import { routerUrls } from '../../src/core/environment/routerUrls';
import { canary } from '../../src/core/stages/canary';
import { restore } from '../../src/core/stages/restore';
import { readRouters, currentState } from '../../src/core/fleet/readRouters';
import { StageContext } from '../../src/core/stages/stageContext';
import { StageError } from '../../src/core/errors';
import { BluegreenConfig } from '../../src/core/model';
import { TrafficGenerator } from '../../src/core/traffic/trafficGenerator';
import { SANDBOX_UP_TIMEOUT_MS } from '../helpers/sandbox';
import { CAREFUL_ENV, CAREFUL_SSH_ENV, downCarefulSandbox, upCarefulSandbox, withSshEnvironment } from '../helpers/carefulSandbox';

const run = promisify(execFile);
const docker = (...args: string[]) => run('docker', args, { timeout: 60_000 });
const GREEN_WEB = 'bg-careful-green-web-1';
const ROUTER = 'bg-careful-router-1';

function stageContext(handle: EnvironmentHandle, onProgress: (line: string) => void): StageContext {
  return { handle, actor: 'careful@itest', progress: onProgress, yes: true, force: false };
}

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the canary to fail');
}

describe('canary analysis (careful sandbox)', function () {
  this.timeout(SANDBOX_UP_TIMEOUT_MS);
  let config: BluegreenConfig;

  before(async () => {
    const sandbox = await upCarefulSandbox();
    config = await withSshEnvironment(sandbox);
  });
  afterEach(async () => {
    await docker('exec', GREEN_WEB, 'sh', '-c', "pkill -f '[s]lowdown'; kill -CONT \"$(cat /run/bluegreen/web/app.pid)\"; true").catch(() => undefined);
    const handle = openEnvironment(config, CAREFUL_ENV);
    await restore(stageContext(handle, () => undefined)).finally(() => handle.close());
  });
  after(() => downCarefulSandbox());

  it('a latency breach stops the watch at once and rolls back, saying why', async () => {
    const handle = openEnvironment(config, CAREFUL_ENV);
    const generator = new TrafficGenerator({ targets: await routerUrls(handle), rps: 60, mobileShare: 0.5, keepAlive: true, durationMs: 120_000 });
    let watchStarted = 0;
    const ctx = stageContext(handle, (line) => {
      if (!line.startsWith('watching green')) return;
      watchStarted = Date.now();
      // green web freezes 1.5 s at a time: slow answers, no errors.
      void docker('exec', '-d', GREEN_WEB, 'sh', '-c', 'p=$(cat /run/bluegreen/web/app.pid); while kill -STOP $p; do sleep 1.5; kill -CONT $p; sleep 0.1; done # slowdown');
    });
    const before = currentState(await readRouters(handle.routers)).state;
    const running = generator.start();
    let failed: Error;
    try {
      failed = await rejection(canary(ctx, 'green', { segment: 'mobile' }));
    } finally {
      await generator.stop();
      await running;
    }
    const watched = Date.now() - watchStarted;
    try {
      assert.ok(failed instanceof StageError, String(failed));
      assert.match(failed.message, /^canary on green rolled back: p95 \d+ ms > 800 ms over \d+ request\(s\) in the last 20s$/);
      assert.ok(watched < 18_000, `judged as the window slid, not at its end (${watched} ms)`);
      const after = currentState(await readRouters(handle.routers)).state;
      assert.deepEqual(after.plan, before.plan, 'users are back on the plan before the canary');
      assert.match(after.stage, /^rollback \(canary breach: p95/);
    } finally {
      await handle.close();
    }
  });

  it('a broken access-log stream fails closed: the canary is rolled back, over ssh as on real hosts', async () => {
    const handle = openEnvironment(config, CAREFUL_SSH_ENV);
    const ctx = stageContext(handle, (line) => {
      if (!line.startsWith('watching green')) return;
      // The router's `tail -F` of the access log dies a moment into the watch.
      setTimeout(() => void docker('exec', ROUTER, 'pkill', '-f', 'tail -n 0 -F'), 1500);
    });
    const before = currentState(await readRouters(handle.routers)).state;
    const started = Date.now();
    try {
      const failed = await rejection(canary(ctx, 'green', { segment: 'mobile' }));
      assert.ok(failed instanceof StageError, String(failed));
      assert.match(failed.message, /^canary on green rolled back: could not read the routers' access log \(bg-careful-router-1: .+\), so the canary cannot be judged$/);
      assert.ok(Date.now() - started < 18_000, 'it does not wait out the window');
      const after = currentState(await readRouters(handle.routers)).state;
      assert.deepEqual(after.plan, before.plan);
      assert.match(after.stage, /^rollback \(canary breach: could not read/);
    } finally {
      await handle.close();
    }
  });
});
