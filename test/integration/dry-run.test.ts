// A dry run shows what runs: the commands a dry run plans for a stage, per host and in order,
// are the commands a real run of that stage then executes — read from the transport's own log
// (withLog), not from the builders again — on the sandbox (Docker exec) and over SSH. And a dry
// run changes nothing: same state serial, no lock, no new audit line, same versions.
import assert from 'node:assert/strict';
import { BluegreenConfig, SshEnvironment } from '../../src/core/model';
import { HostLogEvent } from '../../src/core/transport';
import { openEnvironment } from '../../src/core/environment/openEnvironment';
import { readAudit } from '../../src/core/fleet/audit';
import { readLock } from '../../src/core/fleet/lock';
import { dryRun } from '../../src/core/plan/dryRun';
import { runStage } from '../../src/core/stages/runStage';
import { switchTo } from '../../src/core/stages/switch';
import { deploy } from '../../src/core/stages/deploy';
import { canary } from '../../src/core/stages/canary';
import { drain } from '../../src/core/stages/drain';
import { release } from '../../src/core/stages/release';
import { describePlan } from '../../src/core/router/describePlan';
import { checkColorHealth } from '../../src/core/stages/health';
import { StageContext, StageResult } from '../../src/core/stages/stageContext';
import { STAGES } from '../../src/core/stages/registry';
import { cliRunner, ensureCliBuilt } from '../helpers/cli';
import {
  SANDBOX_UP_TIMEOUT_MS, STAGE_CONFIG, STAGE_ACTOR, STAGE_ENV, StageSandbox, Stages, closeStagesAtBaseline, colorsSeen, configWithSsh, consistentState, onlyColor,
  openStagesAtBaseline, sshEnvironmentYaml,
} from '../helpers/stageHarness';

