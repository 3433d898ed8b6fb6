// The stages through the built `bluegreen` CLI (node dist/cli.js) against the shared `stagetest`
// sandbox: bad input refused with exit 2 before anything runs, and the process killed in the
// middle of a deploy and run again — state read back from the routers, the stale lock reported
// with its holder, `lock release --yes` clearing it.
import assert from 'node:assert/strict';
import { ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import os from 'node:os';
import { readLock } from '../../src/core/fleet/lock';
import { readAudit } from '../../src/core/fleet/audit';
import { runStage } from '../../src/core/stages/runStage';
import { drain } from '../../src/core/stages/drain';
import { readStatus } from '../../src/core/stages/status';
import { checkColorHealth } from '../../src/core/stages/health';
import {
  SANDBOX_UP_TIMEOUT_MS, STAGE_CONFIG, STAGE_ENV, Stages, baseline, colorsSeen, consistentState, onlyColor, openStages, stageSandbox, StageSandbox,
} from '../helpers/stageHarness';
import { CLI, ensureCliBuilt } from '../helpers/cli';

const ACTOR = `stagetest-cli@${os.hostname()}`;

interface Run { code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }

function cli(args: string[], options: { onStderr?: (text: string, child: ChildProcess) => void } = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, '--config', STAGE_CONFIG, ...args], {
      env: { ...process.env, BLUEGREEN_ACTOR: ACTOR }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      options.onStderr?.(stderr, child);
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 300_000);
    child.on('error', reject);
    child.on('close', (code, signal) => { clearTimeout(timer); resolve({ code, signal, stdout, stderr }); });
  });
}

