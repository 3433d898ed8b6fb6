// Per-app deploys (issue 16, item 4): the runbook's `deploy: { color, apps }` step, checked at its
// line; `--app` on the CLI; the label that names the apps; the apps a deploy acts on.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { Command } from 'commander';
import { formatConfigError, parseConfig } from '../../src/core/config';
import type { ConfigResult } from '../../src/core/config';
import { InputError } from '../../src/core/errors';
import { deployLabelApps, selectDeployApps } from '../../src/core/stages/deploy';
import { describeStep } from '../../src/core/stages/release';
import { stageLabel } from '../../src/core/stages/registry';
import { stageCommand } from '../../src/cli/stageCommand';
import { formatStatus } from '../../src/core/stages/status';

const FILE = path.join('/nowhere', 'bluegreen.yaml');

function config(release: string[]): string {
  return [
    'apps:', // 1
    '  api: { port: 8080, health: /health, route: /api/, deploy: ["/opt/bluegreen/bin/deploy api {{version}}"] }', // 2
    '  web: { port: 3000, health: /health, route: /, deploy: ["/opt/bluegreen/bin/deploy web {{version}}"] }', // 3
    'release:', // 4
    ...release, // 5…
    'environments: { sandbox: { docker: {} } }',
    '',
  ].join('\n');
}

function parsed(text: string): ConfigResult {
  return parseConfig(text, FILE);
}

function errorsOf(text: string): string[] {
  const result = parsed(text);
  assert.equal(result.ok, false, 'expected errors');
  return result.ok ? [] : result.errors.map(formatConfigError);
}

