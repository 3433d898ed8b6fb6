// The long-lived shell per host (src/core/transport/channel.ts) against a real container and a
// real sshd on loopback: commands share one shell, and each failure mode is handled — the shell
// killed between commands and during one, text that looks like a marker, time limits on the host
// and a host that stops answering, an abort, commands started together, a paused container, and
// no process left on the host once the transport is closed (checked with ps / /proc).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import Docker from 'dockerode';
import { DockerTransport } from '../../src/core/transport/dockerTransport';
import { SshTransport } from '../../src/core/transport/sshTransport';
import { TransportError } from '../../src/core/transport/transportError';
import { onTransportDebug, traceTransports, type TransportTraceEvent } from '../../src/core/transport/trace';
import type { Transport } from '../../src/core/transport/transport';
import { ensureDebianPackages, startSshd, type TestSshd } from '../helpers/sshd';

const LABEL = 'bluegreen.test';
const LABEL_VALUE = 'transport-channel';
const IMAGE = 'debian:bookworm-slim';
/** Every channel command carries a time limit; that is what puts it on the channel. */
const SHORT = { timeoutMs: 20_000 };
/**
 * The pid of the channel's shell, asked from a command on it: the command runs under
 * `timeout` (its parent), which the channel's shell started.
 */
const CHANNEL_PID = 'sed -n "s/^PPid:[[:space:]]*//p" /proc/$PPID/status';
/** Every process of the host whose command line names the channel's shell, from /proc (no ps in a slim image). */
const CHANNEL_SHELLS = 'for f in /proc/[0-9]*/cmdline; do tr "\\0" " " < "$f" 2>/dev/null | grep -q "^sh -s bluegreen-channel" && basename "$(dirname "$f")"; done; true';

async function removeLabelled(docker: Docker): Promise<void> {
  const leftovers = await docker.listContainers({ all: true, filters: { label: [`${LABEL}=${LABEL_VALUE}`] } });
  await Promise.all(leftovers.map((c) => docker.getContainer(c.Id).remove({ force: true })));
}

/** Collects the transports' debug notes and trace events while `fn` runs. */
async function observed<T>(fn: () => Promise<T>): Promise<{ value: T; notes: string[]; trace: TransportTraceEvent[] }> {
  const notes: string[] = [];
  const trace: TransportTraceEvent[] = [];
  const stopNotes = onTransportDebug((host, text) => notes.push(`${host}: ${text}`));
  const stopTrace = traceTransports((e) => trace.push(e));
  try {
    return { value: await fn(), notes, trace };
  } finally {
    stopNotes();
    stopTrace();
  }
}

async function channelPid(t: Transport): Promise<number> {
  const result = await t.exec(CHANNEL_PID, SHORT);
  assert.equal(result.code, 0, result.stderr);
  return Number(result.stdout.trim());
}

const rejection = (p: Promise<unknown>) => p.then(() => undefined, (e: unknown) => e);

