// The bin answers `--help`, `<command> --help` and `--version` from help.json (src/cli/quickAnswer.ts),
// which the build renders with the outlined program (specDump.ts helpAnswers). Every text must be
// what the whole program prints for the same words — where stdout is not a terminal, and on a
// terminal wide enough for the unwrapped text — and anything else must be left to the program.

import * as assert from 'node:assert/strict';
import { main } from '../../src/cli/main';
import { helpAnswers } from '../../src/cli/specDump';
import { HelpAnswers, quickAnswer } from '../../src/cli/quickAnswer';

/** What main() prints on stdout for `argv`, as if stdout were a terminal `columns` wide (or not one). */
async function programOutput(argv: string[], columns: number | undefined): Promise<{ code: number; stdout: string }> {
  const out: string[] = [];
  const stdout = process.stdout as NodeJS.WriteStream & { isTTY?: boolean };
  const saved = { write: stdout.write, isTTY: Object.getOwnPropertyDescriptor(stdout, 'isTTY'), columns: Object.getOwnPropertyDescriptor(stdout, 'columns') };
  Object.defineProperty(stdout, 'isTTY', { value: columns !== undefined, configurable: true, writable: true });
  Object.defineProperty(stdout, 'columns', { value: columns, configurable: true, writable: true });
  stdout.write = ((chunk: string | Uint8Array) => { out.push(String(chunk)); return true; }) as typeof stdout.write;
  try {
    return { code: await main(argv), stdout: out.join('') };
  } finally {
    stdout.write = saved.write;
    for (const key of ['isTTY', 'columns'] as const) {
      const descriptor = saved[key];
      if (descriptor) Object.defineProperty(stdout, key, descriptor);
      else delete (stdout as unknown as Record<string, unknown>)[key];
    }
  }
}

describe('cli: help and the version answered by the bin', () => {
  let answers: HelpAnswers;
  before(async () => { answers = await helpAnswers('9.9.9'); });

  it('every command\'s help is what the program prints, off a terminal and on one as wide as the text', async () => {
    const keys = Object.keys(answers.narrow);
    assert.ok(keys.length > 20 && keys.includes('') && keys.includes('sandbox up'), keys.join(', '));
    for (const key of keys) {
      const words = key ? key.split(' ') : [];
      for (const flag of ['--help', '-h']) {
        const off = await programOutput([...words, flag], undefined);
        assert.equal(off.code, 0);
        assert.equal(quickAnswer([...words, flag], answers, undefined), off.stdout, `${key} ${flag}, not a terminal`);
        const width = answers.wideColumns[key];
        for (const columns of [width, width + 37]) {
          const on = await programOutput([...words, flag], columns);
          assert.equal(quickAnswer([...words, flag], answers, columns), on.stdout, `${key} ${flag}, a terminal ${columns} wide`);
        }
      }
    }
  });

  it('the version, and nothing for words the program must answer', () => {
    assert.equal(quickAnswer(['--version'], answers, undefined), '9.9.9\n');
    assert.equal(quickAnswer(['-V'], answers, 120), '9.9.9\n');
    const left = [
      [], ['status'], ['--json', 'status', '--help'], ['status', '--env', 'x', '--help'], ['nope', '--help'], ['help'],
      ['rehearse', '--version'], ['--version', 'status'], ['status', '--help', 'x'], ['sandbox', 'up', 'extra', '--help'],
    ];
    for (const argv of left) assert.equal(quickAnswer(argv, answers, undefined), undefined, argv.join(' '));
    // A terminal narrower than the unwrapped text and not 80 wide: commander wraps it, so the program answers.
    assert.equal(quickAnswer(['--help'], answers, answers.wideColumns[''] - 1), undefined);
    assert.equal(quickAnswer(['--help'], answers, 80), answers.narrow['']);
  });
});
