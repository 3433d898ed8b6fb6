import assert from 'node:assert/strict';
import { runOnHosts } from '../../src/core/transport/runOnHosts';
import { withLog } from '../../src/core/transport/withLog';
import type { ExecOptions, ExecResult, HostLogEvent, Transport } from '../../src/core/transport/transport';

/**
 * An in-memory host: a real Transport implementation whose "shell" understands a few words,
 * enough to drive the pure helpers without Docker or ssh.
 */
class MemoryHost implements Transport {
  readonly files = new Map<string, Buffer>();
  closed = false;
  constructor(readonly host: string) {}
  async exec(command: string, options: ExecOptions = {}): Promise<ExecResult> {
    if (command === 'unreachable') throw new Error(`${this.host} is down`);
    const [word, arg] = command.split(' ');
    await new Promise((resolve) => setTimeout(resolve, Number(arg ?? 0)));
    if (word === 'echo') options.onOutput?.('stdout', `${this.host}\n`);
    if (word === 'fail') options.onOutput?.('stderr', 'boom\n');
    return { code: word === 'fail' ? 1 : 0, stdout: word === 'echo' ? `${this.host}\n` : '', stderr: word === 'fail' ? 'boom\n' : '', durationMs: 1 };
  }
  async put(path: string, data: string | Buffer): Promise<void> {
    this.files.set(path, Buffer.from(data));
  }
  async close(): Promise<void> {
    this.closed = true;
  }
}

describe('runOnHosts', () => {
  const hosts = (n: number) => Array.from({ length: n }, (_, i) => new MemoryHost(`h${i}`));

  it('returns every outcome in host order, failures included, never rejecting', async () => {
    const list = hosts(4);
    const results = await runOnHosts(list, async (t) => {
      if (t.host === 'h1') throw new Error('h1 broke');
      if (t.host === 'h2') throw 'a string';
      return (await t.exec(`echo ${10 * (4 - Number(t.host.slice(1)))}`)).stdout.trim();
    });
    assert.deepEqual(results.map((r) => r.host), ['h0', 'h1', 'h2', 'h3']);
    assert.deepEqual(results[0], { host: 'h0', ok: true, value: 'h0' });
    assert.equal(results[1].ok, false);
    assert.equal(!results[1].ok && results[1].error.message, 'h1 broke');
    assert.equal(!results[2].ok && results[2].error.message, 'a string');
    assert.deepEqual(results[3], { host: 'h3', ok: true, value: 'h3' });
  });

  it('never runs more than the limit at once, and defaults to 8', async () => {
    for (const [limit, expected] of [[3, 3], [undefined, 8]] as const) {
      let running = 0;
      let peak = 0;
      await runOnHosts(hosts(20), async (t) => {
        running++;
        peak = Math.max(peak, running);
        await t.exec('sleep 10');
        running--;
      }, { limit });
      assert.equal(peak, expected);
    }
  });

  it('runs in parallel, not one after another', async () => {
    const started = Date.now();
    await runOnHosts(hosts(8), (t) => t.exec('sleep 100'));
    assert.ok(Date.now() - started < 500, `took ${Date.now() - started} ms`);
  });

  it('reports hosts not started after an abort as failed', async () => {
    const controller = new AbortController();
    const results = await runOnHosts(hosts(4), async (t) => {
      controller.abort(new Error('stopped by user'));
      return t.host;
    }, { limit: 1, signal: controller.signal });
    assert.equal(results[0].ok, true);
    for (const r of results.slice(1)) assert.equal(!r.ok && r.error.message, 'stopped by user');
  });

  it('handles no hosts', async () => {
    assert.deepEqual(await runOnHosts([], async () => 1), []);
  });
});

describe('withLog', () => {
  it('logs each command, its output as it arrives and its exit, per host', async () => {
    const events: HostLogEvent[] = [];
    const seen: string[] = [];
    const t = withLog(new MemoryHost('lb1'), (e) => events.push(e));
    assert.equal(t.host, 'lb1');
    const result = await t.exec('echo', { onOutput: (_s, text) => seen.push(text) });
    assert.equal(result.stdout, 'lb1\n');
    assert.deepEqual(seen, ['lb1\n'], 'the caller still gets its own output');
    await t.exec('fail', { sudo: true, input: 'secret' });
    assert.deepEqual(events.map((e) => [e.host, e.kind]), [
      ['lb1', 'command'], ['lb1', 'stdout'], ['lb1', 'exit'],
      ['lb1', 'command'], ['lb1', 'stderr'], ['lb1', 'exit'],
    ]);
    assert.equal(events[3].text, 'fail  (sudo, stdin 6 bytes)');
    assert.ok(!events.some((e) => e.text.includes('secret')), 'stdin content is never logged');
    assert.match(events[5].text, /^exit 1 in \d+ ms$/);
    assert.ok(events.every((e) => e.time instanceof Date));
  });

  it('logs puts and failures, passes errors through, and survives a throwing sink', async () => {
    const events: HostLogEvent[] = [];
    const inner = new MemoryHost('app1');
    const t = withLog(inner, (e) => events.push(e));
    await t.put('/etc/x.json', '{}', { mode: 0o600 });
    assert.equal(inner.files.get('/etc/x.json')?.toString(), '{}');
    assert.equal(events[0].text, 'put /etc/x.json (2 bytes, mode 600)');
    await assert.rejects(t.exec('unreachable'), /app1 is down/);
    assert.equal(events.at(-1)?.text, 'failed: app1 is down');
    const noisy = withLog(inner, () => { throw new Error('sink broke'); });
    assert.equal((await noisy.exec('echo')).code, 0);
    await noisy.close();
    assert.equal(inner.closed, true);
  });
});
