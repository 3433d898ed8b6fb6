// Per-app deploys (issue 16, item 4) against a sandbox of their own (`perapptest`: one router, one
// host per app per color, real containers and nginx), driven through the built CLI as an operator
// types it. The Show: a per-app release where one app's deploy fails (the sample web app exits at
// start-up when its version says "broken") and the other app stays live and untouched — the same
// process, the same release, nothing new unpacked, still answering through the router — then a
// good per-app deploy, the versions per app in `status`, and the runbook's per-app deploy step.
import assert from 'node:assert/strict';
import * as http from 'node:http';
import path from 'node:path';
import { requireConfig } from '../../src/core/config';
import type { BluegreenConfig, DockerEnvironment } from '../../src/core/model';
import { down, up } from '../../src/core/sandbox';
import { routerUrls } from '../../src/core/environment/routerUrls';
import { readAudit } from '../../src/core/fleet/audit';
import { SANDBOX_UP_TIMEOUT_MS, progressPrinter } from '../helpers/sandbox';
import { cliRunner, ensureCliBuilt } from '../helpers/cli';
import { Stages, colorsSeen, consistentState, docker, onlyColor, openStages, versionVia } from '../helpers/stageHarness';

const CONFIG = path.resolve(__dirname, '../fixtures/perapp/perapptest.yaml');
const ENV = 'perapptest';
const GREEN_API = `bg-${ENV}-green-api-1`;
const GREEN_WEB = `bg-${ENV}-green-web-1`;

/** What a host runs for an app, read on the host: the app's pid (alive), the release `current` points at, the releases unpacked. */
async function runsOn(container: string, app: string): Promise<{ pid: string; alive: boolean; current: string; releases: string }> {
  const out = await docker('exec', container, 'sh', '-c',
    `pid=$(cat /run/bluegreen/${app}/app.pid); echo "$pid"; kill -0 "$pid" 2>/dev/null && echo alive || echo dead; readlink /opt/${app}/current; ls /opt/${app}/releases | tr '\\n' ' '`);
  const [pid, alive, current, releases] = out.split('\n');
  return { pid, alive: alive === 'alive', current, releases: releases.trim() };
}

/** The web app's version on a color (its X-App-Version header), asked through the router with the preview header. */
function webVersionVia(url: string, color: 'blue' | 'green'): Promise<string> {
  return new Promise((resolve, reject) => {
    http.get(`${url}/health`, { agent: false, timeout: 10_000, headers: { 'X-Bluegreen-Preview': color } }, (res) => {
      res.resume();
      res.on('end', () => {
        try {
          assert.equal(res.statusCode, 200);
          assert.equal(res.headers['x-bluegreen-color'], color, 'the preview header must force the color');
          resolve(String(res.headers['x-app-version']));
        } catch (error) {
          reject(error as Error);
        }
      });
    }).on('error', reject);
  });
}

