// Issue 18, item 1: `sandbox up` says what it builds and what it waits for. A sandbox of one small
// Node.js app (`runtime: node`, the tarball from the user's own build) whose app image is built
// fresh: its repository (bluegreen/progressapp, this test's own) is removed first, so the build
// is a first build. Through the CLI as an operator runs it, stderr must show the build's steps
// one line each (not the builder's raw lines), the first-build notice, the time it took, and the
// health wait: what it waits for and, while the app takes its time to start, for how long.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { promises as fs, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Docker from 'dockerode';
import { requireConfig } from '../../src/core/config';
import { BluegreenConfig } from '../../src/core/model';
import { down } from '../../src/core/sandbox';
import { buildImage } from '../../src/core/docker/build';
import { BuildContext } from '../../src/core/docker/buildContext';
import type { BuildStep } from '../../src/core/docker/buildProgress';
import { CliRunner, cliRunner, ensureCliBuilt } from '../helpers/cli';

const ENV = 'progresstest';
const APP = 'progressapp';
const VERSION = '1.0.0';
const REPOSITORY = `bluegreen/${APP}`;
const HOST = `bg-${ENV}-blue-${APP}-1`;

/** Starts listening only after 12 s, so `up` waits for it longer than its 10 s reporting interval. */
const RUN = '#!/bin/sh\ncd "$(dirname "$0")"\nsleep 12\nexec node server.js\n';
const SERVER_JS = `require('http').createServer((req, res) => res.end(req.url === '/health' ? 'ok\\n' : 'progress\\n')).listen(Number(process.env.PORT));\n`;

/** Only this test's own images: the shared bluegreen/* images other suites use stay. */
async function removeOwnImages(docker: Docker): Promise<void> {
  for (const image of await docker.listImages({ filters: { reference: [REPOSITORY] } })) {
    await docker.getImage(image.Id).remove({ force: true }).catch(() => undefined);
  }
}