describe('per-app deploys', () => {
  describe('the runbook step', () => {
    it('reads `deploy: color` as every app and `deploy: { color, apps }` as those apps', () => {
      const result = parsed(config(['  - deploy: green', '  - deploy: { color: blue, apps: [web] }', '  - deploy: { color: green, apps: [web, api] }']));
      assert.ok(result.ok, JSON.stringify(result));
      assert.deepEqual(result.config.release, [
        { stage: 'deploy', color: 'green' },
        { stage: 'deploy', color: 'blue', apps: ['web'] },
        { stage: 'deploy', color: 'green', apps: ['web', 'api'] },
      ]);
    });

    it('names each step as the CLI would run it, with the release version in place', () => {
      assert.equal(describeStep({ stage: 'deploy', color: 'green', apps: ['web'] }), 'deploy green --app web');
      assert.equal(describeStep({ stage: 'deploy', color: 'green', apps: ['web'] }, '1.4.0'), 'deploy green 1.4.0 --app web');
      assert.equal(describeStep({ stage: 'deploy', color: 'green' }, '1.4.0'), 'deploy green 1.4.0');
      assert.equal(describeStep({ stage: 'drain', color: 'green' }, '1.4.0'), 'drain green');
    });

    it('refuses an app the config does not have, at its line, naming the apps', () => {
      assert.deepEqual(errorsOf(config(['  - drain: green', '  - deploy: { color: green, apps: [web, wbe] }'])), [
        'release[1].deploy.apps[1]: unknown app "wbe" (apps: api, web) (bluegreen.yaml:6:41)',
      ]);
    });

    it('refuses a malformed step at its line: no apps, an empty list, a name twice, an unknown key, a bad color', () => {
      const errors = errorsOf(config([
        '  - deploy: { color: green }', // 5
        '  - deploy: { color: green, apps: [] }', // 6
        '  - deploy: { color: green, apps: [web, web] }', // 7
        '  - deploy: { color: green, app: web }', // 8
        '  - deploy: { color: purple, apps: [web] }', // 9
      ]));
      const at = (line: number) => errors.filter((e) => e.includes(`(bluegreen.yaml:${line}:`));
      for (const line of [5, 6, 7, 8, 9]) assert.ok(at(line).length, `line ${line}: ${errors.join('\n')}`);
      assert.ok(at(5).some((e) => /^release\[0\]\.deploy: missing required key "apps"/.test(e)), at(5).join('\n'));
      assert.ok(at(6).some((e) => /^release\[1\]\.deploy\.apps: /.test(e)), at(6).join('\n'));
      assert.deepEqual(at(7), ['release[2].deploy.apps[1]: app "web" is listed twice (bluegreen.yaml:7:41)']);
      assert.ok(at(8).some((e) => /unknown key "app" \(did you mean "apps"\?\)/.test(e)), at(8).join('\n'));
      assert.ok(at(9).some((e) => /^release\[4\]\.deploy\.color: must be one of "blue", "green"/.test(e)), at(9).join('\n'));
    });
  });

  describe('which apps a deploy acts on', () => {
    const apps = { apps: [{ name: 'api' }, { name: 'web' }] } as Parameters<typeof selectDeployApps>[0];

    it('every app without --app; the named ones, in the config\'s order, with it', () => {
      assert.deepEqual(selectDeployApps(apps, undefined).map((a) => a.name), ['api', 'web']);
      assert.deepEqual(selectDeployApps(apps, []).map((a) => a.name), ['api', 'web']);
      assert.deepEqual(selectDeployApps(apps, ['web']).map((a) => a.name), ['web']);
      assert.deepEqual(selectDeployApps(apps, ['web', 'api', 'web']).map((a) => a.name), ['api', 'web']);
    });

    it('refuses an unknown app with the config\'s apps and the way on', () => {
      assert.throws(() => selectDeployApps(apps, ['web', 'wbe', 'x']), (error: unknown) => {
        assert.ok(error instanceof InputError);
        assert.equal(error.message, 'unknown apps "wbe", "x"');
        assert.match(error.hint ?? '', /^the apps in bluegreen\.yaml are api, web: name them with --app/);
        return true;
      });
    });

    it('labels a per-app deploy with its apps, and a deploy of every app as before', () => {
      assert.equal(stageLabel('deploy', { color: 'green', version: '1.4.0', apps: deployLabelApps(apps, ['web']) }), 'deploy green 1.4.0 --app web');
      assert.equal(stageLabel('deploy', { color: 'green', version: '1.4.0', apps: deployLabelApps(apps, ['web', 'api']) }), 'deploy green 1.4.0');
      assert.equal(stageLabel('deploy', { color: 'green', version: '1.4.0', apps: deployLabelApps(apps, undefined) }), 'deploy green 1.4.0');
    });
  });

  it('the CLI takes --app more than once, or comma-separated', () => {
    const program = new Command().exitOverride();
    let seen: unknown;
    stageCommand(program, 'deploy').action((_c: string, _v: string, options: { app?: string[] }) => { seen = options.app; });
    program.parse(['deploy', 'green', '1.4.0', '--app', 'web', '--app', 'api,x'], { from: 'user' });
    assert.deepEqual(seen, ['web', 'api', 'x']);
  });
});

describe('per-app versions in status', () => {
  it('shows each app\'s version per color, the same way when they differ', () => {
    const host = (h: string, app: string, version: string) => ({ host: h, app, healthy: true, version, detail: 'ok' });
    const text = formatStatus({
      environment: 'production',
      routers: [],
      plan: 'blue 100%',
      colors: [
        { color: 'blue', live: true, weight: 100, segments: [], healthy: true, hosts: [host('b1', 'api', '1.4.0'), host('b1', 'web', '1.4.0')], versions: { api: ['1.4.0'], web: ['1.4.0'] } },
        { color: 'green', live: false, weight: 0, segments: [], healthy: true, hosts: [host('g1', 'api', '1.4.0'), host('g1', 'web', '1.4.1')], versions: { api: ['1.4.0'], web: ['1.4.1'] } },
      ],
    });
    assert.match(text, /^ {2}blue: LIVE 100%; health 2\/2; api 1\.4\.0, web 1\.4\.0$/m);
    assert.match(text, /^ {2}green: idle 0%; health 2\/2; api 1\.4\.0, web 1\.4\.1$/m);
  });
});
