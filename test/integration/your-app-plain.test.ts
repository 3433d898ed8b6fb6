// Issue 16, "Show": the same published npm server (http-server) released over SSH to plain
// Debian servers that only docs/hosts.md's operator steps prepared (test/helpers/plainServers.ts),
// from the tarball the user's own build makes (`artifact: { build, path }`) — with no Docker
// engine reachable by the CLI (DOCKER_HOST points at nothing), so nothing is built through Docker.
// 14.1.0 is bootstrapped, 14.1.1 released under load from a client on the servers' network.
import assert from 'node:assert/strict';
import { promises as fs, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ADMIN_USER, LoadReport, PlainServers, startPlainServers } from '../helpers/plainServers';
import { CliRun, CliRunner, cliRunner, ensureCliBuilt } from '../helpers/cli';
import { PACK_SH } from '../helpers/yourAppProject';

const PREFIX = 'bgyap';
const ENV = 'plainsite';
const FROM = '14.1.0';
const TO = '14.1.1';
const RPS = 30;

describe('your app over SSH: a published npm server on plain servers, from the user\'s build, without Docker', function () {
  this.timeout(30 * 60_000);
  let servers: PlainServers | undefined;
  let cli: CliRunner;
  const project = mkdtempSync(path.join(os.tmpdir(), 'bg-your-app-plain-'));

  before(async () => {
    ensureCliBuilt();
    servers = await startPlainServers(PREFIX, [
      { name: 'lb1', role: 'router', njs: true },
      // `web` names docs/hosts.md's package block for a Node.js host (nodejs); the app is `site`.
      { name: 'app1', role: 'app', color: 'blue', apps: ['web'] },
      { name: 'app2', role: 'app', color: 'green', apps: ['web'] },
    ]);
    await fs.writeFile(path.join(project, 'pack.sh'), PACK_SH);
    const environment = servers.environmentYaml(ENV, ['web']).replace(/\{ web: \[/g, '{ site: [');
    await fs.writeFile(path.join(project, 'bluegreen.yaml'), [
      'apps:',
      '  site:',
      '    port: 8080',
      '    health: /',
      '    route: /',
      '    runtime: node',
      '    artifact: { build: "sh pack.sh {{version}}", path: "dist/site-{{version}}.tar.gz" }',
      '    deploy: ["/opt/bluegreen/bin/deploy site {{version}}"]',
      'traffic:',
      '  initial: { blue: 50, green: 50 }',
      '  canary: { window: 6s, maxErrorRate: 5%, maxP95: 3000ms }',
      'smoke:',
      '  - { path: /package.json, expect: 200, contains: http-server }',
      'release:',
      '  - drain: green',
      '  - deploy: green',
      '  - verify: green',
      '  - canary: { color: green, percent: 20 }',
      '  - pause: "A fifth of the users are on green."',
      '  - switch: green',
      '  - deploy: blue',
      '  - verify: blue',
      '  - restore',
      'environments:',
      environment,
      '',
    ].join('\n'));
    // No Docker engine for the CLI: an artifact built through Docker would fail to connect.
    cli = cliRunner(() => path.join(project, 'bluegreen.yaml'), ENV, { BLUEGREEN_ACTOR: 'yourapp@itest', DOCKER_HOST: 'unix:///nonexistent/docker.sock' });
  });

  after(async () => {
    if (!process.env.BLUEGREEN_KEEP_PLAIN) await servers?.remove();
    await fs.rm(project, { recursive: true, force: true });
  });

  it(`hosts setup, bootstrap ${FROM}, then release ${TO} under ${RPS} req/s: nothing lost, the router serves ${TO}`, async () => {
    assert.ok(servers);
    await cli.ok('hosts', 'setup', '--ssh-user', ADMIN_USER);
    const bootstrap = await cli.ok('bootstrap', FROM);
    assert.match(bootstrap.stdout + bootstrap.stderr, new RegExp(FROM.replace(/\./g, '\\.')));

    const load = await servers.startLoad({ targets: ['http://lb1/', 'http://lb1/package.json'], rps: RPS, maxSeconds: 1200 });
    let release: CliRun;
    let report: LoadReport;
    try {
      await new Promise((resolve) => setTimeout(resolve, 3000));
      release = await cli.run('release', TO);
      await new Promise((resolve) => setTimeout(resolve, 2000));
    } finally {
      report = await load.stop();
    }
    const counts = Object.values(report.targets);
    const sent = counts.reduce((n, c) => n + c.sent, 0);
    const failed = counts.reduce((n, c) => n + c.failedRaw, 0);
    process.stdout.write(`      release ${FROM} → ${TO} over SSH: exit ${release.code}; requests sent ${sent}, failed ${failed} ${JSON.stringify(Object.fromEntries(Object.entries(report.targets).map(([u, c]) => [u, c.errors])))}\n`);
    assert.equal(release.code, 0, `release exited ${release.code}:\n${release.stderr}\n${release.stdout}`);
    assert.match(release.stderr + release.stdout, /sh pack\.sh 14\.1\.1/, 'the user\'s build made the tarball');
    assert.ok(sent > RPS * 20, `too little load: sent ${sent}`);
    assert.equal(failed, 0, JSON.stringify(report));

    const status = JSON.parse((await cli.ok('status', '--json')).stdout) as { colors: { color: string; versions: Record<string, string[]> }[] };
    for (const color of status.colors) assert.deepEqual(color.versions, { site: [TO] }, color.color);
    for (let i = 0; i < 4; i++) {
      const answer: { exitCode: number; stdout: string; stderr: string } = await servers.exec('lb1', 'curl -fsS http://127.0.0.1/package.json');
      assert.equal(answer.exitCode, 0, answer.stderr);
      assert.equal((JSON.parse(answer.stdout) as { version: string }).version, TO);
    }
  });
});
