// SshTransport against a real sshd on loopback (test/helpers/sshd.ts), host-key checking on.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { ensureDebianPackages, startSshd, type TestSshd } from '../helpers/sshd';
import { SshTransport, type SshTransportOptions } from '../../src/core/transport/sshTransport';
import { TransportError } from '../../src/core/transport/transportError';
import { withLog } from '../../src/core/transport/withLog';
import type { HostLogEvent } from '../../src/core/transport/transport';

describe('SshTransport (real sshd on loopback)', function () {
  this.timeout(60_000);
  let sshd: TestSshd;
  let transport: SshTransport;
  const extra: SshTransport[] = [];

  const connect = (overrides: Partial<SshTransportOptions> = {}): SshTransport => {
    const t = new SshTransport({
      host: 'app1',
      target: sshd.host,
      port: sshd.port,
      user: sshd.user,
      identityFile: sshd.identityFile,
      options: sshd.clientOptions,
      ...overrides,
    });
    extra.push(t);
    return t;
  };

  before(async function () {
    this.timeout(600_000); // a bare machine installs openssh-server and sudo first
    ensureDebianPackages({ sudo: '/usr/bin/sudo' });
    sshd = await startSshd();
    transport = connect();
  });

  after(async () => {
    await Promise.all(extra.map((t) => t.close()));
    await sshd?.stop();
  });

  it('returns stdout, stderr and the exit code without throwing', async () => {
    const result = await transport.exec('echo out; echo err >&2; exit 3');
    assert.deepEqual([result.code, result.stdout, result.stderr], [3, 'out\n', 'err\n']);
    assert.ok(result.durationMs > 0);
  });

  it('runs the command through sh -c on the host, quoting intact', async () => {
    const result = await transport.exec(`printf '%s|' "a b" 'c'"'"'d' "$0" && echo $((6*7))`);
    assert.equal(result.stdout, "a b|c'd|sh|42\n");
  });

  it('feeds stdin', async () => {
    const result = await transport.exec('wc -c', { input: 'hello\nworld\n' });
    assert.equal(result.stdout.trim(), '12');
  });

  it('reuses one master connection (ControlMaster)', async () => {
    await transport.exec('true');
    assert.ok(existsSync(transport.controlPath), `no socket at ${transport.controlPath}`);
    assert.equal(await transport.masterRunning(), true);
    // One TCP connection serves many commands: sshd logs one accepted login for all of them.
    const logins = (sshd.log().match(/Accepted publickey/g) ?? []).length;
    await Promise.all([1, 2, 3].map(() => transport.exec('true')));
    await transport.exec('true');
    assert.equal((sshd.log().match(/Accepted publickey/g) ?? []).length, logins);
  });

  it('commands started together on a fresh transport share one master, with clean stderr', async () => {
    const t = connect({ host: 'burst' });
    const logins = (sshd.log().match(/Accepted publickey/g) ?? []).length;
    const results = await Promise.all([1, 2, 3, 4, 5].map((i) => t.exec(`echo ${i}`)));
    assert.deepEqual(results.map((r) => [r.stdout, r.stderr]), [1, 2, 3, 4, 5].map((i) => [`${i}\n`, '']));
    assert.equal((sshd.log().match(/Accepted publickey/g) ?? []).length, logins + 1);
  });

  it('connect() makes the master ahead of the first command, which then only uses it', async () => {
    const t = connect({ host: 'ahead' });
    const logins = () => (sshd.log().match(/Accepted publickey/g) ?? []).length;
    const before = logins();
    t.connect();
    t.connect(); // a second call while it is being made joins it
    for (let waited = 0; !existsSync(t.controlPath) && waited < 10_000; waited += 50) await new Promise((r) => setTimeout(r, 50));
    assert.equal(await t.masterRunning(), true, 'no master after connect()');
    assert.equal(logins(), before + 1);
    assert.equal((await t.exec('echo first')).stdout, 'first\n');
    assert.equal(logins(), before + 1, 'the first command logged in again');
  });

  it('connect() to a host that refuses: nothing is thrown, and the next command reports it without a second attempt', async () => {
    const closed = await new Promise<number>((resolve) => {
      const s: Server = createServer().listen(0, '127.0.0.1', () => {
        const port = (s.address() as { port: number }).port;
        s.close(() => resolve(port));
      });
    });
    // An ssh client that counts its runs, then runs the real one.
    const counter = join(sshd.dir, 'ssh-runs');
    const counting = join(sshd.dir, 'counting-ssh');
    writeFileSync(counting, `#!/bin/sh\necho run >> '${counter}'\nexec ssh "$@"\n`, { mode: 0o755 });
    const t = connect({ host: 'refusing', port: closed, connectTimeoutSeconds: 3, sshPath: counting });
    t.connect();
    await new Promise((r) => setTimeout(r, 1000)); // the attempt has failed by now
    const error = await t.exec('true').then(() => undefined, (e: unknown) => e);
    assert.ok(error instanceof TransportError, String(error));
    assert.equal(error.kind, 'unreachable');
    assert.equal(readFileSync(counter, 'utf8'), 'run\n', 'the command connected again instead of reporting the first attempt');
    // The one after that tries again, as after any failed connection.
    await t.exec('true').catch(() => undefined);
    assert.equal(readFileSync(counter, 'utf8'), 'run\nrun\n');
  });

  it('close() ends a connection connect() is still making, at once', async () => {
    // A listener that accepts TCP but never speaks SSH: the attempt would wait for ConnectTimeout.
    const held: Socket[] = [];
    const silent = createServer((socket) => held.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const pidFile = join(sshd.dir, 'ssh-pid');
    const recording = join(sshd.dir, 'recording-ssh');
    writeFileSync(recording, `#!/bin/sh\necho $$ > '${pidFile}'\nexec ssh "$@"\n`, { mode: 0o755 });
    try {
      const t = connect({ host: 'silent-ahead', port: (silent.address() as { port: number }).port, connectTimeoutSeconds: 60, sshPath: recording });
      t.connect();
      for (let waited = 0; held.length === 0 && waited < 10_000; waited += 50) await new Promise((r) => setTimeout(r, 50));
      const pid = Number(readFileSync(pidFile, 'utf8'));
      const alive = () => { try { process.kill(pid, 0); return true; } catch { return false; } };
      assert.equal(alive(), true, 'ssh is not connecting');
      await t.close();
      for (let waited = 0; alive() && waited < 3000; waited += 50) await new Promise((r) => setTimeout(r, 50));
      assert.equal(alive(), false, 'ssh still runs after close()');
    } finally {
      for (const socket of held) socket.destroy();
      silent.close();
    }
  });

  it('close() ends the master and removes its socket', async () => {
    const t = connect();
    await t.exec('true');
    const socket = t.controlPath;
    assert.equal(await t.masterRunning(), true);
    await t.close();
    assert.equal(existsSync(socket), false);
    assert.equal(await t.masterRunning(), false);
    // Usable again afterwards: a new master is made on demand.
    assert.equal((await t.exec('echo again')).stdout, 'again\n');
  });

  it('runs as root with sudo -n', async () => {
    const result = await transport.exec('id -u; echo "$SUDO_USER"', { sudo: true });
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, `0\n${sshd.user}\n`);
  });

  it('kills a remote command that outlives timeoutMs', async () => {
    const started = Date.now();
    const result = await transport.exec('sleep 30; echo never', { timeoutMs: 500 });
    assert.equal(result.code, 124);
    assert.equal(result.timedOut, true);
    assert.ok(Date.now() - started < 10_000);
    const left = await transport.exec('pgrep -f "^sleep 30$" || true');
    assert.equal(left.stdout.trim(), '');
  });

  it('stops when aborted', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('stop now')), 300);
    await assert.rejects(transport.exec('sleep 10', { signal: controller.signal }), /stop now/);
  });

  it('puts a file: content, mode, binary bytes, a path with spaces, no temp file left', async () => {
    const dir = join(sshd.dir, 'release dir');
    const bytes = Buffer.from(Array.from({ length: 70_000 }, (_, i) => (i * 31) % 256));
    await transport.put(join(dir, 'app v1.bin'), bytes, { mode: 0o750 });
    assert.deepEqual(readFileSync(join(dir, 'app v1.bin')), bytes);
    const listing = await transport.exec(`ls -A '${dir}'; stat -c %a '${dir}/app v1.bin'`);
    assert.equal(listing.stdout, 'app v1.bin\n750\n');
    await transport.put(join(dir, 'state.json'), '{"green":100}\n');
    assert.equal(readFileSync(join(dir, 'state.json'), 'utf8'), '{"green":100}\n');
  });

  it('replaces a file by rename (a new inode), with sudo too', async () => {
    const file = join(sshd.dir, 'atomic.txt');
    await transport.put(file, 'one');
    const before = (await transport.exec(`stat -c %i '${file}'`)).stdout;
    await transport.put(file, 'two', { sudo: true });
    const after = (await transport.exec(`stat -c %i '${file}'`)).stdout;
    assert.notEqual(before, after);
    assert.equal(readFileSync(file, 'utf8'), 'two');
  });

  it('a put that cannot write is a TransportError that says why', async () => {
    const error = await transport.put('/proc/bluegreen/nope', 'x').then(() => undefined, (e: unknown) => e);
    assert.ok(error instanceof TransportError, String(error));
    assert.equal(error.kind, 'put-failed');
    assert.match(error.message, /could not write \/proc\/bluegreen\/nope/);
  });

  it('logs every command per host through withLog', async () => {
    const events: HostLogEvent[] = [];
    const logged = withLog(transport, (e) => events.push(e));
    await logged.exec('echo logged');
    assert.deepEqual(events.map((e) => `${e.host} ${e.kind} ${e.text.trim()}`).slice(0, 2), ['app1 command echo logged', 'app1 stdout logged']);
    assert.match(events[2].text, /^exit 0/);
  });

  it('an unreachable port is a fast TransportError with a hint', async () => {
    const closed = await new Promise<number>((resolve) => {
      const s: Server = createServer().listen(0, '127.0.0.1', () => {
        const port = (s.address() as { port: number }).port;
        s.close(() => resolve(port));
      });
    });
    const t = connect({ host: 'down', port: closed, connectTimeoutSeconds: 3 });
    const started = Date.now();
    const error = await t.exec('true').then(() => undefined, (e: unknown) => e);
    assert.ok(error instanceof TransportError, String(error));
    assert.equal(error.kind, 'unreachable');
    assert.equal(error.host, 'down');
    assert.match(error.message, /Connection refused/);
    assert.match(error.hint, /sshd listens/);
    assert.ok(Date.now() - started < 5000, `took ${Date.now() - started} ms`);
  });

  it('a port that never answers gives up after ConnectTimeout', async () => {
    // A listener that accepts TCP but never speaks SSH: the handshake times out.
    const held: Socket[] = [];
    const silent = createServer((socket) => held.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const t = connect({ host: 'silent', port: (silent.address() as { port: number }).port, connectTimeoutSeconds: 1 });
      const started = Date.now();
      const error = await t.exec('true').then(() => undefined, (e: unknown) => e);
      assert.ok(error instanceof TransportError, String(error));
      assert.equal(error.kind, 'unreachable');
      assert.ok(Date.now() - started < 8000, `took ${Date.now() - started} ms`);
    } finally {
      for (const socket of held) socket.destroy();
      silent.close();
    }
  });

  it('an unknown host key is refused, named, and known_hosts is left untouched', async () => {
    const knownHosts = join(sshd.dir, 'known_hosts_empty');
    writeFileSync(knownHosts, '');
    const t = connect({ host: 'stranger', options: { UserKnownHostsFile: knownHosts, IdentitiesOnly: 'yes' } });
    const error = await t.exec('true').then(() => undefined, (e: unknown) => e);
    assert.ok(error instanceof TransportError, String(error));
    assert.equal(error.kind, 'host-key-unknown');
    assert.match(error.message, /not in known_hosts/);
    assert.match(error.hint, new RegExp(`ssh-keyscan -p ${sshd.port} 127\\.0\\.0\\.1`));
    assert.equal(readFileSync(knownHosts, 'utf8'), '');
  });

  it('a changed host key is refused as such', async () => {
    const knownHosts = join(sshd.dir, 'known_hosts_other');
    // A valid key, but not this server's.
    const other = readFileSync(`${sshd.identityFile}.pub`, 'utf8').trim().split(/\s+/).slice(0, 2).join(' ');
    writeFileSync(knownHosts, `[127.0.0.1]:${sshd.port} ${other}\n`);
    const t = connect({ host: 'impostor', options: { UserKnownHostsFile: knownHosts, IdentitiesOnly: 'yes' } });
    const error = await t.exec('true').then(() => undefined, (e: unknown) => e);
    assert.ok(error instanceof TransportError, String(error));
    assert.equal(error.kind, 'host-key-changed');
    assert.equal(readFileSync(knownHosts, 'utf8'), `[127.0.0.1]:${sshd.port} ${other}\n`);
  });

  it('a key the server does not accept is an auth TransportError', async () => {
    const t = connect({ host: 'nokey', identityFile: join(sshd.dir, 'host_ed25519') });
    const error = await t.exec('true').then(() => undefined, (e: unknown) => e);
    assert.ok(error instanceof TransportError, String(error));
    assert.equal(error.kind, 'auth');
    assert.match(error.hint, /ssh-add/);
  });

  it('a missing ssh client is a TransportError naming it', async () => {
    const t = connect({ sshPath: '/nonexistent/ssh' });
    const error = await t.exec('true').then(() => undefined, (e: unknown) => e);
    assert.ok(error instanceof TransportError, String(error));
    assert.equal(error.kind, 'client-missing');
  });
});