describe('stages through the CLI (stagetest sandbox)', function () {
  this.timeout(SANDBOX_UP_TIMEOUT_MS);
  let sandbox: StageSandbox;
  let stages: Stages;

  before(async () => {
    ensureCliBuilt();
    sandbox = await stageSandbox();
    stages = openStages(sandbox.config, STAGE_ENV);
    await baseline(stages);
  });
  after(async () => {
    if (stages) await baseline(stages).catch(() => undefined);
    await stages?.close();
  });

  describe('bad input: exit 2, a message saying what is wrong, nothing run on the hosts', () => {
    let serial: number;
    let auditLines: number;
    before(async () => {
      serial = (await consistentState(stages.handle)).serial;
      auditLines = (await readAudit(stages.handle.routers, 1000)).length;
    });
    after(async () => {
      assert.equal((await consistentState(stages.handle)).serial, serial, 'no router state changed');
      assert.equal(await readLock(stages.handle.routers), undefined, 'no lock left');
    });

    const cases: Array<[string, string[], RegExp]> = [
      ['an unknown environment', ['--env', 'nowhere', 'drain', 'green', '--yes'], /unknown environment "nowhere"/],
      ['an unknown color', ['--env', STAGE_ENV, 'drain', 'purple', '--yes'], /unknown color "purple"/],
      ['an unknown stage', ['--env', STAGE_ENV, 'promote', 'green', '--yes'], /unknown command "promote"/],
      ['a version with shell metacharacters', ['--env', STAGE_ENV, 'deploy', 'green', '1.0;touch /tmp/pwned', '--yes'], /version "1\.0;touch \/tmp\/pwned" is not allowed/],
      ['a version with a command substitution', ['--env', STAGE_ENV, 'deploy', 'green', '$(id)', '--yes'], /version "\$\(id\)" is not allowed/],
      ['a percentage above 100', ['--env', STAGE_ENV, 'canary', 'green', '--percent', '101', '--yes'], /--percent must be a whole number from 0 to 100, got "101"/],
      ['a negative percentage', ['--env', STAGE_ENV, 'canary', 'green', '--percent=-5', '--yes'], /--percent must be a whole number from 0 to 100, got "-5"/],
      ['an unknown segment', ['--env', STAGE_ENV, 'canary', 'green', '--segment', 'tablet', '--yes'], /unknown segment "tablet"[\s\S]*segments in the config: mobile/],
    ];
    for (const [what, args, message] of cases) {
      it(`refuses ${what}`, async () => {
        const run = await cli(args);
        assert.equal(run.code, 2, `exit code (stderr: ${run.stderr})`);
        assert.match(run.stderr, message);
      });
    }

    it('ran nothing on the hosts for any of them (no artifact built, no audit line from a bad version)', async () => {
      const audit = (await readAudit(stages.handle.routers, 1000)).slice(auditLines);
      assert.deepEqual(audit.filter((e) => /pwned|\$\(id\)/.test(e.stage) && e.result === 'ok'), []);
      assert.equal(existsSync('/tmp/pwned'), false);
    });
  });

  it('killed in the middle of a deploy: state read back from the routers, the stale lock named with its holder, `lock release --yes` clears it, the deploy runs again', async () => {
    const ctx = stages.ctx();
    await runStage(ctx, 'drain green', () => drain(ctx, 'green'));
    const before = await consistentState(stages.handle);
    const version = '3.1.0';

    let killedAt = '';
    const killed = await cli(['--env', STAGE_ENV, 'deploy', 'green', version, '--yes'], {
      onStderr: (text, child) => {
        // Killed once the deploy commands run on the hosts: the worst moment, mid-stage.
        if (!killedAt && /bg-stagetest-green-\w+-1: \/opt\/bluegreen\/bin\/deploy/.test(text)) {
          killedAt = text.split('\n').filter(Boolean).at(-1) ?? '';
          child.kill('SIGKILL');
        }
      },
    });
    assert.equal(killed.signal, 'SIGKILL', `the CLI was killed mid-deploy (stderr: ${killed.stderr})`);
    assert.ok(killedAt, killed.stderr);

    // A new process reads everything back from the routers.
    const status = await readStatus(stages.handle);
    assert.equal(status.state?.serial, before.serial, 'the killed deploy changed no router state');
    assert.deepEqual(status.state?.plan, before.plan);
    assert.equal(status.lock?.holder, ACTOR);
    assert.equal(status.lock?.stage, `deploy green ${version}`);
    onlyColor(await colorsSeen(sandbox.urls), 'web', 'blue');
    onlyColor(await colorsSeen(sandbox.urls, 2), 'mobile', 'blue');

    const statusCli = await cli(['--env', STAGE_ENV, 'status']);
    assert.equal(statusCli.code, 0, statusCli.stderr);
    assert.match(statusCli.stdout, new RegExp(`lock: held by ${ACTOR} since \\S+ \\(deploy green ${version.replaceAll('.', '\\.')}\\)`));

    const again = await cli(['--env', STAGE_ENV, 'deploy', 'green', version, '--yes']);
    assert.equal(again.code, 1, again.stderr);
    assert.match(again.stderr, new RegExp(`the release lock is held by ${ACTOR} since \\S+ \\(deploy green ${version.replaceAll('.', '\\.')}\\); process \\d+ on this machine no longer runs, so the lock is stale`));
    assert.match(again.stderr, /bluegreen lock release --yes/);

    const released = await cli(['--env', STAGE_ENV, 'lock', 'release', '--yes']);
    assert.equal(released.code, 0, released.stderr);
    assert.match(released.stdout, new RegExp(`released the lock held by ${ACTOR}`));
    assert.equal(await readLock(stages.handle.routers), undefined);

    // The orphaned deploy commands keep running on the hosts (the container outlives its client);
    // wait for them, as an operator would, so the host's own deploy lock does not refuse the rerun.
    const deadline = Date.now() + 180_000;
    while (Date.now() < deadline) {
      const busy = await Promise.all(['api', 'web'].map((app) =>
        // `[b]` keeps pgrep from matching the shell that runs it.
        stages.handle.host(`bg-stagetest-green-${app}-1`).exec(`pgrep -f '[b]in/deploy ${app}' >/dev/null`).then((r) => r.code === 0)));
      if (!busy.includes(true)) break;
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
    const rerun = await cli(['--env', STAGE_ENV, 'deploy', 'green', version, '--yes']);
    assert.equal(rerun.code, 0, rerun.stderr);
    assert.match(rerun.stdout, new RegExp(`green runs ${version.replaceAll('.', '\\.')} on 2 host\\(s\\), healthy`));
    const health = await checkColorHealth(stages.handle, 'green');
    assert.deepEqual(health.versions, { api: [version], web: [version] });
    assert.deepEqual((await consistentState(stages.handle)).versions.green, { api: version, web: version });
    onlyColor(await colorsSeen(sandbox.urls), 'web', 'blue');
  });
});
