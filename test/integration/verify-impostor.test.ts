// verify proves what answers: on each host the process on the app's port must be the one the
// supervisor started, running the release it reports, and the router must name the color it
// sent each preview request to. With green's web app stopped and an impostor answering 200 on its
// port — an app that knows nothing of the product, then the sample app started by hand — verify
// fails saying so, through Docker and over ssh as on real hosts. Real sandbox (`careful`).
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { openEnvironment } from '../../src/core/environment/openEnvironment';
import { verify } from '../../src/core/stages/verify';
import { StageContext } from '../../src/core/stages/stageContext';
import { StageError } from '../../src/core/errors';
import { BluegreenConfig } from '../../src/core/model';
import { SANDBOX_UP_TIMEOUT_MS } from '../helpers/sandbox';
import { CAREFUL_ENV, CAREFUL_SSH_ENV, CarefulSandbox, downCarefulSandbox, upCarefulSandbox, withSshEnvironment } from '../helpers/carefulSandbox';

const run = promisify(execFile);
const HOST = 'bg-careful-green-web-1';
const docker = (...args: string[]) => run('docker', args, { timeout: 60_000 });
const inHost = (script: string) => docker('exec', HOST, 'sh', '-c', script);

async function verifyIn(config: BluegreenConfig, env: string) {
  const handle = openEnvironment(config, env);
  const ctx: StageContext = { handle, actor: 'careful@itest', progress: () => undefined, yes: true, force: false };
  try {
    return await verify(ctx, 'green');
  } finally {
    await handle.close();
  }
}

async function until(what: string, check: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check().catch(() => false))) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

const answers200 = () => inHost("curl -s -o /dev/null -w '%{http_code}' http://127.0.0.1:3000/health").then((r) => r.stdout === '200', () => false);

/** Stops green web's supervisor (and with it the app): nothing the product started listens on 3000. */
async function stopSupervisor(): Promise<void> {
  await inHost('kill -TERM "$(cat /run/bluegreen/web/supervisor.pid)"');
  await until('the web app to stop', async () => !(await answers200()));
}

async function startImpostor(command: string): Promise<void> {
  await docker('exec', '-d', HOST, 'sh', '-c', command);
  await until('the impostor to answer', answers200);
}

/** Only while the supervisor is stopped: then every web server in the host is an impostor. */
async function stopImpostor(): Promise<void> {
  await inHost("pkill -f '[i]mpostor'; pkill -f '[s]rc/server.js'; true");
  await until('port 3000 to be free', async () => !(await answers200()));
}

describe('verify proves what answers (careful sandbox)', function () {
  this.timeout(SANDBOX_UP_TIMEOUT_MS);
  let sandbox: CarefulSandbox;
  let config: BluegreenConfig;

  before(async () => {
    sandbox = await upCarefulSandbox();
    config = await withSshEnvironment(sandbox);
  });
  after(async () => {
    await stopImpostor().catch(() => undefined);
    await downCarefulSandbox();
  });

  it('passes on the real apps: the supervisor\'s pids, the release they report, the router naming green', async () => {
    for (const env of [CAREFUL_ENV, CAREFUL_SSH_ENV]) {
      const result = await verifyIn(config, env);
      assert.match(result.summary, /^green verified: 2 host check\(s\) healthy, 2 smoke request\(s\) passed \(api 1\.0\.0, web 1\.0\.0\)$/, env);
      const { smoke } = result.details as { smoke: Array<{ detail: string }> };
      assert.deepEqual(smoke.map((s) => s.detail), ['200 from green', '200 from green'], env);
    }
  });

  describe('green web stopped, an impostor on its port', () => {
    before(stopSupervisor);
    after(async () => {
      await stopImpostor();
      await docker('exec', '-d', HOST, '/opt/bluegreen/bin/bluegreen-supervise', 'web');
      await until('the supervised web app', answers200, 120_000);
    });

    it('an app that knows nothing of the product answering 200 fails verify, which says it is an impostor', async () => {
      // argv[1] names it for pkill; it answers 200 to everything, without any product header.
      await startImpostor(`exec node -e "require('http').createServer((q, s) => s.end('ok')).listen(3000)" impostor`);
      for (const env of [CAREFUL_ENV, CAREFUL_SSH_ENV]) {
        await assert.rejects(verifyIn(config, env), (error: unknown) => {
          assert.ok(error instanceof StageError, String(error));
          assert.match(error.message, new RegExp(`^green is not healthy on 1 of 2 host\\(s\\): ${HOST} web \\(impostor: port 3000 answers 200, but the supervisor runs no web \\(no /run/bluegreen/web/app.pid\\); it is answered by pid \\d+ \\(node -e .* impostor\\)\\)$`), env);
          assert.equal(error.hint, 'deploy a working version to green');
          return true;
        });
      }
      await stopImpostor();
    });

    it('the sample app itself, started by hand instead of by the supervisor, fails verify too', async () => {
      // It sends X-Bluegreen-Color: green and its version, like the real one: still not the supervisor's.
      await startImpostor('cd /opt/web/current && BLUEGREEN_COLOR=green PORT=3000 exec ./run impostor');
      for (const env of [CAREFUL_ENV, CAREFUL_SSH_ENV]) {
        await assert.rejects(verifyIn(config, env), /impostor: port 3000 answers 200, but the supervisor runs no web .*it is answered by pid \d+ \(node \/opt\/web\/releases\/1\.0\.0\/src\/server\.js/);
      }
    });
  });
});
