// Issue 16, item 5: a version is its content. A sandbox of one small Node.js app (`runtime: node`,
// the tarball from the user's own build) starts with 1.0.0, build A. Then, through the CLI as an
// operator types it, and on the green host as the host tooling's deploy sees it:
// - 1.0.0 packed again from the same sources (other timestamps, other entry order) is the same
//   content: nothing unpacked, the running app not restarted;
// - 1.0.0 from changed sources (build B) is refused with both checksums and the way on, and green
//   keeps serving build A;
// - with --force it replaces the release folder, green serves build B and blue still build A;
// - a release unpacked by an older deploy (no checksum recorded) gets its checksum, unchanged;
// - a current release that is not running is started by deploying it again;
// - as the ssh user under the narrow sudo rule, DEPLOY_FORCE=1 travels through `sudo -n` as --force.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { promises as fs, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Docker from 'dockerode';
import { requireConfig } from '../../src/core/config';
import { BluegreenConfig } from '../../src/core/model';
import { down } from '../../src/core/sandbox';
import { execIn } from '../../src/core/docker/containers';
import { CliRun, CliRunner, cliRunner, ensureCliBuilt } from '../helpers/cli';

const ENV = 'contenttest';
const APP = 'page';
const VERSION = '1.0.0';
const GREEN = `bg-${ENV}-green-${APP}-1`;
const BLUE = `bg-${ENV}-blue-${APP}-1`;
const SUM_FILE = `/opt/${APP}/current/.bluegreen-content-sha256`;
const REFUSED = /already unpacked here with different content \(release folder: sha256 ([0-9a-f]{64}); this artifact: sha256 ([0-9a-f]{64})\); nothing changed\. A version names one build: give this build a new version number, or deploy again with --force/;

/** The user's app: answers its health check and, on /, which build it is. */
const SERVER_JS = `const http = require('http');
const fs = require('fs');
const build = fs.readFileSync(__dirname + '/build.txt', 'utf8').trim();
http.createServer((req, res) => {
  res.writeHead(200, { 'content-type': 'text/plain' });
  res.end(req.url === '/health' ? 'ok\\n' : build + '\\n');
}).listen(Number(process.env.PORT));
`;

