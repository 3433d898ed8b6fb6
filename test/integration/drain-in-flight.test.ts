// A drain that drains (issue "real hosts 2/2"): requests a color is still serving when users are
// moved off it are waited for — drain returns only once they have finished, all answered — and
// when traffic.drainTimeout ends the wait first, the stage says how many were still open. Real
// nginx routers counting their connections to the app hosts, the sample web app's `/slow`.
import assert from 'node:assert/strict';
import { drain } from '../../src/core/stages/drain';
import { switchTo } from '../../src/core/stages/switch';
import { runStage } from '../../src/core/stages/runStage';
import { SANDBOX_UP_TIMEOUT_MS, StageSandbox, Stages, closeStagesAtBaseline, openStagesAtBaseline } from '../helpers/stageHarness';

// Longer than the drain stage itself takes before it counts (health checks, the change on every router).
const SLOW_MS = 15_000;

interface SlowAnswer { status: number; color: string; finishedAt: number }

/** Starts `count` slow requests through the routers (alternating), each answered after SLOW_MS. */
function slowRequests(urls: string[], count: number): Promise<SlowAnswer>[] {
  return Array.from({ length: count }, async (_, i) => {
    const response = await fetch(`${urls[i % urls.length]}/slow?ms=${SLOW_MS}`, { signal: AbortSignal.timeout(SLOW_MS + 20_000) });
    const body = await response.json() as { color?: string };
    return { status: response.status, color: body.color ?? '', finishedAt: Date.now() };
  });
}

describe('drain waits for the requests in flight (stagetest sandbox)', function () {
  this.timeout(SANDBOX_UP_TIMEOUT_MS);
  let sandbox: StageSandbox;
  let stages: Stages;

  before(async () => {
    ({ sandbox, stages } = await openStagesAtBaseline());
  });
  beforeEach(async () => {
    const ctx = stages.ctx();
    await runStage(ctx, 'switch green', () => switchTo(ctx, 'green'));
  });
  after(() => closeStagesAtBaseline(stages));

  it('drain green returns only after the slow requests green was serving have all finished, answered 200', async () => {
    const inFlight = slowRequests(sandbox.urls, 6);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const ctx = stages.ctx();
    const result = await runStage(ctx, 'drain green', () => drain(ctx, 'green'));
    const drainedAt = Date.now();
    const answers = await Promise.all(inFlight);
    assert.ok(answers.every((a) => a.status === 200 && a.color === 'green'), JSON.stringify(answers));
    assert.ok(answers.every((a) => a.finishedAt <= drainedAt), `drain returned before ${answers.filter((a) => a.finishedAt > drainedAt).length} request(s) finished`);
    assert.match(result.summary, /no request in flight on green \(waited/);
    assert.ok(stages.progress.some((line) => /waiting for [1-6] request\(s\) in flight on green/.test(line)), stages.progress.join('\n'));
    assert.deepEqual(result.warnings.filter((w) => /in flight/.test(w)), []);
  });

  it('with traffic.drainTimeout shorter than the requests, drain says how many were still open', async () => {
    const inFlight = slowRequests(sandbox.urls, 4);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const ctx = stages.ctx();
    const shortWait = { ...ctx, handle: { ...ctx.handle, config: { ...ctx.handle.config, traffic: { ...ctx.handle.config.traffic, drainTimeoutSeconds: 1 } } } };
    const result = await runStage(shortWait, 'drain green', () => drain(shortWait, 'green'));
    assert.match(result.summary, /4 request\(s\) still in flight on green/);
    assert.ok(result.warnings.some((w) => /4 request\(s\) were still in flight on green after \d+s \(traffic\.drainTimeout\)/.test(w)), result.warnings.join('\n'));
    // Nothing was cut: the requests finish on green all the same.
    assert.ok((await Promise.all(inFlight)).every((a) => a.status === 200));
  });
});