/** Asks again until `done` holds (a process takes a moment to exit on a busy machine), at most 15 s. */
async function settled<T>(ask: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const value = await ask();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

describe('the channel: one long-lived shell per host (real Docker)', function () {
  this.timeout(120_000);
  const docker = new Docker();
  const name = `bluegreen-test-channel-${process.pid}`;
  let transport: DockerTransport;
  /** One-shot execs into the same container, to look at it from outside the channel. */
  let outside: DockerTransport;
  const shellsInContainer = async () => (await outside.exec(CHANNEL_SHELLS)).stdout.split('\n').filter(Boolean).map(Number);

  before(async () => {
    try {
      await docker.ping();
    } catch {
      throw new Error('No Docker engine answers: start dockerd (see .ci/run).');
    }
    await removeLabelled(docker);
    const container = await docker.createContainer({
      name, Image: IMAGE, Cmd: ['sleep', 'infinity'], Labels: { [LABEL]: LABEL_VALUE }, HostConfig: { NetworkMode: 'none' },
    });
    await container.start();
    transport = new DockerTransport(docker, name, { host: 'router1' });
    outside = new DockerTransport(docker, name, { host: 'outside', channel: false });
  });

  after(async () => {
    await transport?.close();
    await docker.getContainer(name).unpause().catch(() => undefined);
    await removeLabelled(docker);
  });

  it('runs short commands one after another on one shell, with stdout, stderr, exit code and stdin as a one-shot exec gives them', async () => {
    const { value: pids, trace } = await observed(async () => [await channelPid(transport), await channelPid(transport), await channelPid(transport)]);
    assert.equal(new Set(pids).size, 1, `one shell for all three: ${pids}`);
    assert.deepEqual(trace.filter((e) => e.via === 'channel').length, 3);
    const cmdline = await outside.exec(`tr "\\0" " " < /proc/${pids[0]}/cmdline`);
    assert.equal(cmdline.stdout.trim(), 'sh -s bluegreen-channel');

    const result = await transport.exec('echo out; echo err >&2; exit 3', SHORT);
    assert.deepEqual([result.code, result.stdout, result.stderr], [3, 'out\n', 'err\n']);
    const quoted = await transport.exec(`printf '%s|' "a b" 'c'"'"'d' && echo $((6*7))`, SHORT);
    assert.equal(quoted.stdout, "a b|c'd|42\n");
    const bytes = Buffer.from([...Array.from({ length: 256 }, (_, i) => i), ...Buffer.from(" it's 100% \\n ✓\n")]);
    const echoed = await transport.exec('od -An -v -tu1', { ...SHORT, input: bytes });
    assert.deepEqual(echoed.stdout.trim().split(/\s+/).map(Number), [...bytes], 'stdin arrives byte for byte');
    const noInput = await transport.exec('cat; echo after', SHORT);
    assert.equal(noInput.stdout, 'after\n', 'without input the command reads an empty stdin, not the channel');
    const noNewline = await transport.exec('printf partial', SHORT);
    assert.equal(noNewline.stdout, 'partial');
    const rooted = await transport.exec('id -u', { ...SHORT, sudo: true });
    assert.equal(rooted.stdout, '0\n');
    // A put's rename goes over the channel too.
    await transport.put('/tmp/put.txt', 'put over the channel\n');
    assert.equal((await outside.exec('cat /tmp/put.txt')).stdout, 'put over the channel\n');
  });

  it('output that looks like the markers is output', async () => {
    const fake = '<<bluegreen:00000000000000000000000000000000:end>>0';
    const script = `printf '%s\\n' '<<bluegreen:' '${fake}' '<<bluegreen:00000000000000000000000000000000:start>>'; printf '%s' '${fake}' >&2; exit 5`;
    const result = await transport.exec(script, SHORT);
    assert.equal(result.code, 5);
    assert.equal(result.stdout, `<<bluegreen:\n${fake}\n<<bluegreen:00000000000000000000000000000000:start>>\n`);
    assert.equal(result.stderr, fake);
    assert.equal((await transport.exec('echo next', SHORT)).stdout, 'next\n', 'the channel goes on');
  });

  it('a command over its limit is ended on the host (124, timed out) and the shell goes on', async () => {
    const pid = await channelPid(transport);
    const started = Date.now();
    const result = await transport.exec('sleep 30; echo never', { timeoutMs: 500 });
    assert.equal(result.code, 124);
    assert.equal(result.timedOut, true);
    assert.equal(result.stdout, '');
    assert.ok(Date.now() - started < 10_000, `took ${Date.now() - started} ms`);
    assert.equal(await channelPid(transport), pid, 'the same shell');
    const left = await outside.exec('for f in /proc/[0-9]*/cmdline; do tr "\\0" " " < "$f" 2>/dev/null; echo; done | grep -c "^sleep 30" || true');
    assert.equal(left.stdout.trim(), '0', 'the command was killed with its children');
  });

  it('a shell killed between commands: the next command runs as a one-shot exec and says so, the one after on a new shell', async () => {
    const pid = await channelPid(transport);
    const { value, notes, trace } = await observed(async () => {
      await outside.exec(`kill -9 ${pid}`);
      await new Promise((resolve) => setTimeout(resolve, 300));
      return transport.exec('echo survived', SHORT);
    });
    assert.equal(value.stdout, 'survived\n');
    assert.deepEqual(trace.filter((e) => e.host === 'router1').map((e) => e.via), ['one-shot']);
    assert.ok(notes.some((n) => /router1: channel ended/.test(n)), notes.join('\n'));
    assert.ok(notes.some((n) => /one-shot exec/.test(n)), notes.join('\n'));
    const next = await channelPid(transport);
    assert.notEqual(next, pid, 'a new shell');
  });

  it('a shell killed during a command: an error that says it may have run, no hang, and the next command works', async () => {
    const pid = await channelPid(transport);
    const running = rejection(transport.exec('sleep 2; echo finished', SHORT));
    await new Promise((resolve) => setTimeout(resolve, 500));
    await outside.exec(`kill -9 ${pid}`);
    const error = await running;
    assert.ok(error instanceof TransportError, String(error));
    assert.equal(error.kind, 'unreachable');
    assert.match(error.message, /ended while a command ran.*may or may not have completed/);
    assert.equal((await transport.exec('echo again', SHORT)).stdout, 'again\n');
  });

  it('a shell that stops answering: the client deadline reports a time-out, kills the channel, and the next command gets a new one', async () => {
    const pid = await channelPid(transport);
    // The command stops its own channel shell: the shell never writes the end marker.
    const started = Date.now();
    let next: number;
    try {
      const result = await transport.exec(`kill -STOP ${pid}; echo stopped`, { timeoutMs: 500 });
      assert.equal(result.timedOut, true);
      assert.equal(result.code, 124);
      assert.equal(result.stdout, 'stopped\n', 'what arrived is kept');
      assert.ok(Date.now() - started < 15_000, `took ${Date.now() - started} ms`);
      next = await channelPid(transport);
      assert.notEqual(next, pid);
    } finally {
      // Woken, the old shell finds its input closed and exits: nothing is left behind.
      await outside.exec(`kill -CONT ${pid}`);
    }
    // The stopped shell is gone and the new one runs. (The root shell the first test opened for
    // `sudo` may still be open, until its idle close: it is not this test's.)
    const left = await settled(shellsInContainer, (pids) => !pids.includes(pid));
    assert.ok(!left.includes(pid), `the stopped shell ${pid} is still there: ${left.join(', ')}`);
    assert.ok(left.includes(next), `the new shell ${next} is not there: ${left.join(', ')}`);
  });

  it('an abort rejects at once with its reason; the next command runs', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('stop now')), 200);
    const started = Date.now();
    await assert.rejects(transport.exec('sleep 3', { ...SHORT, signal: controller.signal }), /stop now/);
    assert.ok(Date.now() - started < 2000);
    assert.equal((await transport.exec('echo after abort', SHORT)).stdout, 'after abort\n');
  });

  it('commands started together take turns on the shell, each with its own output', async () => {
    const results = await Promise.all([1, 2, 3, 4, 5].map((i) =>
      transport.exec(`echo start-${i} $(date +%s%N); sleep 0.1; echo ${i} >&2; echo end-${i} $(date +%s%N)`, SHORT)));
    const spans = results.map((r, i) => {
      const [start, end] = r.stdout.trim().split('\n');
      assert.match(start, new RegExp(`^start-${i + 1} \\d+$`));
      assert.match(end, new RegExp(`^end-${i + 1} \\d+$`));
      assert.equal(r.stderr, `${i + 1}\n`);
      return [BigInt(start.split(' ')[1]), BigInt(end.split(' ')[1])];
    }).sort((a, b) => (a[0] < b[0] ? -1 : 1));
    for (let i = 1; i < spans.length; i++) assert.ok(spans[i][0] >= spans[i - 1][1], 'no two ran at once');
  });

  it('a paused container: the command is refused at once (409, paused) and does not run when the container is unpaused', async () => {
    await channelPid(transport); // the channel is open
    await docker.getContainer(name).pause();
    try {
      const started = Date.now();
      const error = await rejection(transport.exec('touch /tmp/ran-late', SHORT));
      assert.ok(error instanceof TransportError, String(error));
      assert.match(error.message, /paused/);
      assert.ok(Date.now() - started < 5000, `took ${Date.now() - started} ms`);
    } finally {
      await docker.getContainer(name).unpause();
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.equal((await outside.exec('test -e /tmp/ran-late && echo ran || echo not run')).stdout, 'not run\n');
    assert.equal((await transport.exec('echo unpaused', SHORT)).stdout, 'unpaused\n');
  });

  it('close() ends every shell it opened: no process is left in the container', async () => {
    await transport.exec('true', SHORT);
    await transport.exec('true', { ...SHORT, sudo: true });
    assert.ok((await shellsInContainer()).length >= 1);
    await transport.close();
    assert.equal(transport.openChannels, 0);
    assert.deepEqual(await settled(shellsInContainer, (pids) => pids.length === 0), []);
    // Usable again afterwards: a new shell on demand.
    assert.equal((await transport.exec('echo again', SHORT)).stdout, 'again\n');
    await transport.close();
    assert.deepEqual(await settled(shellsInContainer, (pids) => pids.length === 0), []);
  });
});