describe('sandbox up: the progress of a first build and of the health wait', function () {
  this.timeout(20 * 60_000);
  const docker = new Docker();
  const project = mkdtempSync(path.join(os.tmpdir(), 'bg-build-progress-'));
  const configFile = path.join(project, 'bluegreen.yaml');
  let config: BluegreenConfig | undefined;
  let cli: CliRunner;
  let stderr = '';

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
      `    docker: { routers: 1, version: ${VERSION} }`,
      '',
    ].join('\n'));
    const src = path.join(project, 'src');
    await fs.mkdir(src, { recursive: true });
    await fs.writeFile(path.join(src, 'run'), RUN, { mode: 0o755 });
    await fs.writeFile(path.join(src, 'server.js'), SERVER_JS);
    await fs.mkdir(path.join(project, 'dist'));
    execFileSync('tar', ['-C', src, '-czf', path.join(project, 'dist', `${APP}-${VERSION}.tar.gz`), 'run', 'server.js']);
    config = await requireConfig(configFile);
    cli = cliRunner(() => configFile, ENV);
    await down(config, ENV, { volumes: true });
    await removeOwnImages(docker);
    stderr = (await cli.ok('sandbox', 'up')).stderr;
  });

  after(async () => {
    if (config) await down(config, ENV, { volumes: true }).catch((error: Error) => process.stderr.write(`sandbox down: ${error.message}\n`));
    await removeOwnImages(docker);
    await fs.rm(project, { recursive: true, force: true });
  });

  it('names the image it builds and says a first build is one, with about how long it takes, before its first command runs', () => {
    const image = `[image ${REPOSITORY}:${VERSION}]`;
    const lines = stderr.split('\n').filter((l) => l.startsWith(image));
    assert.match(lines[0] ?? '', new RegExp(`^\\[image ${REPOSITORY}:${VERSION}\\] building ${REPOSITORY}:${VERSION}-[0-9a-f]{12}$`), stderr);
    const notice = lines.findIndex((l) => l.includes(`first build of ${REPOSITORY} (none on this engine yet, nothing cached)`));
    assert.ok(notice > 0, `a first-build notice:\n${stderr}`);
    assert.match(lines[notice], /this takes up to about \d+ s on 2 cores$/);
    // Said just before the first RUN, the step that makes it slow.
    assert.match(lines[notice + 1], new RegExp(`^\\[image ${REPOSITORY}:${VERSION}\\] step \\d+/\\d+: RUN /opt/bluegreen/bin/deploy ${APP} ${VERSION} --install-only$`));
  });

  it('prints every step once, in order, and how long the build took — not the builder\'s raw lines', () => {
    const image = `[image ${REPOSITORY}:${VERSION}] `;
    const steps = stderr.split('\n').filter((l) => l.startsWith(image)).map((l) => /^step (\d+)\/(\d+)(?::| \(cached\))/.exec(l.slice(image.length))).filter((m) => m !== null);
    const total = Number(steps[0]?.[2]);
    assert.ok(total >= 4, stderr);
    assert.deepEqual(steps.map((m) => Number(m[1])), Array.from({ length: total }, (_, i) => i + 1), stderr);
    assert.match(stderr, new RegExp(`^\\[image ${REPOSITORY}:${VERSION}\\] step 1/${total}: FROM bluegreen/runtime:[0-9a-f]{12}$`, 'm'));
    assert.match(stderr, new RegExp(`^\\[image ${REPOSITORY}:${VERSION}\\] built in \\d+ s \\(${total} steps, \\d+ from the cache\\)$`, 'm'));
    assert.doesNotMatch(stderr, /---> |Removing intermediate container|Successfully built/);
    assert.doesNotMatch(stderr, /^\[build\]/m);
  });

  it('says what it waits for, then every 10 s for how long and why not yet, then that the host is healthy', () => {
    assert.match(stderr, new RegExp(`^\\[health\\] waiting for ${HOST}: GET http://127\\.0\\.0\\.1:\\d+/health answering 2xx \\(up to 120 s\\)$`, 'm'));
    assert.match(stderr, new RegExp(`^\\[health\\] still waiting for ${HOST} \\(1\\d s of 120 s\\): GET http://127\\.0\\.0\\.1:\\d+/health`, 'm'));
    assert.match(stderr, new RegExp(`^\\[health\\] ${HOST} is healthy$`, 'm'));
    assert.match(stderr, /^\[health\] waiting for bg-progresstest-router-1: nginx -t, then GET http:\/\/127\.0\.0\.1:\d+\/health through it answering 2xx/m);
  });

  it('a second up builds nothing and waits for nothing', async () => {
    const again = await cli.ok('sandbox', 'up');
    assert.doesNotMatch(again.stderr, /\[image |\[health\] waiting/);
    assert.match(again.stderr, /progresstest is up: 0 created, 3 kept/);
  });
});

describe('buildImage: a step that runs long says it still runs, with its last output line', function () {
  this.timeout(5 * 60_000);
  const docker = new Docker();
  const tag = 'bgprogress/sleepy:test';

  after(async () => {
    await docker.getImage(tag).remove({ force: true }).catch(() => undefined);
  });

  it('reports each step as it begins, the long one every interval while it runs, and counts the steps', async () => {
    const context = new BuildContext().addFile('Dockerfile', Buffer.from('FROM debian:bookworm-slim\nRUN echo warming up && sleep 4 && echo done\nENV READY=1\n'));
    const steps: BuildStep[] = [];
    const still: { index: number; seconds: number; last: string }[] = [];
    const summary = await buildImage(docker, context, {
      tag, noCache: true, stillRunningEveryMs: 1000,
      onStep: (step) => steps.push(step),
      onStillRunning: (step, seconds, last) => still.push({ index: step.index, seconds, last }),
    });
    assert.deepEqual(steps.map((s) => [s.index, s.total, s.instruction, s.cached]), [
      [1, 3, 'FROM debian:bookworm-slim', false],
      [2, 3, 'RUN echo warming up && sleep 4 && echo done', false],
      [3, 3, 'ENV READY=1', false],
    ]);
    assert.ok(still.length >= 2, JSON.stringify(still));
    assert.ok(still.every((s) => s.index === 2 && s.seconds >= 1), JSON.stringify(still));
    assert.ok(still.some((s) => s.last === 'warming up'), JSON.stringify(still));
    assert.deepEqual({ steps: summary.steps, total: summary.total, cached: summary.cached }, { steps: 3, total: 3, cached: 0 });
  });
});
