import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTar, tarHeader } from '../../src/core/transport/tar';

describe('tar writer', () => {
  it('writes a ustar header with a valid checksum', () => {
    const header = tarHeader({ name: 'state.json', data: Buffer.from('hello'), mode: 0o640, mtime: new Date(1_700_000_000_000) });
    assert.equal(header.length, 512);
    assert.equal(header.subarray(0, 10).toString(), 'state.json');
    assert.equal(header.subarray(100, 108).toString(), '0000640\0');
    assert.equal(header.subarray(124, 136).toString(), '00000000005\0');
    assert.equal(header.subarray(136, 148).toString(), (1_700_000_000).toString(8).padStart(11, '0') + '\0');
    assert.equal(header.subarray(156, 157).toString(), '0');
    assert.equal(header.subarray(257, 265).toString(), 'ustar\x0000');
    const stored = parseInt(header.subarray(148, 154).toString(), 8);
    const copy = Buffer.from(header);
    copy.fill(' ', 148, 156);
    assert.equal(stored, copy.reduce((sum, b) => sum + b, 0));
  });

  it('pads data to 512-byte blocks and ends with two zero blocks', () => {
    const archive = createTar([{ name: 'a', data: Buffer.alloc(513, 1) }]);
    assert.equal(archive.length, 512 + 1024 + 1024);
    assert.ok(archive.subarray(512 + 513).every((b) => b === 0));
  });

  it('splits a long path into prefix and name, and refuses what cannot fit', () => {
    const long = `${'d'.repeat(120)}/file.txt`;
    const header = tarHeader({ name: long, data: Buffer.alloc(0) });
    assert.equal(header.subarray(0, 8).toString(), 'file.txt');
    assert.equal(header.subarray(345, 465).toString(), 'd'.repeat(120));
    assert.throws(() => tarHeader({ name: 'x'.repeat(101), data: Buffer.alloc(0) }), /too long/);
  });

  it('is read back by the system tar with content, mode and long names intact', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bluegreen-tar-'));
    try {
      const binary = Buffer.from(Array.from({ length: 1500 }, (_, i) => (i * 7) % 256));
      const deep = `${'sub/'.repeat(30)}deep.txt`;
      const archive = createTar([
        { name: 'state file.json', data: Buffer.from('{"blue":100}\n'), mode: 0o600 },
        { name: 'artifact.bin', data: binary, mode: 0o755 },
        { name: 'empty', data: Buffer.alloc(0) },
        { name: deep, data: Buffer.from('deep') },
      ]);
      execFileSync('tar', ['-x', '-f', '-', '-C', dir], { input: archive });
      assert.equal(readFileSync(join(dir, 'state file.json'), 'utf8'), '{"blue":100}\n');
      assert.equal(statSync(join(dir, 'state file.json')).mode & 0o777, 0o600);
      assert.deepEqual(readFileSync(join(dir, 'artifact.bin')), binary);
      assert.equal(statSync(join(dir, 'artifact.bin')).mode & 0o777, 0o755);
      assert.equal(readFileSync(join(dir, 'empty')).length, 0);
      assert.equal(readFileSync(join(dir, deep), 'utf8'), 'deep');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
