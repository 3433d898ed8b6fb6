// Issue 16, "Show": a real, published Node.js server that nobody here wrote — http-server from the
// npm registry — released in the sandbox from a project folder holding only what a user writes
// (package.json, the build script that packs a release, and the bluegreen.yaml `bluegreen init`
// made and the user edited as docs/your-app.md says): `runtime: node` (no Dockerfile), the
// tarball from the user's build (no Docker build), no database. Version 14.1.0 → 14.1.1 under
// simulated users: no request lost, and the routers serve 14.1.1's package.json afterwards.
// Then bad input, each refused with a message naming the file, nothing changed on any host.
// Needs the npm registry (npm pack) and the Debian mirror (the stock runtime's apt-get).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { promises as fs, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Docker from 'dockerode';
import { loadConfig, formatConfigError, requireConfig } from '../../src/core/config';
import { BluegreenConfig } from '../../src/core/model';
import { down } from '../../src/core/sandbox';
import { execIn } from '../../src/core/docker/containers';
import { openEnvironment } from '../../src/core/environment/openEnvironment';
import { routerUrls } from '../../src/core/environment/routerUrls';
import { readRouters, currentState } from '../../src/core/fleet/readRouters';
import { rehearse } from '../../src/core/rehearsal/rehearse';
import { CliRun, ensureCliBuilt, runCli } from '../helpers/cli';
import { PACK_SH } from '../helpers/yourAppProject';

const ENV = 'yourapp';
const FROM = '14.1.0';
const TO = '14.1.1';
/** Simulated users per second through both routers (the machine's 2 cores are shared with other suites). */
const RPS = 30;

function bluegreen(cwd: string, ...args: string[]): Promise<CliRun> {
  return runCli(args, { cwd, env: { BLUEGREEN_ACTOR: 'yourapp@itest' } });
}

async function getText(url: string): Promise<{ status: number; body: string }> {
  const response = await fetch(url, { signal: AbortSignal.timeout(10_000) });
  return { status: response.status, body: await response.text() };
}

