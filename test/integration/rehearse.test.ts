// The README's main job, `bluegreen rehearse`, end to end in its own sandbox (`rehearsetest`,
// 2 routers, the stage suites' short-canary runbook): a whole release under real traffic, then
// the story's zombies scenario, which the database gate must stop and the rehearsal must clean
// up after. Real Docker, nginx, Java and Node apps and PostgreSQL throughout.
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import { parseConfig, formatConfigError } from '../../src/core/config';
import { BluegreenConfig } from '../../src/core/model';
import { down } from '../../src/core/sandbox';
import { openEnvironment } from '../../src/core/environment/openEnvironment';
import { readRouters, currentState } from '../../src/core/fleet/readRouters';
import { rehearse } from '../../src/core/rehearsal/rehearse';
import { STAGE_CONFIG, SANDBOX_UP_TIMEOUT_MS } from '../helpers/stageHarness';

const ENV = 'rehearsetest';

async function rehearsalConfig(): Promise<BluegreenConfig> {
  const text = `${await fs.readFile(STAGE_CONFIG, 'utf8')}\n  ${ENV}:\n    docker: { routers: 2, hostsPerColor: 1 }\n`;
  const result = parseConfig(text, STAGE_CONFIG);
  if (!result.ok) throw new Error(result.errors.map(formatConfigError).join('\n'));
  return result.config;
}

describe('bluegreen rehearse (sandbox rehearsetest)', function () {
  this.timeout(SANDBOX_UP_TIMEOUT_MS + 10 * 60_000);
  let config: BluegreenConfig;
  const lines: string[] = [];
  const progress = (line: string) => { lines.push(line); };

  before(async () => {
    config = await rehearsalConfig();
  });

  after(async () => {
    await down(config, ENV, { volumes: true });
  });

  afterEach(function () {
    if (this.currentTest?.state === 'failed') process.stderr.write(`--- rehearsal log ---\n${lines.slice(-60).join('\n')}\n`);
    lines.length = 0;
  });

  it('releases the next version through the whole runbook under load: every step reported, no request lost', async () => {
    const report = await rehearse(config, { envName: ENV, rps: 60, progress });
    assert.equal(report.ok, true, report.error);
    assert.equal(report.environment, ENV);
    assert.notEqual(report.version, report.fromVersion);
    assert.deepEqual(report.steps.map((s) => s.step), [
      'drain green', 'deploy green', 'verify green', 'canary green --segment mobile',
      `pause: Mobile users are on green. Watch the panel, then continue.`, 'switch green', 'deploy blue', 'verify blue', 'restore',
    ]);
    assert.ok(report.steps.every((s) => s.ok));
    assert.equal(report.traffic.failed, 0, JSON.stringify(report.traffic.failures));
    assert.ok(report.traffic.sent > 500, `sent ${report.traffic.sent}`);
    // Each step's time and counts are its own: together they stay within the whole run.
    const stepsMs = report.steps.reduce((sum, s) => sum + s.durationMs, 0);
    assert.ok(stepsMs < report.durationMs, `steps ${stepsMs} ms of ${report.durationMs} ms`);
    assert.ok(report.steps.reduce((sum, s) => sum + s.sent, 0) <= report.traffic.sent);
    // After `switch green` every user request went to green; after `restore` both colors serve.
    const switched = report.steps.find((s) => s.step === 'switch green');
    assert.ok(switched && switched.observedSplit.green > 0.95, JSON.stringify(switched?.observedSplit));
    const restored = report.steps[report.steps.length - 1];
    assert.ok(restored.observedSplit.blue > 0.2 && restored.observedSplit.green > 0.2, JSON.stringify(restored.observedSplit));

    const handle = openEnvironment(config, ENV);
    try {
      const { state } = currentState(await readRouters(handle.routers));
      assert.deepEqual(state.versions.blue, { api: report.version, web: report.version });
      assert.deepEqual(state.versions.green, { api: report.version, web: report.version });
      assert.deepEqual(state.plan.weights, config.traffic.initial);
    } finally {
      await handle.close();
    }
  });

  it('zombies: the database gate stops the leaky release at the switch, names the build, and the sandbox is put back', async () => {
    const report = await rehearse(config, { envName: ENV, scenario: 'zombies', progress });
    assert.equal(report.ok, false);
    assert.equal(report.scenarioPassed, true, report.error);
    assert.match(report.version, /-leaky$/);
    assert.match(report.error ?? '', /database gate: \d+ zombie connection\(s\)/);
    assert.match(report.error ?? '', /web on green at \S+-leaky/);
    assert.ok(report.cleanup?.length, 'the cleanup says what it did');
    assert.ok(report.cleanup?.every((line) => !/FAILED/.test(line)), report.cleanup?.join('\n'));

    const handle = openEnvironment(config, ENV);
    try {
      const { state } = currentState(await readRouters(handle.routers));
      // Nobody is left on the leaky build: both colors run the version before it again.
      assert.equal(state.versions.green.web, report.fromVersion);
      assert.equal(state.versions.blue.web, report.fromVersion);
    } finally {
      await handle.close();
    }
  });
});