/** Sizes of stdin and of written files change with times and serials: masked. */
const mask = (line: string) => line.replace(/stdin \d+ bytes/g, 'stdin N bytes').replace(/\(\d+ bytes, mode/g, '(N bytes, mode');

type StageRun = (ctx: StageContext) => Promise<StageResult>;

function contextFor(handle: ReturnType<typeof openEnvironment>): StageContext {
  return { handle, actor: STAGE_ACTOR, progress: () => undefined, yes: true, force: false };
}

/** The dry run's commands, per host, as the transport log would show them. */
async function planned(config: BluegreenConfig, envName: string, label: string, run: StageRun) {
  const outcome = await dryRun(label, envName, async (plan) => {
    const handle = openEnvironment(config, envName, { plan });
    try {
      const ctx = contextFor(handle);
      await runStage(ctx, label, () => run(ctx));
    } finally {
      await handle.close();
    }
  });
  const perHost = new Map<string, string[]>();
  for (const step of outcome.summary.steps) perHost.set(step.host, [...(perHost.get(step.host) ?? []), mask(step.command)]);
  return { outcome, perHost };
}

/** A real run's commands, per host, from the transport's own log. */
async function executed(config: BluegreenConfig, envName: string, label: string, run: StageRun) {
  const perHost = new Map<string, string[]>();
  const hostLog = (event: HostLogEvent) => {
    if (event.kind === 'command') perHost.set(event.host, [...(perHost.get(event.host) ?? []), mask(event.text)]);
  };
  const handle = openEnvironment(config, envName, { hostLog });
  try {
    const ctx = contextFor(handle);
    await runStage(ctx, label, () => run(ctx));
  } finally {
    await handle.close();
  }
  return perHost;
}

function sameCommands(plan: Map<string, string[]>, real: Map<string, string[]>): void {
  assert.deepEqual([...plan.keys()].sort(), [...real.keys()].sort(), 'the same hosts');
  for (const [host, commands] of plan) assert.deepEqual(real.get(host), commands, `the commands on ${host}, in order`);
}

describe('dry run: what it shows is what runs (stagetest sandbox)', function () {
  this.timeout(SANDBOX_UP_TIMEOUT_MS);
  let sandbox: StageSandbox;
  let stages: Stages;

  before(async () => {
    ({ sandbox, stages } = await openStagesAtBaseline({ everyUserOn: 'blue' }));
  });
  after(() => closeStagesAtBaseline(stages));

  async function untouched<T>(body: () => Promise<T>): Promise<T> {
    const before = await consistentState(stages.handle);
    const audit = await readAudit(stages.handle.routers, 1);
    const result = await body();
    const after = await consistentState(stages.handle);
    assert.equal(after.serial, before.serial, 'the dry run changed no router');
    assert.equal(await readLock(stages.handle.routers), undefined, 'the dry run took no lock');
    assert.deepEqual(await readAudit(stages.handle.routers, 1), audit, 'the dry run wrote no audit line');
    return result;
  }

  for (const over of ['Docker exec', 'SSH'] as const) {
    it(`switch green over ${over}: the dry run's commands are the real run's, host by host; the dry run changed nothing`, async () => {
      const config = over === 'SSH' ? await configWithSsh(sshEnvironmentYaml(sandbox, { name: 'stagetest-dry-ssh' })) : sandbox.config;
      const envName = over === 'SSH' ? 'stagetest-dry-ssh' : STAGE_ENV;
      if (over === 'SSH') assert.equal((config.environments[envName] as SshEnvironment).kind, 'ssh');
      const { outcome, perHost } = await untouched(() => planned(config, envName, 'switch green', (ctx) => switchTo(ctx, 'green')));
      onlyColor(await colorsSeen(sandbox.urls, 2), 'web', 'blue');

      // The plan: the state diff, and reads that ran next to writes that did not.
      assert.equal(outcome.stopped, undefined, outcome.text);
      assert.match(outcome.text, /^Dry run of `switch green` on stagetest(-dry-ssh)?: nothing was changed\./);
      assert.match(outcome.text, /Router state #\d+ → #\d+: blue 100% → green 100%/);
      assert.match(outcome.text, /^ {2}- {7}"blue": 100,$/m);
      assert.match(outcome.text, /^ {2}\+ {7}"green": 100$/m);
      assert.match(outcome.text, /\[read, ran\] read the state, routing mode, listener and tooling record/);
      assert.match(outcome.text, /\[record\] take the release lock \(fails if held\)/);
      assert.match(outcome.text, /If the apply step fails on a router, it runs:/);
      assert.ok(outcome.summary.steps.some((s) => s.command.startsWith('mv -f /var/lib/bluegreen/state.json.next /var/lib/bluegreen/state.json') && !s.ran));

      const real = await executed(config, envName, 'switch green', (ctx) => switchTo(ctx, 'green'));
      onlyColor(await colorsSeen(sandbox.urls, 2), 'web', 'green');
      sameCommands(perHost, real);
      const ctx = stages.ctx();
      await runStage(ctx, 'drain green', () => drain(ctx, 'green'));
    });
  }

  it('deploy to the idle color: names the artifact, plans the puts and the deploy lines, and the hosts keep their release', async () => {
    const green = await checkColorHealth(stages.handle, 'green');
    const { outcome } = await untouched(() => planned(sandbox.config, STAGE_ENV, 'deploy green 3.0.1', (ctx) => deploy(ctx, 'green', '3.0.1')));
    assert.equal(outcome.stopped, undefined, outcome.text);
    assert.match(outcome.text, /would (reuse|build \(not cached yet\)) the web 3\.0\.1 artifact: /);
    assert.match(outcome.text, /\[change\] deploy web 3\.0\.1 \(bluegreen\.yaml\)/);
    assert.match(outcome.text, /put \/opt\/web\/artifacts\/web-3\.0\.1\.tar\.gz/);
    assert.deepEqual((await checkColorHealth(stages.handle, 'green')).versions, green.versions, 'green runs what it ran');
  });

  it('deploy to the live color is planned up to its refusal, which the plan says', async () => {
    const { outcome } = await untouched(() => planned(sandbox.config, STAGE_ENV, 'deploy blue 3.0.1', (ctx) => deploy(ctx, 'blue', '3.0.1')));
    assert.match(outcome.stopped?.message ?? '', /blue has live traffic/);
    assert.match(outcome.text, /The stage would stop here: blue has live traffic/);
  });

  it('canary: plans the slice, says it would watch, and shows the rollback a breach would run', async () => {
    const { outcome } = await untouched(() => planned(sandbox.config, STAGE_ENV, 'canary green --percent 10', (ctx) => canary(ctx, 'green', { percent: 10 })));
    assert.equal(outcome.stopped, undefined, outcome.text);
    assert.match(outcome.text, /blue 100% → blue 90% · green 10%/);
    assert.match(outcome.text, /would watch the routers' access log for \d+s/);
    assert.match(outcome.text, /If the canary analysis breaches: roll back to the plan before the canary, it runs:/);
    onlyColor(await colorsSeen(sandbox.urls, 2), 'mobile', 'blue');
  });

  it('the whole release runbook: each stage planned on the state the previous one would leave, to the end', async () => {
    const outcome = await untouched(() => dryRun('release 3.0.1', STAGE_ENV, async (plan) => {
      const handle = openEnvironment(sandbox.config, STAGE_ENV, { plan });
      try {
        await release(contextFor(handle), '3.0.1');
      } finally {
        await handle.close();
      }
    }));
    assert.equal(outcome.stopped, undefined, outcome.text);
    const changes = outcome.summary.stateChanges;
    assert.ok(changes.length >= 4, outcome.text);
    changes.slice(1).forEach((change, i) => assert.equal(change.from, changes[i].to, 'each change starts where the previous one left'));
    const initial = describePlan({ weights: { ...sandbox.config.traffic.initial }, segments: [] });
    assert.equal(changes.at(-1)?.planAfter, initial, 'the runbook ends on traffic.initial');
    assert.ok(outcome.summary.notes.some((n) => /^would ask: .*Continue\?$/.test(n)), 'the pause point is said');
  });

  describe('the CLI: --dry-run on every stage', () => {
    const cli = cliRunner(() => STAGE_CONFIG, STAGE_ENV, { BLUEGREEN_ACTOR: STAGE_ACTOR });
    before(() => ensureCliBuilt());

    it('every stage that takes the lock offers --dry-run', async () => {
      for (const stage of STAGES.filter((s) => s.takesLock)) {
        const help = await cli.ok(stage.name, '--help');
        assert.match(help.stdout, /--dry-run/, `bluegreen ${stage.name} --help`);
      }
    });

    it('switch green --dry-run prints the diff and the commands, and the --json plan; exit 0; nothing changed', async () => {
      const text = await untouched(() => cli.ok('switch', 'green', '--dry-run'));
      assert.match(text.stdout, /^Dry run of `switch green` on stagetest: nothing was changed\./);
      assert.match(text.stdout, /\$ mv -f \/var\/lib\/bluegreen\/state\.json\.next \/var\/lib\/bluegreen\/state\.json 2>&1/);
      assert.match(text.stderr, /^dry run: /m, 'progress says it is a dry run');
      const json = JSON.parse((await untouched(() => cli.ok('switch', 'green', '--dry-run', '--json'))).stdout) as { dryRun: boolean; stateChanges: Array<{ planAfter: string }> };
      assert.equal(json.dryRun, true);
      assert.equal(json.stateChanges[0].planAfter, 'green 100%');
    });

    it('a dry run the stage would refuse prints the plan up to there, the refusal and its hint, and exits 1', async () => {
      const refused = await untouched(() => cli.run('deploy', 'blue', '3.0.1', '--dry-run'));
      assert.equal(refused.code, 1, refused.stderr);
      assert.match(refused.stdout, /The stage would stop here: blue has live traffic/);
      assert.match(refused.stderr, /blue has live traffic[^\n]*\n\s+→ drain it first/);
    });
  });
});