describe('the channel over SSH (real sshd on loopback)', function () {
  this.timeout(120_000);
  let sshd: TestSshd;
  let transport: SshTransport;
  /** The channel shells of this transport's user that sshd started, from ps. */
  const shells = () => execFileSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' }).split('\n')
    .filter((line) => /\bsh -s bluegreen-channel\b/.test(line)).map((line) => Number(line.trim().split(/\s+/)[0]));
  const logins = () => (sshd.log().match(/Accepted publickey/g) ?? []).length;

  before(async function () {
    this.timeout(600_000);
    ensureDebianPackages({ sudo: '/usr/bin/sudo', procps: '/usr/bin/ps' });
    sshd = await startSshd();
    transport = new SshTransport({ host: 'router1', target: sshd.host, port: sshd.port, user: sshd.user, identityFile: sshd.identityFile, options: sshd.clientOptions });
  });

  after(async () => {
    await transport?.close();
    await sshd?.stop();
  });

  it('runs short commands on one session\'s shell over the master connection', async () => {
    const before = logins();
    const { value: pids, trace } = await observed(async () => [await channelPid(transport), await channelPid(transport), await channelPid(transport)]);
    assert.equal(new Set(pids).size, 1, `one shell: ${pids}`);
    assert.ok(shells().includes(pids[0]), 'ps shows it as sh -s bluegreen-channel');
    assert.equal(trace.filter((e) => e.via === 'channel').length, 3);
    assert.equal(logins(), before + 1, 'one login: the master');
    const result = await transport.exec('echo out; echo err >&2; exit 3', SHORT);
    assert.deepEqual([result.code, result.stdout, result.stderr], [3, 'out\n', 'err\n']);
    const fake = '<<bluegreen:00000000000000000000000000000000:end>>0';
    assert.equal((await transport.exec(`echo '${fake}'`, SHORT)).stdout, `${fake}\n`);
    const bytes = Buffer.from([...Array.from({ length: 256 }, (_, i) => i)]);
    const echoed = await transport.exec('od -An -v -tu1', { ...SHORT, input: bytes });
    assert.deepEqual(echoed.stdout.trim().split(/\s+/).map(Number), [...bytes]);
    assert.equal((await transport.exec('id -u', { ...SHORT, sudo: true })).stdout, '0\n', 'sudo -n per command on the same shell');
    await transport.put(`${sshd.dir}/channel-put.txt`, 'small file\n');
    assert.equal((await transport.exec(`cat ${sshd.dir}/channel-put.txt`, SHORT)).stdout, 'small file\n');
  });

  it('a command over its limit: 124 and the same shell goes on', async () => {
    const pid = await channelPid(transport);
    const result = await transport.exec('sleep 30; echo never', { timeoutMs: 500 });
    assert.deepEqual([result.code, result.timedOut], [124, true]);
    assert.equal(await channelPid(transport), pid);
  });

  it('a shell killed between commands: one one-shot session, said in the debug notes, then a new shell', async () => {
    const pid = await channelPid(transport);
    const { value, notes, trace } = await observed(async () => {
      process.kill(pid, 'SIGKILL');
      await new Promise((resolve) => setTimeout(resolve, 300));
      return transport.exec('echo survived', SHORT);
    });
    assert.equal(value.stdout, 'survived\n');
    assert.deepEqual(trace.map((e) => e.via), ['one-shot']);
    assert.ok(notes.some((n) => /channel ended/.test(n)), notes.join('\n'));
    const next = await channelPid(transport);
    assert.notEqual(next, pid);
  });

  it('close() ends the session\'s shell and the master: no process left (ps)', async () => {
    const pid = await channelPid(transport);
    assert.ok(shells().includes(pid));
    await transport.close();
    assert.equal((await settled(async () => shells(), (pids) => !pids.includes(pid))).includes(pid), false, `shell ${pid} still runs`);
    assert.equal(transport.channelOpen, false);
    assert.equal(await transport.masterRunning(), false);
  });
});
