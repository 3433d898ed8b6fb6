// The sandbox's failure paths with the real engine: each must end in a clear message, not a
// socket error or a silent hang.
import assert from 'node:assert/strict';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { InputError, PrerequisiteError, StageError } from '../../src/core/errors';
import { connectDocker, requireEngine } from '../../src/core/docker/connect';
import { down, up } from '../../src/core/sandbox';
import { SANDBOX_UP_TIMEOUT_MS, progressPrinter, testSandbox } from '../helpers/sandbox';

describe('sandbox faults (real Docker engine)', function () {
  this.timeout(60_000);

  it('says how to start an engine when none answers', async () => {
    const error = await requireEngine('unix:///tmp/bluegreen-no-such-docker.sock', 2000).then(() => undefined, (e: unknown) => e);
    assert.ok(error instanceof PrerequisiteError, String(error));
    assert.match(error.message, /No Docker engine answers at unix:\/\/\/tmp\/bluegreen-no-such-docker\.sock/);
    assert.match(error.hint ?? '', /dockerd/);
    assert.match(error.hint ?? '', /systemctl start docker/);
    assert.match(error.hint ?? '', /DOCKER_HOST/);
  });

  it('takes down a sandbox that is not up without an error', async () => {
    const { config, env } = await testSandbox('itest-none');
    const result = await down(config, env, { volumes: true });
    assert.deepEqual(result, { containers: [], networks: [], volumes: [], kept: [] });
  });

  it('refuses a build context folder that does not exist, naming the config path', async () => {
    const { config, env } = await testSandbox('itest-nocontext');
    const apps = config.apps.map((a) => (a.name === 'api' ? { ...a, build: { context: 'sandbox/no-such-app', dockerfile: 'Dockerfile' } } : a));
    const error = await up({ ...config, apps }, env).then(() => undefined, (e: unknown) => e);
    assert.ok(error instanceof InputError, String(error));
    assert.match(error.message, /^apps\/api\/build\/context: folder .*sandbox\/no-such-app does not exist/);
  });

  it('refuses a Dockerfile that does not exist, naming the config path', async () => {
    const { config, env } = await testSandbox('itest-nodockerfile');
    const apps = config.apps.map((a) => (a.name === 'web' && a.build ? { ...a, build: { ...a.build, dockerfile: 'Missing.Dockerfile' } } : a));
    const error = await up({ ...config, apps }, env).then(() => undefined, (e: unknown) => e);
    assert.ok(error instanceof InputError, String(error));
    assert.match(error.message, /^apps\/web\/build\/dockerfile: \/.*\/Missing\.Dockerfile does not exist/);
  });

  describe('a host that never gets healthy', function () {
    this.timeout(SANDBOX_UP_TIMEOUT_MS);
    const name = 'itest-broken';

    after(async () => {
      const { config, env } = await testSandbox(name);
      await down(config, env, { volumes: true });
    });

    it('fails after its timeout and shows the container’s last log lines', async () => {
      // The sample apps exit at start-up when their version contains `broken`.
      const { config, env } = await testSandbox(name, { initialVersion: '1.0.0-broken', routers: 1 });
      const webOnly = { ...config, apps: config.apps.filter((a) => a.name === 'web') };
      const error = await up(webOnly, env, { appHealthTimeoutMs: 15_000, onProgress: progressPrinter(name) }).then(() => undefined, (e: unknown) => e);
      assert.ok(error instanceof StageError, String(error));
      // Both colors wait in parallel; whichever times out first is reported.
      assert.match(error.message, /^bg-itest-broken-(blue|green)-web-1 did not become healthy within 15 s/);
      assert.match(error.message, /Last log lines:\n {2}\| /);
      assert.match(error.message, /broken/i);
    });
  });

  // The sandbox builds its images at the same time: one that fails must not leave the user waiting
  // for the others, nor leave them running on the engine.
  describe('one image that fails to build while another builds', function () {
    const name = 'itest-buildfail';
    const marker = `bluegreen-test-slow-build-${process.pid}`;
    let folder = '';

    before(async () => {
      folder = await mkdtemp(path.join(os.tmpdir(), 'bluegreen-buildfail-'));
      const dockerfile = (run: string) => `ARG BASE_IMAGE=debian:bookworm-slim\nFROM \${BASE_IMAGE} AS runtime\nRUN ${run}\n`;
      await mkdir(path.join(folder, 'broken'));
      await writeFile(path.join(folder, 'broken', 'Dockerfile'), dockerfile('echo "this build fails on purpose" && exit 3'));
      await mkdir(path.join(folder, 'slow'));
      await writeFile(path.join(folder, 'slow', 'Dockerfile'), dockerfile(`echo ${marker} && sleep 600`));
    });

    after(async () => {
      const { config, env } = await testSandbox(name);
      await down(config, env, { volumes: true });
      await rm(folder, { recursive: true, force: true });
    });

    it('reports the failed build, and stops the one beside it instead of waiting for it', async function () {
      // Far less than the slow build's 600 s: reaching it means up waited for that build.
      this.timeout(180_000);
      const { config, env } = await testSandbox(name, { routers: 1 });
      const apps = config.apps.map((a) => ({ ...a, build: { context: path.join(folder, a.name === 'web' ? 'broken' : 'slow'), dockerfile: 'Dockerfile' } }));
      const error = await up({ ...config, apps }, env, { onProgress: progressPrinter(name) }).then(() => undefined, (e: unknown) => e);
      assert.ok(error instanceof StageError, String(error));
      assert.match(error.message, /^Building bluegreen\/web-runtime:[0-9a-f]{12} \(target runtime\) failed/);
      assert.match(error.message, /this build fails on purpose/);
      // The engine ends the build whose client went away: its step's container goes.
      const docker = connectDocker();
      const slowStep = async () => (await docker.listContainers({ all: true })).filter((c) => c.Command.includes(marker));
      for (let i = 0; i < 30 && (await slowStep()).length; i++) await new Promise((resolve) => setTimeout(resolve, 1000));
      assert.deepEqual((await slowStep()).map((c) => `${c.Id.slice(0, 12)} ${c.State}`), []);
    });
  });
});
