// The built CLI writing into a pipe whose reader stops early (`bluegreen --json validate | head`):
// the output ends there, quietly, instead of a crash with Node's EPIPE stack trace on stderr.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CLI, ensureCliBuilt, ROOT } from '../helpers/cli';

describe('cli: a reader that closes the pipe early', function () {
  this.timeout(120_000);
  let dir: string;
  before(() => {
    ensureCliBuilt();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bluegreen-pipe-'));
    // Enough environments that the --json document is larger than a pipe holds (64 KiB on Linux).
    const sample = fs.readFileSync(path.join(ROOT, 'bluegreen.yaml'), 'utf8');
    const environments = Array.from({ length: 8000 }, (_, i) => `  env${i}:\n    docker: {}\n`).join('');
    fs.writeFileSync(path.join(dir, 'bluegreen.yaml'), `${sample.slice(0, sample.indexOf('\nenvironments:') + 1)}environments:\n${environments}`);
    fs.symlinkSync(path.join(ROOT, 'sandbox'), path.join(dir, 'sandbox'));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('ends its output without an error when the reader goes away', () => {
    // head exits after 100 bytes; the CLI is still writing the rest, which no pipe can hold.
    const errors = path.join(dir, 'stderr.txt');
    const script = `"${process.execPath}" "${CLI}" --json validate "${path.join(dir, 'bluegreen.yaml')}" 2>"${errors}" | head -c 100; echo " exit \${PIPESTATUS[0]}"`;
    const out = execFileSync('bash', ['-c', script], { encoding: 'utf8' });
    assert.match(out, /^\{\n {2}"ok": true/);
    assert.equal(fs.readFileSync(errors, 'utf8'), '');
    assert.match(out, / exit 0$/m);
  });
});
