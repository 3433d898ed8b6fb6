// Real hosts as they come: plain Debian servers that the product did not build (prepared only by
// docs/hosts.md's operator steps, test/helpers/plainServers.ts), driven through the built CLI
// over SSH as an operator would: `hosts setup`, then deploys.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PlainServers, startPlainServers } from '../helpers/plainServers';
import { CLI, ROOT, ensureCliBuilt } from '../helpers/cli';

const ENV = 'plain';

interface Run { code: number | null; stdout: string; stderr: string }

function configYaml(servers: PlainServers): string {
  return [
    '# Written by test/integration/hosts-plain.test.ts: the sample web app on plain servers.',
    'apps:',
    '  web:',
    '    port: 3000',
    '    health: /health',
    '    route: /',
    `    build: { context: ${JSON.stringify(path.join(ROOT, 'sandbox/node-app'))} }`,
    '    deploy: ["/opt/bluegreen/bin/deploy web {{version}}"]',
    'traffic:',
    '  initial: { blue: 50, green: 50 }',
    'environments:',
    servers.environmentYaml(ENV, ['web']),
    '',
  ].join('\n');
}

describe('plain servers the product did not build (hosts setup, deploys over SSH)', function () {
  this.timeout(20 * 60_000);
  let servers: PlainServers;
  let configFile: string;

  const cli = (...args: string[]): Promise<Run> => new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, '--config', configFile, '--env', ENV, '--yes', ...args], {
      env: { ...process.env, BLUEGREEN_ACTOR: 'plain@itest' }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
  const ok = async (...args: string[]): Promise<Run> => {
    const run = await cli(...args);
    assert.equal(run.code, 0, `bluegreen ${args.join(' ')} exited ${run.code}:\n${run.stderr}\n${run.stdout}`);
    return run;
  };
  /** What answers on the host's app port: the version the app reports. */
  const runningVersion = async (host: string): Promise<string> => {
    const r = await servers.exec(host, 'curl -fsS -D - -o /dev/null http://127.0.0.1:3000/health | tr -d "\\r" | sed -n "s/^[Xx]-[Aa]pp-[Vv]ersion: //p"');
    return r.stdout.trim();
  };

  before(async () => {
    ensureCliBuilt();
    servers = await startPlainServers('bgplain', [
      { name: 'lb1', role: 'router' },
      { name: 'web1', role: 'app', color: 'blue', apps: ['web'] },
      { name: 'web2', role: 'app', color: 'green', apps: ['web'] },
    ]);
    const dir = mkdtempSync(path.join(tmpdir(), 'bgplain-config-'));
    configFile = path.join(dir, 'bluegreen.yaml');
    writeFileSync(configFile, configYaml(servers));
    await ok('hosts', 'setup');
  });
  after(async () => {
    if (!process.env.BLUEGREEN_KEEP_PLAIN) await servers?.remove();
  });

  it('deploys twice to a host that hosts setup prepared: the supervisor obeys deploy', async () => {
    const supervisor = await servers.exec('web1', 'grep SigIgn "/proc/$(cat /run/bluegreen/web/supervisor.pid)/status"');
    assert.match(supervisor.stdout, /SigIgn:\s*[0-9a-f]*[02468ace]$/m, `the supervisor ignores SIGHUP: ${supervisor.stdout}`);
    await ok('deploy', 'blue', '1.0.0', '--force');
    assert.equal(await runningVersion('web1'), '1.0.0');
    await ok('deploy', 'blue', '1.0.1', '--force');
    assert.equal(await runningVersion('web1'), '1.0.1');
  });

  it('replaces a supervisor that an older hosts setup started under nohup, at the next deploy', async () => {
    // What an older release left: a supervisor without the SIGHUP reset, started by `nohup setsid …`.
    await servers.exec('web2', 'pkill -f "bluegreen-supervise web$"; sleep 1; '
      + "sed '/^ignored_stop_signals()/,/^unset BLUEGREEN_SUPERVISE_REEXEC/d' /opt/bluegreen/bin/bluegreen-supervise > /usr/local/bin/old-bluegreen-supervise; "
      + 'chmod 755 /usr/local/bin/old-bluegreen-supervise; '
      + 'nohup setsid /usr/local/bin/old-bluegreen-supervise web >/dev/null 2>&1 </dev/null &');
    const old = await servers.exec('web2', 'sleep 1; cat /run/bluegreen/web/supervisor.pid');
    const first = await ok('deploy', 'green', '1.0.0', '--force', '--verbose');
    assert.match(first.stderr + first.stdout, /ignores SIGHUP/);
    assert.equal(await runningVersion('web2'), '1.0.0');
    const now = await servers.exec('web2', 'cat /run/bluegreen/web/supervisor.pid');
    assert.notEqual(now.stdout.trim(), old.stdout.trim(), 'the old supervisor was replaced');
    // The supervisor that deploy started must not hold the deploy lock: the next deploy runs.
    await ok('deploy', 'green', '1.0.1', '--force');
    assert.equal(await runningVersion('web2'), '1.0.1');
  });

  it('a supervisor started with SIGHUP ignored restores its default before it runs', async () => {
    const r = await servers.exec('web2',
      'nohup sh -c \'exec /opt/bluegreen/bin/bluegreen-supervise probe-app\' >/tmp/probe.out 2>&1 </dev/null & '
      + 'sleep 1.5; p=$(cat /run/bluegreen/probe-app/supervisor.pid); grep SigIgn /proc/$p/status; kill $p');
    assert.match(r.stdout, /SigIgn:\s*[0-9a-f]*[02468ace]$/m, `${r.stdout}\n${r.stderr}`);
  });
});
