// A sandbox belongs to its project: a second project whose sandbox has the same name is refused
// by `up` before anything is built or removed, its `down` leaves the first project's objects alone,
// and `status` says whose each container is. Real Docker, the `careful` sandbox as the first project.
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { requireConfig } from '../../src/core/config';
import { BluegreenConfig } from '../../src/core/model';
import { down, status, up } from '../../src/core/sandbox';
import { RefusedError } from '../../src/core/errors';
import { openEnvironment } from '../../src/core/environment/openEnvironment';
import { currentState, readRouters } from '../../src/core/fleet/readRouters';
import { readAudit } from '../../src/core/fleet/audit';
import { readLock } from '../../src/core/fleet/lock';
import { runStage } from '../../src/core/stages/runStage';
import { switchTo } from '../../src/core/stages/switch';
import { StageContext } from '../../src/core/stages/stageContext';
import { SANDBOX_UP_TIMEOUT_MS, REPO_CONFIG } from '../helpers/sandbox';
import { CAREFUL_ENV, CarefulSandbox, downCarefulSandbox, upCarefulSandbox } from '../helpers/carefulSandbox';

describe('sandbox ownership (two projects, one sandbox name)', function () {
  this.timeout(SANDBOX_UP_TIMEOUT_MS);
  let first: CarefulSandbox;
  let other: BluegreenConfig;
  let folder: string;
  const ids = async () => (await status(first.config, CAREFUL_ENV, { skipHealth: true })).hosts.map((h) => `${h.name}:${h.id}`).sort();

  before(async () => {
    first = await upCarefulSandbox();
    // A second project: the same apps in another folder, its sandbox also called `careful`.
    folder = await fs.mkdtemp(path.join(os.tmpdir(), 'bluegreen-otherproject-'));
    const text = (await fs.readFile(REPO_CONFIG, 'utf8')).replace(/context: (sandbox\/[\w-]+)/g, (_, rel: string) => `context: ${path.resolve(path.dirname(REPO_CONFIG), rel)}`)
      .replace('migrations: db/migrations', `migrations: ${path.resolve(path.dirname(REPO_CONFIG), 'db/migrations')}`);
    await fs.writeFile(path.join(folder, 'bluegreen.yaml'), `${text}\n  ${CAREFUL_ENV}:\n    docker: { routers: 1, ssh: true }\n`);
    other = await requireConfig(path.join(folder, 'bluegreen.yaml'));
  });
  after(async () => {
    if (folder) await fs.rm(folder, { recursive: true, force: true });
    await downCarefulSandbox();
  });

  it("the second project's up is refused naming the owner, and changes nothing", async () => {
    const before = await ids();
    await assert.rejects(up(other, CAREFUL_ENV), (error: unknown) => {
      assert.ok(error instanceof RefusedError, String(error));
      assert.match(error.message, new RegExp(`^the sandbox "careful" on this Docker engine belongs to another project, ${REPO_CONFIG.replace(/[.]/g, '\\.')} \\(bg-careful-blue-api-1, bg-careful-blue-web-1, bg-careful-db, bg-careful-green-api-1, bg-careful-green-web-1, bg-careful-router-1, network bg-careful, volume bg-careful-db\\); nothing was changed$`));
      assert.match(error.hint ?? '', /bluegreen sandbox down --config .*bluegreen\.yaml --env careful/);
      assert.match(error.hint ?? '', /give this project's sandbox its own name/);
      return true;
    });
    assert.deepEqual(await ids(), before, 'the same containers, none replaced');
    assert.equal((await status(first.config, CAREFUL_ENV)).healthy, true);
  });

  it("the second project's down leaves the first project's containers, network and volume alone", async () => {
    const before = await ids();
    const result = await down(other, CAREFUL_ENV, { volumes: true });
    assert.deepEqual(result.containers, []);
    assert.deepEqual(result.networks, []);
    assert.deepEqual(result.volumes, []);
    assert.ok(result.kept.includes('network bg-careful') && result.kept.includes('volume bg-careful-db'), result.kept.join(', '));
    assert.equal(result.kept.filter((k) => k.startsWith('bg-careful-')).length, before.length);
    assert.deepEqual(await ids(), before);
  });

  it("the second project's stages are refused before they touch the first project's routers", async () => {
    const mine = openEnvironment(first.config, CAREFUL_ENV);
    const theirs = openEnvironment(other, CAREFUL_ENV);
    try {
      const before = currentState(await readRouters(mine.routers)).state.serial;
      const auditBefore = (await readAudit(mine.routers, 1000)).length;
      const ctx: StageContext = { handle: theirs, actor: 'other@itest', progress: () => undefined, yes: true, force: false };
      await assert.rejects(runStage(ctx, 'switch green', () => switchTo(ctx, 'green')), (error: unknown) => {
        assert.ok(error instanceof RefusedError, String(error));
        assert.match(error.message, /^the sandbox "careful" on this Docker engine belongs to another project/);
        return true;
      });
      assert.equal(currentState(await readRouters(mine.routers)).state.serial, before);
      assert.equal((await readAudit(mine.routers, 1000)).length, auditBefore, 'no audit line, no lock');
      assert.equal(await readLock(mine.routers), undefined);
    } finally {
      await Promise.all([mine.close(), theirs.close()]);
    }
  });

  it('status says whose each container is', async () => {
    const mine = await status(first.config, CAREFUL_ENV, { skipHealth: true });
    assert.equal(mine.project, REPO_CONFIG);
    assert.ok(mine.hosts.every((h) => h.project === REPO_CONFIG), mine.hosts.map((h) => `${h.name} ${h.project}`).join('\n'));
    const theirs = await status(other, CAREFUL_ENV, { skipHealth: true });
    assert.equal(theirs.healthy, false);
    assert.ok(theirs.hosts.every((h) => h.problem === `belongs to another project: ${REPO_CONFIG}`), theirs.hosts.map((h) => `${h.name}: ${h.problem}`).join('\n'));
  });
});
