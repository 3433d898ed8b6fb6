// A full release of the fixture's runbook in the shared `stagetest` sandbox through the Docker
// transport, while the traffic generator sends web and mobile users through both routers. Each
// traffic stage's effect is checked with real requests at the moment the engine asks to go on
// (confirmations and the pause point), then the audit lines, the versions read back from the
// hosts and the routers, and the requests lost during the release (expected: none).
import { STAGE_ENV, SANDBOX_UP_TIMEOUT_MS, StageSandbox, Stages, baseline, openStages, stageSandbox } from '../helpers/stageHarness';
import { assertRelease, runReleaseUnderLoad } from '../helpers/releaseUnderLoad';

describe('release through the Docker transport (stagetest sandbox, real traffic)', function () {
  this.timeout(SANDBOX_UP_TIMEOUT_MS);
  let sandbox: StageSandbox;
  let stages: Stages;

  before(async () => {
    sandbox = await stageSandbox();
    stages = openStages(sandbox.config, STAGE_ENV);
    await baseline(stages);
  });
  after(() => stages?.close());

  it('walks the runbook under load: every stage seen by real requests, audited, versions read back, no request lost', async () => {
    const outcome = await runReleaseUnderLoad(sandbox, stages, '2.0.0');
    assertRelease(outcome, '2.0.0');
  });
});
