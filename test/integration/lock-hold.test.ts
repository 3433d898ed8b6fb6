// `lock hold --message` / `lock release` on real routers reached over ssh (a real sshd, two
// router data folders): the holder's stages go through and the hold stays; anyone else's are
// refused naming holder, time and message; `status` says so; a release lets others in.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { DEFAULT_ROUTER_PATHS } from '../../src/core/hostCommands/layout';
import { SshTransport } from '../../src/core/transport';
import { RouterHandle } from '../../src/core/fleet/routerHandle';
import { holdLock, readLock, releaseLock } from '../../src/core/fleet/lock';
import { readAudit } from '../../src/core/fleet/audit';
import { runStage } from '../../src/core/stages/runStage';
import { describeLock, formatStatus } from '../../src/core/stages/status';
import { StageContext } from '../../src/core/stages/stageContext';
import { EnvironmentHandle } from '../../src/core/environment/openEnvironment';
import { RefusedError } from '../../src/core/errors';
import { startSshd, type TestSshd } from '../helpers/sshd';

describe('lock hold (two routers over ssh)', function () {
  this.timeout(120_000);
  let sshd: TestSshd;
  let routers: RouterHandle[];

  const ctx = (actor: string): StageContext => ({
    handle: {
      routers, env: { name: 'locktest' }, without: [],
      connectAhead: (names: string[]) => routers.filter((r) => names.includes(r.name)).forEach((r) => r.transport.connect?.()),
    } as unknown as EnvironmentHandle,
    actor, progress: () => undefined, yes: true, force: false,
  });
  const stage = (actor: string, label = 'drain green') =>
    runStage(ctx(actor), label, async () => ({ stage: label, summary: `${label} by ${actor}`, warnings: [], durationMs: 0 }));

  before(async () => {
    sshd = await startSshd();
    routers = ['lb1', 'lb2'].map((name) => {
      const dataDir = path.join(sshd.dir, name);
      mkdirSync(dataDir);
      return {
        name, sudo: false, listenPort: 80, paths: { ...DEFAULT_ROUTER_PATHS, dataDir },
        transport: new SshTransport({ host: name, target: sshd.host, port: sshd.port, user: sshd.user, identityFile: sshd.identityFile, options: sshd.clientOptions }),
      };
    });
  });
  after(async () => {
    await Promise.all((routers ?? []).map((r) => r.transport.close()));
    await sshd?.stop();
  });

  it("the holder's stages go through under the hold, which stays after them", async () => {
    const held = await holdLock(routers, 'alice@ops', 'migrating the orders table by hand');
    assert.deepEqual({ ...held, since: 'x' }, { holder: 'alice@ops', since: 'x', stage: 'hold', message: 'migrating the orders table by hand', pid: 0, held: true });
    const result = await stage('alice@ops');
    assert.equal(result.summary, 'drain green by alice@ops');
    await stage('alice@ops', 'switch green');
    const lock = await readLock(routers);
    assert.equal(lock?.holder, 'alice@ops');
    assert.equal(lock?.held, true);
    const audit = await readAudit(routers, 10);
    assert.deepEqual(audit.map((a) => `${a.who} ${a.stage} ${a.result}`), ['alice@ops drain green ok', 'alice@ops switch green ok']);
  });

  it("everyone else's stages are refused naming holder, time and message, with a way on", async () => {
    const lock = await readLock(routers);
    await assert.rejects(stage('bob@ci'), (error: unknown) => {
      assert.ok(error instanceof RefusedError);
      assert.equal(error.message, `the release lock is held by alice@ops since ${lock?.since}: "migrating the orders table by hand" (taken with \`bluegreen lock hold\`)`);
      assert.equal(error.hint, 'ask alice@ops to run `bluegreen lock release` when done; if they cannot, `bluegreen lock release --yes` removes it');
      return true;
    });
    await assert.rejects(holdLock(routers, 'bob@ci', 'mine now'), /held by alice@ops/);
    assert.equal((await readLock(routers))?.message, 'migrating the orders table by hand', 'a refused hold changes nothing');
  });

  it('status shows the hold; holding again replaces the message and keeps the time', async () => {
    const before = await readLock(routers);
    await holdLock(routers, 'alice@ops', 'orders migration, step 2');
    const lock = await readLock(routers);
    assert.equal(lock?.since, before?.since);
    assert.equal(describeLock(lock!), `held by alice@ops since ${before?.since}: "orders migration, step 2" (lock hold)`);
    const text = formatStatus({ environment: 'locktest', routers: [], colors: [], lock, plan: 'blue 100%' });
    assert.match(text, /^ {2}lock: held by alice@ops since .*: "orders migration, step 2" \(lock hold\)$/m);
  });

  it('after the holder releases it, others take the lock per stage again', async () => {
    await releaseLock(routers, 'alice@ops');
    assert.equal(await readLock(routers), undefined);
    assert.equal((await stage('bob@ci')).summary, 'drain green by bob@ci');
    assert.equal(await readLock(routers), undefined, 'a stage run releases the lock it took');
  });

  it('of two stages started at the same moment, one goes through and the other is refused naming it', async () => {
    // Both bodies wait until one run has been refused, so the winner still holds the lock then.
    let open: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => { open = resolve; });
    const run = (actor: string) => runStage(ctx(actor), 'switch green', async () => {
      await gate;
      return { stage: 'switch green', summary: actor, warnings: [], durationMs: 0 };
    }).then((result) => ({ through: result.summary }), (error: unknown) => ({ refused: error }));
    const runs = [run('carol@ops'), run('dave@ci')];
    const first = await Promise.race(runs);
    open();
    const [carol, dave] = await Promise.all(runs);
    assert.ok('refused' in first, 'the first to end is the refused run');
    const winner = 'through' in carol ? carol.through : 'through' in dave ? dave.through : undefined;
    const loser = 'refused' in carol ? carol.refused : 'refused' in dave ? dave.refused : undefined;
    assert.ok(winner && ['carol@ops', 'dave@ci'].includes(winner), `exactly one went through: ${JSON.stringify([carol, dave])}`);
    assert.ok(loser instanceof RefusedError, String(loser));
    assert.match(loser.message, new RegExp(`the release lock is held by ${winner.replace('.', '\\.')} since .* \\(switch green`));
    assert.equal(await readLock(routers), undefined, 'no lock is left on any router');
  });
});
