import assert from 'node:assert/strict';
import { buildSshControlArgs, buildSshExecArgs } from '../../src/core/transport/sshArgs';
import { classifySshFailure } from '../../src/core/transport/sshErrors';
import { SshTransport } from '../../src/core/transport/sshTransport';

const COMMON = [
  '-T',
  '-o', 'BatchMode=yes',
  '-o', 'ControlMaster=auto',
  '-o', 'ControlPath=/tmp/bg-abc/cm',
  '-o', 'ControlPersist=60s',
  '-o', 'ConnectTimeout=10',
  '-o', 'ServerAliveInterval=15',
  '-o', 'ServerAliveCountMax=3',
];

/** Every way ssh could be told to skip host-key checking. */
function assertCheckingKept(argv: string[]): void {
  const text = argv.join('\n').toLowerCase();
  assert.ok(!text.includes('stricthostkeychecking=no'), 'StrictHostKeyChecking=no');
  assert.ok(!text.includes('/dev/null'), 'known hosts to /dev/null');
}

describe('ssh argument building', () => {
  it('builds the exact argv for a bare target: batch mode, multiplexing, the command last', () => {
    const argv = buildSshExecArgs({ target: 'lb1' }, '/tmp/bg-abc/cm', "sh -c 'nginx -t'");
    assert.deepEqual(argv, [...COMMON, '--', 'lb1', "sh -c 'nginx -t'"]);
    assertCheckingKept(argv);
  });

  it('adds user, port, identity and extra options after ours; an option the user sets replaces our default', () => {
    const argv = buildSshExecArgs(
      {
        target: 'app1.example.com',
        user: 'deploy',
        port: 2222,
        identityFile: '/home/me/.ssh/id_deploy',
        options: { UserKnownHostsFile: '/tmp/kh', ServerAliveInterval: '30' },
        connectTimeoutSeconds: 3,
        controlPersist: '5s',
      },
      '/tmp/bg-abc/cm',
      'sh -c true',
    );
    assert.deepEqual(argv, [
      '-T',
      '-o', 'BatchMode=yes',
      '-o', 'ControlMaster=auto',
      '-o', 'ControlPath=/tmp/bg-abc/cm',
      '-o', 'ControlPersist=5s',
      '-o', 'ConnectTimeout=3',
      '-o', 'ServerAliveCountMax=3',
      '-l', 'deploy',
      '-p', '2222',
      '-i', '/home/me/.ssh/id_deploy',
      '-o', 'UserKnownHostsFile=/tmp/kh',
      '-o', 'ServerAliveInterval=30', // the only one: ssh keeps the first value it sees
      '--', 'app1.example.com', 'sh -c true',
    ]);
  });

  it('keeps a target that looks like an option from being read as one', () => {
    const argv = buildSshExecArgs({ target: '-oProxyCommand=evil' }, '/tmp/bg-abc/cm', 'true');
    assert.equal(argv[argv.indexOf('--') + 1], '-oProxyCommand=evil');
  });

  it('builds control requests for the master', () => {
    assert.deepEqual(buildSshControlArgs({ target: 'lb1', port: 22 }, '/tmp/bg-abc/cm', 'exit'), [...COMMON, '-p', '22', '-O', 'exit', '--', 'lb1']);
  });

  it('refuses options that would disable host-key checking', () => {
    assert.throws(() => buildSshExecArgs({ target: 'x', options: { StrictHostKeyChecking: 'no' } }, '/c', 'true'), /refused/);
    assert.throws(() => buildSshExecArgs({ target: 'x', options: { stricthostkeychecking: 'off' } }, '/c', 'true'), /refused/);
    assert.throws(() => new SshTransport({ host: 'x', options: { UserKnownHostsFile: '/dev/null' } }), /refused/);
    assert.throws(() => new SshTransport({ host: 'x', options: { GlobalKnownHostsFile: '/dev/null' } }), /refused/);
    assert.throws(() => buildSshExecArgs({ target: 'x', options: { 'Bad\nKey': 'v' } }, '/c', 'true'), /invalid/);
    // accept-new trusts any key on first contact: refused too.
    assert.throws(() => buildSshExecArgs({ target: 'x', options: { StrictHostKeyChecking: 'accept-new' } }, '/c', 'true'), /refused/);
  });

  it('SshTransport runs the command quoted, with sudo -n and a short private control path', async () => {
    const t = new SshTransport({ host: 'app1', target: 'app1.internal', user: 'deploy' });
    try {
      const argv = t.commandArgs(`echo "it's"`, { sudo: true });
      assert.equal(argv.at(-1), `sudo -n sh -c 'echo "it'\\''s"'`);
      assert.equal(argv.at(-2), 'app1.internal');
      assert.ok(argv.includes('BatchMode=yes'));
      assert.ok(argv.includes(`ControlPath=${t.controlPath}`));
      // ssh binds `<path>.<16 chars>` first; the socket limit is 104 bytes on macOS.
      assert.ok(t.controlPath.length + 17 < 104, t.controlPath);
      assertCheckingKept(argv);
    } finally {
      await t.close();
    }
  });
});

describe('ssh failure classification', () => {
  const target = { target: 'lb1', port: 2222, user: 'deploy' };

  it('tells an unknown host key apart and says how to pin it', () => {
    const f = classifySshFailure('No ED25519 host key is known for [lb1]:2222 and you have requested strict checking.\r\nHost key verification failed.\r\n', target);
    assert.equal(f.kind, 'host-key-unknown');
    assert.match(f.hint, /ssh-keyscan -p 2222 lb1/);
    assert.doesNotMatch(f.hint, /StrictHostKeyChecking|\/dev\/null/);
  });

  it('tells a changed host key apart and warns', () => {
    const f = classifySshFailure(
      '@@@@@@@@@@@@@@@@\r\n@    WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED!     @\r\nHost key for [lb1]:2222 has changed and you have requested strict checking.\r\nHost key verification failed.\r\n',
      target,
    );
    assert.equal(f.kind, 'host-key-changed');
    assert.match(f.hint, /attack/);
    assert.match(f.hint, /ssh-keygen -R '\[lb1\]:2222'/);
    assert.doesNotMatch(f.hint, /StrictHostKeyChecking|\/dev\/null/);
  });

  it('recognises auth failures and unreachable hosts', () => {
    assert.equal(classifySshFailure('deploy@lb1: Permission denied (publickey).\r\n', target).kind, 'auth');
    assert.equal(classifySshFailure('ssh: connect to host lb1 port 2222: Connection refused\r\n', target).kind, 'unreachable');
    assert.equal(classifySshFailure('ssh: connect to host 10.0.0.1 port 22: Connection timed out\r\n', target).kind, 'unreachable');
    assert.equal(classifySshFailure('ssh: Could not resolve hostname lb1: Name or service not known\r\n', target).kind, 'unreachable');
    const other = classifySshFailure('', target);
    assert.equal(other.kind, 'other');
    assert.match(other.hint, /ssh -v lb1/);
  });
});
