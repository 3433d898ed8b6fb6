// The channel's wire format (src/core/transport/channelFraming.ts): the script written for one
// command, and how each stream is cut back into that command's output.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { channelScript, endMarker, FrameReader, newNonce, printfFormat, startMarker } from '../../src/core/transport/channelFraming';
import { channelEligible, CHANNEL_MAX_INPUT_BYTES } from '../../src/core/transport/channel';

const N = 'a'.repeat(32);

/** Feeds `text` in chunks of `size` bytes; returns the output and the trailer. */
function feed(reader: FrameReader, text: string | Buffer, size: number): { output: string; trailer?: string } {
  const bytes = Buffer.isBuffer(text) ? text : Buffer.from(text);
  const parts: Buffer[] = [];
  let trailer: string | undefined;
  for (let i = 0; i < bytes.length; i += size) {
    const progress = reader.push(bytes.subarray(i, i + size));
    parts.push(...progress.output);
    if (progress.trailer !== undefined) trailer = progress.trailer;
  }
  return { output: Buffer.concat(parts).toString('utf8'), trailer };
}

describe('channel framing', () => {
  it('cuts the output between the markers and reads the exit code after the end marker, in any chunking', () => {
    const wire = `${startMarker(N)}hello\nworld${endMarker(N)}3\n`;
    for (const size of [1, 2, 7, 64, wire.length]) {
      const reader = new FrameReader(N);
      assert.deepEqual(feed(reader, wire, size), { output: 'hello\nworld', trailer: '3' }, `chunks of ${size}`);
      assert.equal(reader.done, true);
      assert.equal(reader.stray, 0);
    }
  });

  it('empty output, and output without a final newline', () => {
    assert.deepEqual(feed(new FrameReader(N), `${startMarker(N)}${endMarker(N)}0\n`, 5), { output: '', trailer: '0' });
    assert.deepEqual(feed(new FrameReader(N), `${startMarker(N)}no newline${endMarker(N)}\n`, 3), { output: 'no newline', trailer: '' });
  });

  it('text that looks like a marker is output: the fixed prefix, another command\'s marker, a marker cut short', () => {
    const other = 'b'.repeat(32);
    const body = `<<bluegreen:${N.slice(0, 8)}:end>>\n${endMarker(other)}0\n<<bluegreen:\n${startMarker(N)}${endMarker(N).slice(0, -1)}`;
    for (const size of [1, 5, 1000]) {
      const reader = new FrameReader(N);
      assert.deepEqual(feed(reader, `${startMarker(N)}${body}${endMarker(N)}0\n`, size), { output: body, trailer: '0' });
    }
  });

  it('drops stray output before the start marker (a background process of an earlier command) and counts it', () => {
    const reader = new FrameReader(N);
    assert.deepEqual(feed(reader, `late line\n${startMarker(N)}mine${endMarker(N)}0\n`, 4), { output: 'mine', trailer: '0' });
    assert.equal(reader.stray, 'late line\n'.length);
  });

  it('does not end before the trailer\'s newline, and streams output as it comes (holding back only a possible marker)', () => {
    const reader = new FrameReader(N);
    assert.equal(reader.started, false);
    reader.push(Buffer.from(startMarker(N)));
    assert.equal(reader.started, true);
    const first = reader.push(Buffer.from('x'.repeat(200)));
    assert.equal(Buffer.concat(first.output).length, 200 - (endMarker(N).length - 1), 'all but a marker\'s length is passed on at once');
    const second = reader.push(Buffer.from(`${endMarker(N)}12`));
    assert.equal(Buffer.concat(second.output).length, endMarker(N).length - 1);
    assert.equal(second.trailer, undefined);
    assert.equal(reader.done, false);
    assert.equal(reader.push(Buffer.from('7\n')).trailer, '127');
    assert.equal(reader.done, true);
  });

  it('keeps binary and multi-byte output intact', () => {
    const bytes = Buffer.from([0, 1, 2, 255, 254, 0x3c, 0x3c, ...Buffer.from('✓ é')]);
    const reader = new FrameReader(N);
    const parts: Buffer[] = [];
    const wire = Buffer.concat([Buffer.from(startMarker(N)), bytes, Buffer.from(`${endMarker(N)}0\n`)]);
    for (let i = 0; i < wire.length; i += 3) parts.push(...reader.push(wire.subarray(i, i + 3)).output);
    assert.deepEqual(Buffer.concat(parts), bytes);
  });

  it('nonces are fresh and unguessable', () => {
    const seen = new Set(Array.from({ length: 100 }, newNonce));
    assert.equal(seen.size, 100);
    for (const nonce of seen) assert.match(nonce, /^[0-9a-f]{32}$/);
  });

  it('printf formats carry no quote, percent or backslash of their own', () => {
    const format = printfFormat(Buffer.from(`it's 100% \\ "json"\n`));
    assert.doesNotMatch(format.replace(/\\[0-7]{3}/g, ''), /['%\\]/);
    assert.equal(format, 'it\\047s 100\\045 \\134 \\042json\\042\\012');
  });

  it('the script a shell runs gives the command exactly its stdin, its exit code, and the streams apart', function () {
    const shells = ['sh', 'dash', 'bash'].filter((shell) => {
      try {
        execFileSync(shell, ['-c', 'true']);
        return true;
      } catch {
        return false;
      }
    });
    if (!shells.length) this.skip();
    const input = Buffer.from([...Array.from({ length: 256 }, (_, i) => i), ...Buffer.from("'%s\\n\" ✓\n")]);
    for (const shell of shells) {
      const nonce = newNonce();
      const script = channelScript(nonce, "sh -c 'od -An -v -tu1 | tr -s \" \\n\" \"  \"; echo err >&2; exit 7'", input);
      const out = execFileSync(shell, ['-s'], { input: script, stdio: ['pipe', 'pipe', 'pipe'] });
      const stdout = feed(new FrameReader(nonce), out, 100);
      assert.equal(stdout.trailer, '7', shell);
      assert.deepEqual(stdout.output.trim().split(/\s+/).map(Number), [...input], `${shell}: every byte arrived`);
      // stderr through a second run (execFileSync returns stdout only on success).
      const both = execFileSync(shell, ['-c', `${shell} -s 2>&1 >/dev/null`], { input: script, stdio: ['pipe', 'pipe', 'pipe'] });
      assert.equal(feed(new FrameReader(nonce), both, 100).output, 'err\n', `${shell}: stderr kept apart`);
      const empty = execFileSync(shell, ['-s'], { input: channelScript(nonce, 'cat; echo done'), stdio: ['pipe', 'pipe', 'pipe'] });
      assert.equal(feed(new FrameReader(nonce), empty, 100).output, 'done\n', `${shell}: no input is an empty stdin`);
    }
  });

  it('takes only short commands with a limit and small input', () => {
    assert.equal(channelEligible({}), false, 'no time limit: may run for hours (tail -F)');
    assert.equal(channelEligible({ timeoutMs: 15_000 }), true);
    assert.equal(channelEligible({ timeoutMs: 180_000 }), false);
    assert.equal(channelEligible({ timeoutMs: 15_000, input: Buffer.alloc(CHANNEL_MAX_INPUT_BYTES) }), true);
    assert.equal(channelEligible({ timeoutMs: 15_000, input: Buffer.alloc(CHANNEL_MAX_INPUT_BYTES + 1) }), false);
    const saved = process.env.BLUEGREEN_TRANSPORT_CHANNEL;
    process.env.BLUEGREEN_TRANSPORT_CHANNEL = 'off';
    try {
      assert.equal(channelEligible({ timeoutMs: 15_000 }), false);
    } finally {
      if (saved === undefined) delete process.env.BLUEGREEN_TRANSPORT_CHANNEL;
      else process.env.BLUEGREEN_TRANSPORT_CHANNEL = saved;
    }
  });
});
