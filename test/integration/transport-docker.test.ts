// DockerTransport against a real throwaway container (debian:bookworm-slim, no network needed).
import assert from 'node:assert/strict';
import Docker from 'dockerode';
import { DockerTransport } from '../../src/core/transport/dockerTransport';
import { TransportError } from '../../src/core/transport/transportError';
import { STREAMED_TAIL_CHARS } from '../../src/core/transport/outputCollector';

const LABEL = 'bluegreen.test';
const LABEL_VALUE = 'transport';
const IMAGE = 'debian:bookworm-slim';

async function removeLabelled(docker: Docker): Promise<void> {
  const leftovers = await docker.listContainers({ all: true, filters: { label: [`${LABEL}=${LABEL_VALUE}`] } });
  await Promise.all(leftovers.map((c) => docker.getContainer(c.Id).remove({ force: true })));
}

describe('DockerTransport (real Docker)', function () {
  this.timeout(60_000);
  const docker = new Docker();
  const name = `bluegreen-test-transport-${process.pid}`;
  let transport: DockerTransport;

  before(async function () {
    try {
      await docker.ping();
    } catch {
      throw new Error('No Docker engine answers: start dockerd (see .ci/run).');
    }
    await removeLabelled(docker);
    const container = await docker.createContainer({
      name,
      Image: IMAGE,
      Cmd: ['sleep', 'infinity'],
      Labels: { [LABEL]: LABEL_VALUE },
      HostConfig: { NetworkMode: 'none' },
    });
    await container.start();
    transport = new DockerTransport(docker, name, { host: 'app1' });
  });

  after(async () => {
    await transport?.close();
    await removeLabelled(docker);
  });

  it('returns stdout, stderr and the exit code without throwing', async () => {
    const result = await transport.exec('echo out; echo err >&2; exit 3');
    assert.equal(result.code, 3);
    assert.equal(result.stdout, 'out\n');
    assert.equal(result.stderr, 'err\n');
    assert.ok(result.durationMs > 0);
    assert.equal(transport.host, 'app1');
  });

  it('runs the command through sh -c, with quoting kept intact', async () => {
    const result = await transport.exec(`printf '%s|' "a b" 'c'"'"'d' && echo $((6*7))`);
    assert.equal(result.stdout, "a b|c'd|42\n");
  });

  it('feeds stdin and closes it', async () => {
    const result = await transport.exec('wc -c; cat', { input: 'hello\nworld\n' });
    assert.equal(result.code, 0);
    assert.equal(result.stdout, '12\n');
    const echoed = await transport.exec('cat', { input: Buffer.from('bytes ✓') });
    assert.equal(echoed.stdout, 'bytes ✓');
  });

  it('keeps a large output whole, and when streamed passes it all on but keeps only its tail', async () => {
    const whole = await transport.exec('seq 1 50000');
    assert.equal(whole.stdout.split('\n').length, 50001);
    let streamed = '';
    const result = await transport.exec('seq 1 50000', { onOutput: (stream, text) => { if (stream === 'stdout') streamed += text; } });
    assert.equal(streamed, whole.stdout, 'every byte reached the listener');
    assert.ok(result.stdout.length <= 2 * STREAMED_TAIL_CHARS, 'memory stays bounded for a long stream');
    assert.ok(whole.stdout.endsWith(result.stdout), 'the result keeps the tail');
  });

  it('kills a command that outlives timeoutMs, children included', async () => {
    const started = Date.now();
    const result = await transport.exec('sleep 30; echo never', { timeoutMs: 500 });
    assert.equal(result.code, 124);
    assert.equal(result.timedOut, true);
    assert.equal(result.stdout, '');
    assert.ok(Date.now() - started < 5000, `took ${Date.now() - started} ms`);
    // No `ps` in a minimal image: look for the orphan in /proc.
    const left = await transport.exec('for f in /proc/[0-9]*/cmdline; do tr "\\0" " " < "$f" 2>/dev/null; echo; done | grep -c "^sleep 30" || true');
    assert.equal(left.stdout.trim(), '0');
    const control = await transport.exec('sleep 31 & for f in /proc/[0-9]*/cmdline; do tr "\\0" " " < "$f" 2>/dev/null; echo; done | grep -c "^sleep 31"; kill $!');
    assert.equal(control.stdout.trim(), '1', 'the /proc probe must see a running sleep');
  });

  it('a command within its time limit is untouched', async () => {
    const result = await transport.exec('sleep 0.1; echo done', { timeoutMs: 5000 });
    assert.equal(result.code, 0);
    assert.equal(result.stdout, 'done\n');
    assert.equal(result.timedOut, undefined);
  });

  it('stops waiting when aborted', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('stop now')), 200);
    await assert.rejects(transport.exec('sleep 10', { signal: controller.signal }), /stop now/);
  });

  it('runs as root with sudo', async () => {
    const result = await transport.exec('id -u', { sudo: true });
    assert.equal(result.stdout.trim(), '0');
  });

  it('puts a file with its content and mode', async () => {
    await transport.put('/etc/bluegreen/state.json', '{"blue":100}\n', { mode: 0o600 });
    const result = await transport.exec('cat /etc/bluegreen/state.json; stat -c %a /etc/bluegreen/state.json');
    assert.equal(result.stdout, '{"blue":100}\n600\n');
  });

  it('puts binary data and a path with spaces, leaving no temp file behind', async () => {
    const bytes = Buffer.from(Array.from({ length: 3000 }, (_, i) => i % 256));
    await transport.exec('mkdir -p "/srv/my releases"');
    await transport.put('/srv/my releases/app v1.bin', bytes);
    const result = await transport.exec('od -An -v -tu1 "/srv/my releases/app v1.bin" | wc -w; ls -A "/srv/my releases"; stat -c %a "/srv/my releases/app v1.bin"');
    assert.equal(result.stdout, '3000\napp v1.bin\n644\n');
    const back = await transport.exec('base64 -w0 "/srv/my releases/app v1.bin"');
    assert.deepEqual(Buffer.from(back.stdout, 'base64'), bytes);
  });

  it('replaces a file atomically: a reader never sees it partly written', async () => {
    const a = 'A'.repeat(200_000);
    const b = 'B'.repeat(200_000);
    await transport.put('/tmp/atomic.txt', a);
    // A reader loop in the container checks every snapshot is all-A or all-B, never mixed or short.
    // Each snapshot is one open of the file, so it shows exactly one version.
    const reader = transport.exec(
      'bad=0; i=0; while [ $i -lt 60 ]; do cp /tmp/atomic.txt /tmp/snap; ' +
        '[ "$(wc -c < /tmp/snap)" -eq 200000 ] || bad=$((bad+1)); ' +
        '[ "$(tr -d A < /tmp/snap | wc -c)" -eq 0 ] || [ "$(tr -d B < /tmp/snap | wc -c)" -eq 0 ] || bad=$((bad+1)); ' +
        'i=$((i+1)); done; echo $bad',
    );
    for (let i = 0; i < 10; i++) await transport.put('/tmp/atomic.txt', i % 2 ? a : b);
    const result = await reader;
    assert.equal(result.stdout.trim(), '0');
    // The rename was real: the inode changes on every put.
    const before = (await transport.exec('stat -c %i /tmp/atomic.txt')).stdout;
    await transport.put('/tmp/atomic.txt', a);
    const after = (await transport.exec('stat -c %i /tmp/atomic.txt')).stdout;
    assert.notEqual(before, after);
  });

  it('refuses to put a file where a directory stands, instead of moving it inside', async () => {
    await transport.exec('mkdir -p /tmp/put-target-dir');
    await assert.rejects(transport.put('/tmp/put-target-dir', 'x'), TransportError);
    const inside = await transport.exec('ls -A /tmp/put-target-dir');
    assert.equal(inside.stdout, '', 'nothing was moved into the directory');
  });

  it('throws a TransportError with a hint for a missing container', async () => {
    const missing = new DockerTransport(docker, `bluegreen-test-missing-${process.pid}`);
    const error = await missing.exec('true').then(() => undefined, (e: unknown) => e);
    assert.ok(error instanceof TransportError, String(error));
    assert.equal(error.kind, 'unreachable');
    assert.match(error.hint, /docker ps/);
    await assert.rejects(missing.put('/tmp/x', 'x'), TransportError);
  });
});