describe('a version is its content: the same version from other sources is refused, replaced only with --force', function () {
  this.timeout(30 * 60_000);
  const docker = new Docker();
  const project = mkdtempSync(path.join(os.tmpdir(), 'bg-deploy-content-'));
  const configFile = path.join(project, 'bluegreen.yaml');
  let config: BluegreenConfig | undefined;
  let cli: CliRunner;

  /** The user's build of VERSION: the app's files, `build` in build.txt, packed as `files` orders them. */
  async function pack(build: string, order = ['run', 'server.js', 'build.txt', 'lib']): Promise<void> {
    const src = path.join(project, 'src');
    await fs.rm(src, { recursive: true, force: true });
    await fs.mkdir(path.join(src, 'lib'), { recursive: true });
    await fs.writeFile(path.join(src, 'run'), '#!/bin/sh\ncd "$(dirname "$0")"\nexec node server.js\n', { mode: 0o755 });
    await fs.writeFile(path.join(src, 'server.js'), SERVER_JS);
    await fs.writeFile(path.join(src, 'build.txt'), `${build}\n`);
    await fs.writeFile(path.join(src, 'lib', 'notes.txt'), 'a file in a folder\n');
    await fs.mkdir(path.join(project, 'dist'), { recursive: true });
    execFileSync('tar', ['-C', src, '-czf', path.join(project, 'dist', `${APP}-${VERSION}.tar.gz`), ...order]);
  }

  async function sh(container: string, script: string, user?: string): Promise<{ code: number; out: string }> {
    const result = await execIn(docker.getContainer(container), ['sh', '-c', script], { user, timeoutMs: 120_000 });
    return { code: result.exitCode, out: `${result.stdout}${result.stderr}` };
  }
  async function read(container: string, script: string): Promise<string> {
    const result = await sh(container, script);
    assert.equal(result.code, 0, `${script} in ${container}: ${result.out}`);
    return result.out.trim();
  }
  /** What answers on the host's app port, and which process (the supervisor's app pid) it is. */
  async function serving(container: string): Promise<{ build: string; pid: string; sum: string }> {
    return {
      build: await read(container, 'curl -fsS http://127.0.0.1:8080/'),
      pid: await read(container, `cat /run/bluegreen/${APP}/app.pid`),
      sum: await read(container, `cat ${SUM_FILE}`),
    };
  }
  const deploy = (...args: string[]): Promise<CliRun> => cli.run('deploy', 'green', VERSION, '--verbose', ...args);

  before(async () => {
    ensureCliBuilt();
    await fs.writeFile(configFile, [
      'apps:',
      `  ${APP}:`,
      '    port: 8080',
      '    health: /health',
      '    route: /',
      '    runtime: node',
      `    artifact: dist/${APP}-{{version}}.tar.gz`,
      `    deploy: ["/opt/bluegreen/bin/deploy ${APP} {{version}}"]`,
      'traffic:',
      '  initial: { blue: 100, green: 0 }',
      'environments:',
      `  ${ENV}:`,
      `    docker: { routers: 1, version: ${VERSION}, ssh: true }`,
      '',
    ].join('\n'));
    config = await requireConfig(configFile);
    cli = cliRunner(() => configFile, ENV, { BLUEGREEN_ACTOR: 'content@itest' });
    await pack('build A');
    await cli.ok('sandbox', 'up');
  });

  after(async () => {
    if (config) await down(config, ENV, { volumes: true }).catch((error: Error) => process.stderr.write(`sandbox down: ${error.message}\n`));
    await fs.rm(project, { recursive: true, force: true });
  });

  it('the sandbox starts with build A on both colors, its content checksum recorded when the image was baked', async () => {
    for (const host of [BLUE, GREEN]) {
      const now = await serving(host);
      assert.equal(now.build, 'build A', host);
      assert.match(now.sum, /^[0-9a-f]{64}$/, host);
    }
  });

  it('the same sources packed again (other timestamps, other order) are the same content: a no-op, not restarted', async () => {
    const before = await serving(GREEN);
    // A build a second later: every file's mtime differs, and the tarball lists them in another order.
    await new Promise((resolve) => setTimeout(resolve, 1100));
    await pack('build A', ['lib', 'build.txt', 'server.js', 'run']);
    const run = await deploy();
    assert.equal(run.code, 0, `${run.stderr}\n${run.stdout}`);
    assert.match(run.stderr, new RegExp(`same content \\(sha256 ${before.sum}\\): nothing to unpack`));
    assert.match(run.stderr, /is already current, running \(pid \d+\) and healthy at http:\/\/127\.0\.0\.1:8080\/health: nothing to do, not restarted/);
    assert.deepEqual(await serving(GREEN), before, 'the same process serves the same build');
  });

  it('changed sources under the same version are refused with both checksums and the way on; green keeps serving build A', async () => {
    const before = await serving(GREEN);
    await pack('build B');
    const run = await deploy();
    assert.notEqual(run.code, 0, run.stdout);
    const refused = REFUSED.exec(run.stderr);
    assert.ok(refused, `the host's refusal, with both checksums:\n${run.stderr}`);
    assert.equal(refused[1], before.sum, 'the first checksum is the release folder\'s');
    assert.notEqual(refused[2], before.sum);
    assert.match(run.stderr, /exited 4/);
    assert.match(run.stderr, /→ give this build a new version number, or replace what the hosts have under 1\.0\.0: bluegreen deploy green 1\.0\.0 --env \S+ --force/);
    // What the operator reads: the stage's error, the host's line last.
    const error = run.stderr.slice(run.stderr.lastIndexOf('bluegreen: ')).trim();
    process.stdout.write(`      ${error.split('\n').filter((l) => l.trim()).join('\n      ')}\n`);
    assert.deepEqual(await serving(GREEN), before, 'nothing changed on green: the same process, build A');
    assert.equal(await read(GREEN, `ls -A /opt/${APP}/releases`), VERSION, 'no staging folder left behind');

    const audit = await cli.ok('audit');
    assert.match(audit.stdout, /deploy green 1\.0\.0.*failed/);
  });

  it('--force replaces the release folder: green serves build B, its checksum the refused artifact\'s; blue still serves build A', async () => {
    const blueBefore = await serving(BLUE);
    const refusedRun = await deploy();
    const newSum = REFUSED.exec(refusedRun.stderr)?.[2];
    assert.ok(newSum, refusedRun.stderr);

    const run = await deploy('--force');
    assert.equal(run.code, 0, `${run.stderr}\n${run.stdout}`);
    assert.match(run.stderr, /export DEPLOY_FORCE=1; \/opt\/bluegreen\/bin\/deploy page 1\.0\.0/, 'the forced deploy line, as the hosts run it');
    assert.match(run.stderr, new RegExp(`replaced /opt/page/releases/1\\.0\\.0 \\(--force\\): content sha256 [0-9a-f]{64} -> ${newSum}`));
    // The stage's summary, and so its audit line, says what was replaced.
    const replacedLine = new RegExp(`page 1\\.0\\.0: replaced content sha256 [0-9a-f]{12}… with ${newSum.slice(0, 12)}… \\(--force\\)`);
    assert.match(run.stdout, replacedLine);
    assert.match((await cli.ok('audit')).stdout, replacedLine);
    const green = await serving(GREEN);
    assert.equal(green.build, 'build B');
    assert.equal(green.sum, newSum);
    assert.deepEqual(await serving(BLUE), blueBefore, 'blue untouched');
    assert.equal(await read(GREEN, `ls -A /opt/${APP}/releases`), VERSION, 'the replaced folder is gone');

    // The same content again, without --force: nothing to do.
    const again = await deploy();
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stderr, /nothing to do, not restarted/);
    assert.deepEqual(await serving(GREEN), green);
  });

  it('a release unpacked by an older deploy (no checksum) gets its checksum, and the same content stays a no-op', async () => {
    const before = await serving(GREEN);
    await read(GREEN, `rm ${SUM_FILE}`);
    const run = await deploy();
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stderr, new RegExp(`recorded the content checksum of /opt/page/releases/1\\.0\\.0 \\(unpacked by an older deploy\\): sha256 ${before.sum}`));
    assert.deepEqual(await serving(GREEN), before);
  });

  it('a current release that is not running is started by deploying it again (how a failed deploy is fixed)', async () => {
    const before = await serving(GREEN);
    // The supervisor stops the app when it stops: green answers nothing.
    await read(GREEN, `kill $(cat /run/bluegreen/${APP}/supervisor.pid); for i in $(seq 100); do curl -fsS -o /dev/null http://127.0.0.1:8080/health 2>/dev/null || exit 0; sleep 0.2; done; exit 1`);
    const run = await deploy();
    assert.equal(run.code, 0, `${run.stderr}\n${run.stdout}`);
    assert.match(run.stderr, /is already current but not running healthy here: restarting it/);
    const after = await serving(GREEN);
    assert.equal(after.build, before.build);
    assert.equal(after.sum, before.sum);
    assert.notEqual(after.pid, before.pid);
  });

  it('as the ssh user under the narrow sudo rule: refused with exit 4, and DEPLOY_FORCE=1 goes through sudo -n as --force', async () => {
    await pack('build C');
    const artifact = `/opt/${APP}/artifacts/${APP}-${VERSION}.tar.gz`;
    // The stage's put, as the ssh user (the artifact folder is group bluegreen's).
    const tarball = await fs.readFile(path.join(project, 'dist', `${APP}-${VERSION}.tar.gz`));
    await read(GREEN, `echo ${tarball.toString('base64')} | base64 -d > /tmp/c.tar.gz && chmod 644 /tmp/c.tar.gz`);
    // The earlier puts came through docker (root's files): the ssh user replaces the file, as its own put would.
    const put = await sh(GREEN, `rm -f ${artifact} && cp /tmp/c.tar.gz ${artifact}`, 'deploy');
    assert.equal(put.code, 0, put.out);

    const refused = await sh(GREEN, `/opt/bluegreen/bin/deploy ${APP} ${VERSION}`, 'deploy');
    assert.equal(refused.code, 4, refused.out);
    assert.match(refused.out, REFUSED);
    assert.equal((await serving(GREEN)).build, 'build B');

    const forced = await sh(GREEN, `DEPLOY_FORCE=1 /opt/bluegreen/bin/deploy ${APP} ${VERSION}`, 'deploy');
    assert.equal(forced.code, 0, forced.out);
    assert.match(forced.out, /replaced \/opt\/page\/releases\/1\.0\.0 \(--force\)/);
    assert.equal((await serving(GREEN)).build, 'build C');
  });
});
