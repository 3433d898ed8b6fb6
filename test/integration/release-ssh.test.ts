// The same release as release-docker.test.ts through the SSH transport: an SSH environment,
// written from the sandbox's status, whose hosts are the `stagetest` containers reached on
// 127.0.0.1 at their published ssh ports (user `deploy`, sudo), with the project's key and the
// known_hosts file that pins their host keys — host-key checking stays on. Routers still reach
// the app hosts by container name (`address`). Same runbook, same load, same checks.
import assert from 'node:assert/strict';
import { SshEnvironment } from '../../src/core/model';
import { STAGE_SSH_ENV, SANDBOX_UP_TIMEOUT_MS, StageSandbox, Stages, baseline, configWithSsh, openStages, sshEnvironmentYaml, stageSandbox } from '../helpers/stageHarness';
import { assertRelease, runReleaseUnderLoad } from '../helpers/releaseUnderLoad';

describe('release through the SSH transport (stagetest containers over sshd, real traffic)', function () {
  this.timeout(SANDBOX_UP_TIMEOUT_MS);
  let sandbox: StageSandbox;
  let stages: Stages;

  before(async () => {
    sandbox = await stageSandbox();
    const config = await configWithSsh(sshEnvironmentYaml(sandbox));
    const env = config.environments[STAGE_SSH_ENV] as SshEnvironment;
    assert.equal(env.kind, 'ssh');
    assert.equal(env.ssh.options.StrictHostKeyChecking, 'yes');
    stages = openStages(config, STAGE_SSH_ENV);
    await baseline(stages);
  });
  after(() => stages?.close());

  it('walks the runbook under load over ssh: every stage seen by real requests, audited, versions read back, no request lost', async () => {
    const outcome = await runReleaseUnderLoad(sandbox, stages, '2.1.0');
    assertRelease(outcome, '2.1.0');
  });
});
