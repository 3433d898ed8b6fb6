// ssh.options: an allow-list checked by `validate` at the option's line and again by the transport;
// allowed options really take effect (the user's value is the one ssh sees first).
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { formatConfigError, parseConfig } from '../../src/core/config';
import type { ConfigResult } from '../../src/core/config';
import { buildSshExecArgs } from '../../src/core/transport/sshArgs';
import { SshTransport } from '../../src/core/transport/sshTransport';

const FILE = path.join('/nowhere', 'bluegreen.yaml');

function configWithOptions(options: string[]): string {
  return [
    'apps:', // 1
    '  web: { port: 3000, health: /health, route: /, deploy: ["/opt/bluegreen/bin/deploy web {{version}}"] }', // 2
    'environments:', // 3
    '  production:', // 4
    '    ssh:', // 5
    '      user: deploy', // 6
    '      options:', // 7
    ...options.map((o) => `        ${o}`), // 8…
    '    routers: [lb1]',
    '    colors: { blue: { web: [app1] }, green: { web: [app2] } }',
    '',
  ].join('\n');
}

function errorsOf(text: string): string[] {
  const result = parseConfig(text, FILE);
  assert.equal(result.ok, false, 'expected the config to be refused');
  return (result as Extract<ConfigResult, { ok: false }>).errors.map(formatConfigError);
}

describe('ssh.options', () => {
  it('validate refuses options that weaken host-key checking or run commands, each at its line', () => {
    assert.deepEqual(errorsOf(configWithOptions([
      'StrictHostKeyChecking: false', // 8
      'stricthostkeychecking: accept-new', // 9
      'UserKnownHostsFile: /dev/../dev/null', // 10
      'GlobalKnownHostsFile: "/etc/ssh/known //dev//null"', // 11
      'ProxyCommand: nc %h %p', // 12
      'LocalCommand: touch /tmp/x', // 13
      'ForwardAgent: yes', // 14
      'ConnectTimeout: 0', // 15
    ])), [
      'environments.production.ssh.options.StrictHostKeyChecking: ssh option StrictHostKeyChecking: "false" is refused: host-key checking is never weakened (accept-new trusts any key on first contact); add the host key to known_hosts (ssh-keyscan, after checking its fingerprint) and leave this option out (bluegreen.yaml:8:9)',
      'environments.production.ssh.options.stricthostkeychecking: ssh option StrictHostKeyChecking: "accept-new" is refused: host-key checking is never weakened (accept-new trusts any key on first contact); add the host key to known_hosts (ssh-keyscan, after checking its fingerprint) and leave this option out (bluegreen.yaml:9:9)',
      'environments.production.ssh.options.UserKnownHostsFile: ssh option UserKnownHostsFile: "/dev/../dev/null" is refused: a known-hosts file that is not a real file switches host-key checking off; point it at a real known_hosts file (bluegreen.yaml:10:9)',
      'environments.production.ssh.options.GlobalKnownHostsFile: ssh option GlobalKnownHostsFile: "//dev//null" is refused: a known-hosts file that is not a real file switches host-key checking off; point it at a real known_hosts file (bluegreen.yaml:11:9)',
      'environments.production.ssh.options.ProxyCommand: ssh option ProxyCommand is refused: it runs a local command (bluegreen.yaml:12:9)',
      'environments.production.ssh.options.LocalCommand: ssh option LocalCommand is refused: it runs a local command (bluegreen.yaml:13:9)',
      `environments.production.ssh.options.ForwardAgent: ssh option ForwardAgent is not allowed; allowed: ConnectTimeout, ConnectionAttempts, ServerAliveInterval, ServerAliveCountMax, TCPKeepAlive, Compression, IdentitiesOnly, AddressFamily, LogLevel, StrictHostKeyChecking, UserKnownHostsFile, GlobalKnownHostsFile, ProxyJump (anything else goes in your ~/.ssh/config) (bluegreen.yaml:14:9)`,
      'environments.production.ssh.options.ConnectTimeout: ssh option ConnectTimeout: must be a whole number from 1 to 3600 (bluegreen.yaml:15:9)',
    ]);
  });

  it('validate accepts the harmless ones, including the docs\' example and the sandbox\'s SSH environment', () => {
    const result = parseConfig(configWithOptions([
      'ConnectTimeout: 5',
      'ServerAliveInterval: 15',
      'StrictHostKeyChecking: "yes"',
      'UserKnownHostsFile: /home/me/.bluegreen/known_hosts',
      'IdentitiesOnly: "yes"',
      'ProxyJump: deploy@bastion.example.com:2222',
    ]), FILE);
    assert.equal(result.ok, true, result.ok ? '' : result.errors.map(formatConfigError).join('\n'));
  });

  it("the user's value of an option the product also sets is the one ssh sees (ssh keeps the first)", () => {
    const argv = buildSshExecArgs({ target: 'lb1', options: { ConnectTimeout: '5', serveraliveinterval: '30' } }, '/c', 'true');
    const values = (name: string) => argv.filter((a) => a.toLowerCase().startsWith(`${name.toLowerCase()}=`));
    assert.deepEqual(values('ConnectTimeout'), ['ConnectTimeout=5']);
    assert.deepEqual(values('ServerAliveInterval'), ['ServerAliveInterval=30']);
    assert.deepEqual(values('ServerAliveCountMax'), ['ServerAliveCountMax=3']);
    assert.deepEqual(values('BatchMode'), ['BatchMode=yes']);
  });

  it('the transport refuses what validate refuses, whoever builds the options', () => {
    assert.throws(() => new SshTransport({ host: 'x', options: { StrictHostKeyChecking: 'accept-new' } }), /refused/);
    assert.throws(() => new SshTransport({ host: 'x', options: { ProxyCommand: 'sh -c evil' } }), /runs a local command/);
    assert.throws(() => new SshTransport({ host: 'x', options: { UserKnownHostsFile: '/dev/./null' } }), /refused/);
    assert.throws(() => buildSshExecArgs({ target: 'x', options: { BatchMode: 'no' } }, '/c', 'true'), /BatchMode is refused/);
  });
});