describe('per-app deploys (perapptest sandbox, the built CLI)', function () {
  this.timeout(SANDBOX_UP_TIMEOUT_MS);
  let config: BluegreenConfig;
  let env: DockerEnvironment;
  let stages: Stages;
  let urls: string[];
  const cli = cliRunner(() => CONFIG, ENV, { BLUEGREEN_ACTOR: 'perapptest@itest' });

  before(async () => {
    ensureCliBuilt();
    config = await requireConfig(CONFIG);
    env = config.environments[ENV] as DockerEnvironment;
    await up(config, env, { onProgress: progressPrinter(ENV) });
    stages = openStages(config, ENV);
    urls = await routerUrls(stages.handle);
  });

  after(async function () {
    this.timeout(180_000);
    await stages?.close();
    if (config && !process.env.BLUEGREEN_KEEP_PERAPPTEST) await down(config, env, { volumes: true });
  });

  it('refuses an app the config does not have, naming its apps, and changes nothing', async () => {
    const before = await consistentState(stages.handle);
    const refused = await cli.run('deploy', 'green', '1.0.1', '--app', 'web', '--app', 'wbe');
    assert.equal(refused.code, 2, `${refused.stderr}\n${refused.stdout}`);
    assert.match(refused.stderr, /unknown app "wbe"/);
    assert.match(refused.stderr, /the apps in bluegreen\.yaml are api, web/);
    const after = await consistentState(stages.handle);
    assert.equal(after.serial, before.serial, 'the routers\' state is unchanged');
    assert.ok(!(await readAudit(stages.handle.routers, 5)).some((e) => e.stage.includes('wbe')), 'no audit line for refused input');
  });

  it('a per-app deploy of a broken web fails for web only: api on green stays live and untouched, users stay on blue', async () => {
    const before = await consistentState(stages.handle);
    const green = before.versions.green;
    const apiBefore = await runsOn(GREEN_API, 'api');
    assert.ok(apiBefore.alive, `api runs on green: ${JSON.stringify(apiBefore)}`);
    const apiVersion = await versionVia(urls[0], 'green');

    const failed = await cli.run('deploy', 'green', '1.0.1-broken', '--app', 'web', '--verbose');
    const text = `${failed.stderr}\n${failed.stdout}`;
    assert.equal(failed.code, 1, text);
    assert.match(text, /deploy of 1\.0\.1-broken to green failed on 1 of 1 host\(s\); live traffic was not touched; web failed; api not touched/);
    assert.match(text, new RegExp(`${GREEN_WEB} \\(web\\): .*exited`));
    assert.match(text, /broken sample build: exiting at start-up/);
    assert.match(text, /bluegreen deploy green VERSION --app web --env perapptest/, 'the hint names the per-app redeploy');
    // Only web was built and shipped: nothing of api's.
    assert.match(text, /building web 1\.0\.1-broken/);
    assert.doesNotMatch(text, /building api|api-1\.0\.1-broken|deploy api/);

    // api on green: the same process, the same release, nothing new unpacked, still answering.
    const apiAfter = await runsOn(GREEN_API, 'api');
    assert.deepEqual(apiAfter, apiBefore, 'api on green was not touched');
    assert.equal(await versionVia(urls[0], 'green'), apiVersion, 'api on green still answers through the router, on its version');
    onlyColor(await colorsSeen(urls, 4), 'web', 'blue');

    // The state records web's failure and keeps api's version; the audit line names the app.
    const after = await consistentState(stages.handle);
    assert.deepEqual(after.plan, before.plan, 'the plan is untouched');
    assert.equal(after.versions.green.api, green.api, 'api\'s recorded version is kept');
    assert.notEqual(after.versions.green.web, green.web, `web's record says what its host runs now: ${JSON.stringify(after.versions.green)}`);
    const audit = await readAudit(stages.handle.routers, 5);
    assert.equal(audit.at(-1)?.stage, 'deploy green 1.0.1-broken --app web');
    assert.equal(audit.at(-1)?.result, 'failed');

    const status = await cli.ok('status');
    assert.match(status.stdout, /green: idle 0%; health 1\/2; api 1\.0\.0, web /, status.stdout);
    assert.match(status.stdout, new RegExp(`${GREEN_WEB} web: `), 'status names the unhealthy web host');
  });

  it('a per-app deploy of a good web fixes it; api still untouched; status shows each app\'s version', async () => {
    const apiBefore = await runsOn(GREEN_API, 'api');
    const ok = await cli.ok('deploy', 'green', '1.0.1', '--app', 'web');
    assert.match(ok.stdout, /green runs web 1\.0\.1 on 1 host\(s\), healthy; api not touched/, ok.stdout);
    assert.deepEqual(await runsOn(GREEN_API, 'api'), apiBefore, 'api on green was not touched');
    assert.equal(await webVersionVia(urls[0], 'green'), '1.0.1');
    assert.equal(await webVersionVia(urls[0], 'blue'), '1.0.0');

    const state = await consistentState(stages.handle);
    assert.deepEqual(state.versions.green, { api: '1.0.0', web: '1.0.1' });
    assert.deepEqual(state.versions.blue, { api: '1.0.0', web: '1.0.0' });
    assert.equal((await readAudit(stages.handle.routers, 1)).at(-1)?.stage, 'deploy green 1.0.1 --app web');

    const status = await cli.ok('status');
    assert.match(status.stdout, /^ {2}blue: LIVE 100%; health 2\/2; api 1\.0\.0, web 1\.0\.0$/m, status.stdout);
    assert.match(status.stdout, /^ {2}green: idle 0%; health 2\/2; api 1\.0\.0, web 1\.0\.1$/m, status.stdout);
    const json = JSON.parse((await cli.ok('--json', 'status')).stdout) as { colors: Array<{ color: string; versions: Record<string, string[]> }> };
    assert.deepEqual(json.colors.find((c) => c.color === 'green')?.versions, { api: ['1.0.0'], web: ['1.0.1'] });
  });

  it('a dry run of a per-app deploy plans only that app\'s hosts', async () => {
    const before = await consistentState(stages.handle);
    const plan = await cli.ok('deploy', 'green', '1.0.3', '--app', 'web', '--dry-run');
    assert.match(plan.stdout, /Dry run of `deploy green 1\.0\.3 --app web` on perapptest: nothing was changed\./, plan.stdout);
    assert.match(plan.stdout, /\[change\] deploy web 1\.0\.3/);
    assert.doesNotMatch(plan.stdout, /deploy api|api-1\.0\.3/);
    assert.equal((await consistentState(stages.handle)).serial, before.serial);
  });

  it('the runbook\'s per-app step: release deploys only web to green, api keeps running', async () => {
    const apiBefore = await runsOn(GREEN_API, 'api');
    const released = await cli.ok('release', '1.0.2');
    assert.match(released.stdout, /1\. deploy green --app web: green runs web 1\.0\.2 on 1 host\(s\), healthy; api not touched/, released.stdout);
    assert.doesNotMatch(`${released.stderr}\n${released.stdout}`, /api 1\.0\.2/);
    assert.deepEqual(await runsOn(GREEN_API, 'api'), apiBefore, 'api on green was not touched');
    assert.equal(await webVersionVia(urls[0], 'green'), '1.0.2');
    assert.deepEqual((await consistentState(stages.handle)).versions.green, { api: '1.0.0', web: '1.0.2' });
    const audit = await readAudit(stages.handle.routers, 5);
    assert.ok(audit.some((e) => e.stage === 'deploy green 1.0.2 --app web (release 1.0.2, step 1)' && e.result === 'ok'), JSON.stringify(audit));
  });
});
