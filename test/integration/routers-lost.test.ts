// Losing a router (issue "real hosts 2/2"): with one of the stagetest sandbox's two routers
// frozen (docker pause: it neither answers nor fails fast), every stage is refused with a hint
// that names `--without`; with it, stages act on the router that answers, audited and locked as
// such; `--without` naming every router or an unknown one is refused; the router that comes back
// is behind, a deploy to a color its stale plan sends users to asks first, and `routers sync`
// brings it up to date — checked with real requests through both routers, via the CLI as an
// operator types it.
import assert from 'node:assert/strict';
import { readAudit } from '../../src/core/fleet/audit';
import { readLock } from '../../src/core/fleet/lock';
import { readRouters } from '../../src/core/fleet/readRouters';
import { RefusedError } from '../../src/core/errors';
import { deploy } from '../../src/core/stages/deploy';
import { runStage } from '../../src/core/stages/runStage';
import { cliRunner, ensureCliBuilt } from '../helpers/cli';
import {
  SANDBOX_UP_TIMEOUT_MS, STAGE_ACTOR, STAGE_CONFIG, STAGE_ENV, StageSandbox, Stages, closeStagesAtBaseline, colorsSeen, consistentState, docker, onlyColor,
  openStagesAtBaseline, rejection,
} from '../helpers/stageHarness';

const LOST = 'bg-stagetest-router-2';
const KEPT = 'bg-stagetest-router-1';

describe('a lost router (stagetest sandbox, CLI)', function () {
  this.timeout(SANDBOX_UP_TIMEOUT_MS);
  let sandbox: StageSandbox;
  let stages: Stages;
  const cli = cliRunner(() => STAGE_CONFIG, STAGE_ENV, { BLUEGREEN_ACTOR: STAGE_ACTOR });
  const kept = () => stages.handle.routers.filter((r) => r.name === KEPT);
  /** Colors served through one router's URL. */
  const through = (router: string) => sandbox.urls.filter((_, i) => stages.handle.routers[i].name === router);

  before(async () => {
    ensureCliBuilt();
    ({ sandbox, stages } = await openStagesAtBaseline({ everyUserOn: 'blue' }));
  });
  after(async () => {
    await docker('unpause', LOST).catch(() => undefined);
    await closeStagesAtBaseline(stages);
  });

  it('with one router frozen: refused with a hint naming --without; with it, switch acts on the other, audited and locked as such', async () => {
    const before = await consistentState(stages.handle);
    await docker('pause', LOST);
    const refused = await cli.run('switch', 'green');
    assert.equal(refused.code, 1, refused.stderr);
    assert.match(refused.stderr, new RegExp(`${LOST}`));
    assert.match(refused.stderr, new RegExp(`--without ${LOST}`), 'the hint names the way on');
    assert.equal((await readRouters(kept()))[0].state?.serial, before.serial, 'nothing changed on the router that answers');
    assert.equal(await readLock(kept()), undefined, 'no lock left behind');

    const switched = await cli.ok('switch', 'green', '--without', LOST);
    assert.match(switched.stdout, /green 100%/);
    onlyColor(await colorsSeen(through(KEPT), 4), 'web', 'green');
    const [audit] = (await readAudit(kept(), 1));
    assert.equal(audit.stage, `switch green (without ${LOST})`);
    assert.equal(audit.result, 'ok');
    assert.equal(await readLock(kept()), undefined);
  });

  it('refuses --without naming every router, or one that is not a router, and changes nothing', async () => {
    const before = (await readRouters(kept()))[0].state?.serial;
    const every = await cli.run('rollback', '--without', `${KEPT},${LOST}`);
    assert.equal(every.code, 1, every.stderr);
    assert.match(every.stderr, /--without leaves out every router of stagetest/);
    const unknown = await cli.run('rollback', '--without', 'lb9');
    assert.equal(unknown.code, 2, unknown.stderr);
    assert.match(unknown.stderr, /--without names "lb9", which is not a router of stagetest[\s\S]*the routers of stagetest are bg-stagetest-router-1, bg-stagetest-router-2/);
    assert.equal((await readRouters(kept()))[0].state?.serial, before);
  });

  it('the router that comes back is behind: a deploy to the color its stale plan serves asks first; routers sync brings it up to date', async () => {
    // Users are on green through the kept router; the lost one still sends them to blue.
    await docker('unpause', LOST);
    const readings = await readRouters(stages.handle.routers);
    const [keptState, lostState] = [KEPT, LOST].map((name) => readings.find((r) => r.router === name)?.state);
    assert.ok(keptState && lostState && lostState.serial < keptState.serial, 'the returning router is behind');
    onlyColor(await colorsSeen(through(LOST), 2), 'web', 'blue');
    const status = await cli.ok('status');
    assert.match(status.stdout, new RegExp(`router ${LOST}: \\S+ mode, state #${lostState.serial}`));

    const ctx = stages.ctx({ yes: false, confirm: undefined });
    const refused = await rejection(runStage(ctx, 'deploy blue 3.0.0', () => deploy(ctx, 'blue', '3.0.0')));
    assert.ok(refused instanceof RefusedError, String(refused));
    assert.match(refused.message, new RegExp(`needs confirmation: ${LOST} is behind: it carries state #${lostState.serial} \\(blue 100%\\), which sends users to blue`));
    assert.match(refused.hint ?? '', /bluegreen routers sync --env stagetest/);

    const synced = await cli.ok('routers', 'sync');
    assert.match(synced.stdout, new RegExp(`carry state #${keptState.serial + 1}`));
    const after = await consistentState(stages.handle);
    assert.equal(after.serial, keptState.serial + 1);
    onlyColor(await colorsSeen(sandbox.urls, 4), 'web', 'green');
    const again = await cli.ok('routers', 'sync');
    assert.match(again.stdout, /already carry state #\d+: nothing to do/);
  });

  it('rollback with a router lost: back to the plan before, on the router that answers', async () => {
    await docker('pause', LOST);
    try {
      const rolled = await cli.ok('rollback', '--without', LOST);
      assert.match(rolled.stdout, /blue 100%/);
      onlyColor(await colorsSeen(through(KEPT), 4), 'web', 'blue');
    } finally {
      await docker('unpause', LOST);
    }
    await cli.ok('routers', 'sync');
    onlyColor(await colorsSeen(sandbox.urls, 4), 'web', 'blue');
  });
});
