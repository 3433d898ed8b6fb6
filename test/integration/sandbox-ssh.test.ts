// `ssh: true`: the sandbox's hosts accept the project's key, and the written known_hosts pins
// their host keys, so plain `ssh` with strict host-key checking reaches them on their ports.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { down, sshFiles, up } from '../../src/core/sandbox';
import { SANDBOX_UP_TIMEOUT_MS, progressPrinter, testSandbox } from '../helpers/sandbox';

describe('sandbox with ssh (real Docker engine, real sshd)', function () {
  this.timeout(SANDBOX_UP_TIMEOUT_MS);
  const name = 'itest-ssh';

  after(async () => {
    const { config, env } = await testSandbox(name);
    await down(config, env, { volumes: true });
  });

  it('pins each host key on its published port and lets `deploy` in with the project key', async () => {
    const { config, env } = await testSandbox(name, { ssh: true, routers: 1 });
    const webOnly = { ...config, apps: config.apps.filter((a) => a.name === 'web') };
    const result = await up(webOnly, env, { onProgress: progressPrinter(name) });
    const files = sshFiles(webOnly);
    const knownHosts = readFileSync(files.knownHosts, 'utf8');
    const reachable = result.status.hosts.filter((h) => h.role !== 'db');
    assert.equal(reachable.length, 3);
    for (const host of reachable) {
      const port = host.ports[22];
      assert.ok(port, `${host.name} publishes 22`);
      assert.match(knownHosts, new RegExp(`^\\[127\\.0\\.0\\.1\\]:${port} ssh-ed25519 \\S+$`, 'm'));
      const command = host.app ? `basename "$(readlink /opt/${host.app}/current)"` : 'sudo -n nginx -t 2>&1 | tail -1';
      const out = await ssh(files.privateKey, files.knownHosts, port, command);
      assert.match(out, host.app ? new RegExp(`^${env.initialVersion}$`, 'm') : /successful/, host.name);
    }
  });
});

function ssh(key: string, knownHosts: string, port: number, command: string): Promise<string> {
  const args = [
    '-i', key, '-p', String(port), '-o', 'IdentitiesOnly=yes', '-o', 'BatchMode=yes', '-o', 'StrictHostKeyChecking=yes',
    '-o', `UserKnownHostsFile=${knownHosts}`, '-o', 'ConnectTimeout=5', '-F', '/dev/null', 'deploy@127.0.0.1', command,
  ];
  return new Promise((resolve, reject) =>
    execFile('ssh', args, { timeout: 20_000 }, (error, stdout, stderr) => (error ? reject(new Error(`ssh -p ${port}: ${stderr || error.message}`)) : resolve(stdout))),
  );
}