describe('your app: a published npm server released in the sandbox (runtime: node, artifact from the user\'s build, config from init)', function () {
  this.timeout(30 * 60_000);
  const project = mkdtempSync(path.join(os.tmpdir(), 'bg-your-app-project-'));
  const configFile = path.join(project, 'bluegreen.yaml');
  let config: BluegreenConfig | undefined;
  let goodConfigText = '';
  const lines: string[] = [];

  before(async () => {
    ensureCliBuilt();
    // Only what a user writes: their package.json and their build script.
    await fs.writeFile(path.join(project, 'package.json'), `${JSON.stringify({
      name: 'site', version: '1.0.0', private: true,
      scripts: { start: 'http-server . -p ${PORT:-8080}', pack: 'sh pack.sh' },
      dependencies: { 'http-server': FROM },
    }, null, 2)}\n`);
    await fs.writeFile(path.join(project, 'pack.sh'), PACK_SH);
  });

  after(async () => {
    if (config) await down(config, ENV, { volumes: true }).catch((error: Error) => process.stderr.write(`sandbox down: ${error.message}\n`));
    await fs.rm(project, { recursive: true, force: true });
  });

  afterEach(function () {
    if (this.currentTest?.state === 'failed') process.stderr.write(`--- log ---\n${lines.slice(-80).join('\n')}\n`);
  });

  it('init writes a config for the project that validates; edited as docs/your-app.md says', async () => {
    const init = await bluegreen(project, 'init', '--environment', ENV);
    assert.equal(init.code, 0, init.stderr);
    assert.match(init.stdout, /site: node, port 8080 \(found in the start script \(package\.json\)\), health \/ \(default\)/);
    const written = await fs.readFile(configFile, 'utf8');
    assert.match(written, /^ {4}runtime: node +#/m);
    assert.match(written, /^ {4}port: 8080 +# found in the start script/m);
    assert.match(written, /^ {4}health: \/ +# check/m);
    assert.doesNotMatch(written, /^database:/m, 'no database: the project has none');
    assert.equal((await bluegreen(project, 'validate')).code, 0);

    // docs/your-app.md, "Then edit": 1. the artifact line, 2. the version the sandbox starts with.
    const edited = written
      .replace(/^ {4}artifact: .*$/m, '    artifact: { build: "npm run pack -- {{version}}", path: "dist/site-{{version}}.tar.gz" }')
      .replace(/^( {6}version: )\S+/m, `$1${FROM}`);
    assert.notEqual(edited, written);
    await fs.writeFile(configFile, edited);
    goodConfigText = edited;
    const validate = await bluegreen(project, 'validate');
    assert.equal(validate.code, 0, validate.stderr);
    config = await requireConfig(configFile);
    assert.deepEqual(config.apps.map((a) => [a.name, a.runtime, a.artifact?.build]), [['site', { kind: 'stock', name: 'node' }, 'npm run pack -- {{version}}']]);
  });

  it(`rehearses ${FROM} → ${TO} under load: 0 failed requests, the routers serve ${TO} afterwards, no database container`, async () => {
    assert.ok(config, 'the config of the first test');
    const report = await rehearse(config, { envName: ENV, version: TO, rps: RPS, progress: (l) => lines.push(l) });
    process.stdout.write(`      rehearsal ${report.fromVersion} → ${report.version}: ${report.ok ? 'released' : `STOPPED: ${report.error}`} in ${(report.durationMs / 1000).toFixed(0)} s; `
      + `requests sent ${report.traffic.sent}, ok ${report.traffic.ok}, failed ${report.traffic.failed} ${JSON.stringify(report.traffic.failures)}\n`);
    for (const step of report.steps) process.stdout.write(`        ${step.step}: ${step.ok ? 'ok' : 'FAILED'} in ${(step.durationMs / 1000).toFixed(1)} s, sent ${step.sent}, failed ${step.failed}\n`);
    assert.equal(report.ok, true, report.error);
    assert.equal(report.fromVersion, FROM);
    assert.equal(report.traffic.failed, 0, JSON.stringify(report.traffic.failures));
    assert.ok(report.traffic.sent > RPS * 60, `sent ${report.traffic.sent}`);
    assert.deepEqual(report.steps.map((s) => s.step), ['drain green', 'deploy green', 'verify green', 'canary green --percent 10',
      'pause: 10% of users are on green. Watch them, then continue.', 'switch green', 'deploy blue', 'verify blue', 'restore']);

    const handle = openEnvironment(config, ENV);
    try {
      const { state } = currentState(await readRouters(handle.routers));
      assert.deepEqual(state.versions, { blue: { site: TO }, green: { site: TO } });
      // The new version's own answer, through every router, to users of both colors.
      for (const url of await routerUrls(handle)) {
        for (let i = 0; i < 6; i++) {
          assert.match((await getText(`${url}/`)).body, new RegExp(`<p>http-server ${TO.replace(/\./g, '\\.')}</p>`));
          const answer = await getText(`${url}/package.json`);
          assert.equal(answer.status, 200);
          assert.equal((JSON.parse(answer.body) as { name: string; version: string }).version, TO, `${url}/package.json`);
          assert.equal((JSON.parse(answer.body) as { name: string }).name, 'http-server');
        }
      }
    } finally {
      await handle.close();
    }
    const docker = new Docker();
    const containers = await docker.listContainers({ all: true, filters: { label: [`bluegreen.sandbox=${ENV}`] } });
    assert.deepEqual(containers.map((c) => c.Labels['bluegreen.role']).sort(), ['app', 'app', 'router', 'router'], 'no database for a config without one');
  });

  describe('bad input: refused with the file named, nothing changed on any host', () => {
    const docker = new Docker();
    const greenHost = `bg-${ENV}-green-site-1`;

    /** What the hosts carry: the routers' state serial and versions, and the green host's artifacts and releases. */
    async function hostsNow(): Promise<string> {
      assert.ok(config);
      const handle = openEnvironment(config, ENV);
      try {
        const { state } = currentState(await readRouters(handle.routers));
        const listing = await execIn(docker.getContainer(greenHost), ['sh', '-c', 'ls /opt/site/artifacts /opt/site/releases; readlink /opt/site/current']);
        return JSON.stringify({ serial: state.serial, versions: state.versions, plan: state.plan, files: listing.stdout });
      } finally {
        await handle.close();
      }
    }

    async function withConfig(text: string, check: () => Promise<void>): Promise<void> {
      await fs.writeFile(configFile, text);
      try {
        await check();
      } finally {
        await fs.writeFile(configFile, goodConfigText);
      }
    }

    /** A tarball as a careless build would leave it: `files` name → [content, mode]. */
    async function pack(name: string, files: Record<string, [string, number]>): Promise<void> {
      const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'bg-bad-release-'));
      for (const [file, [content, mode]] of Object.entries(files)) {
        await fs.writeFile(path.join(dir, file), content);
        await fs.chmod(path.join(dir, file), mode);
      }
      await fs.mkdir(path.join(project, 'dist'), { recursive: true });
      execFileSync('tar', ['-C', dir, '-czf', path.join(project, 'dist', name), '.']);
      await fs.rm(dir, { recursive: true, force: true });
    }

    const artifactLine = () => goodConfigText.split('\n').findIndex((l) => l.startsWith('    artifact:')) + 1;

    it('an artifact path that matches no file, a tarball without run, a run that is not executable (deploy, and a release before its first step)', async () => {
      assert.ok(config, 'the sandbox of the tests above');
      const before = await hostsNow();
      await pack('nothing-2.0.0-norun.tar.gz', { 'server.js': ['console.log(1)\n', 0o644] });
      await pack('nothing-2.0.0-noexec.tar.gz', { run: ['#!/bin/sh\nexec node server.js\n', 0o644], 'server.js': ['', 0o644] });
      const cases: [string, RegExp][] = [
        ['2.0.0-missing', new RegExp(`no file matches dist/nothing-2\\.0\\.0-missing\\.tar\\.gz \\(from apps\\.site\\.artifact in bluegreen\\.yaml:${artifactLine()}\\)`)],
        ['2.0.0-norun', new RegExp(`${path.join(project, 'dist/nothing-2.0.0-norun.tar.gz').replace(/[.]/g, '\\.')} \\(from apps\\.site\\.artifact in bluegreen\\.yaml:${artifactLine()}\\) has no \`run\` at its root`)],
        ['2.0.0-noexec', /nothing-2\.0\.0-noexec\.tar\.gz \(from apps\.site\.artifact in bluegreen\.yaml:\d+\) has `run` without execute permission \(mode 0644\)/],
      ];
      await withConfig(goodConfigText.replace(/^ {4}artifact: .*$/m, '    artifact: dist/nothing-{{version}}.tar.gz'), async () => {
        for (const [version, message] of cases) {
          // --force: both colors serve users after the release (50/50), and the artifact check, not the live-traffic refusal, is under test.
          const run = await bluegreen(project, '--env', ENV, '--yes', 'deploy', 'green', version, '--force');
          lines.push(run.stderr, run.stdout);
          assert.equal(run.code, 2, `${version}: ${run.stderr}`);
          assert.match(run.stderr, message);
        }
        // The runbook checks every tarball before its first step: nothing is drained for a release that cannot deploy.
        const release = await bluegreen(project, '--env', ENV, '--yes', 'release', '2.0.0-norun');
        lines.push(release.stderr, release.stdout);
        assert.equal(release.code, 2, release.stderr);
        assert.match(release.stderr, /nothing-2\.0\.0-norun\.tar\.gz \(from apps\.site\.artifact in bluegreen\.yaml:\d+\) has no `run` at its root/);
        assert.doesNotMatch(release.stdout + release.stderr, /\[1\/9\] drain green/);
      });
      assert.equal(await hostsNow(), before, 'the hosts are as they were');
    });

    it('an unknown runtime is refused at its line by validate and by every stage', async () => {
      const before = await hostsNow();
      const text = goodConfigText.replace(/^ {4}runtime: node\b/m, '    runtime: python');
      const line = text.split('\n').findIndex((l) => l.startsWith('    runtime: python')) + 1;
      await withConfig(text, async () => {
        const validate = await bluegreen(project, 'validate');
        assert.equal(validate.code, 2);
        assert.match(validate.stderr, new RegExp(`apps\\.site\\.runtime: must be one of "node", "java", got the string "python" \\(bluegreen\\.yaml:${line}:14\\)`));
        const deploy = await bluegreen(project, '--env', ENV, '--yes', 'deploy', 'green', '2.0.1', '--force');
        assert.equal(deploy.code, 2);
        assert.match(deploy.stderr, /bluegreen\.yaml is not valid:\n {2}apps\.site\.runtime: must be one of "node", "java"/);
        const result = await loadConfig(configFile);
        assert.ok(!result.ok && result.errors.map(formatConfigError).length === 1);
      });
      assert.equal(await hostsNow(), before, 'the hosts are as they were');
    });

    it('init in a folder with nothing it recognises says what it looks for and writes nothing', async () => {
      const empty = mkdtempSync(path.join(os.tmpdir(), 'bg-your-app-empty-'));
      try {
        await fs.writeFile(path.join(empty, 'README.md'), '# notes\n');
        const run = await bluegreen(empty, 'init');
        assert.equal(run.code, 2);
        assert.match(run.stderr, new RegExp(`nothing in ${empty.replace(/[.]/g, '\\.')} that init recognises as an app; it looks for:\\n {2}- package\\.json with a "start" script or a "bin"`));
        assert.deepEqual(await fs.readdir(empty), ['README.md']);
        // And it never overwrites: the project's config stays as it is.
        const again = await bluegreen(project, 'init');
        assert.equal(again.code, 2);
        assert.match(again.stderr, new RegExp(`${configFile.replace(/[.]/g, '\\.')} exists already: init never overwrites a file`));
        assert.equal(await fs.readFile(configFile, 'utf8'), goodConfigText);
      } finally {
        await fs.rm(empty, { recursive: true, force: true });
      }
    });
  });
});
