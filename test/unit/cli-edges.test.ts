// The CLI at its edges, run in-process through main() with stdout and stderr captured: names that
// are not environments, numbers that are not plain integers, malformed options, files that are
// not files, unknown commands, help and --version, and the one --json document on failure.
// Nothing here reaches Docker or a host: each case is refused before a stage starts.

import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Command, Option } from 'commander';
import { createProgram, main } from '../../src/cli/main';

const CONFIG = path.resolve(__dirname, '..', '..', 'bluegreen.yaml');

interface Run { code: number; stdout: string; stderr: string }

async function run(...argv: string[]): Promise<Run> {
  return runBare('--config', CONFIG, ...argv);
}

async function runBare(...argv: string[]): Promise<Run> {
  const out: string[] = [];
  const err: string[] = [];
  const write = { out: process.stdout.write, err: process.stderr.write };
  process.stdout.write = ((chunk: string | Uint8Array) => { out.push(String(chunk)); return true; }) as typeof process.stdout.write;
  process.stderr.write = ((chunk: string | Uint8Array) => { err.push(String(chunk)); return true; }) as typeof process.stderr.write;
  try {
    const code = await main(argv);
    return { code, stdout: out.join(''), stderr: err.join('') };
  } finally {
    process.stdout.write = write.out;
    process.stderr.write = write.err;
  }
}

function allCommands(command: Command): Command[] {
  return [command, ...command.commands.flatMap(allCommands)];
}

describe('cli: edges', () => {
  for (const name of ['toString', 'constructor', '__proto__', 'hasOwnProperty']) {
    it(`-e ${name} is an unknown environment (exit 2), not a crash`, async () => {
      const r = await run('-e', name, 'status');
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, new RegExp(`unknown environment "${name}"`));
      assert.match(r.stderr, /--env: sandbox/);
      assert.doesNotMatch(r.stderr, /Cannot read properties/);
    });
  }

  for (const value of ['', '0x0A', '1e1', '-5', '101', '10.5', ' 7', '+7']) {
    it(`canary --percent=${JSON.stringify(value)} is refused with exit 2`, async () => {
      const r = await run('canary', 'green', `--percent=${value}`);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, /--percent must be a whole number from 0 to 100/);
    });
  }

  it('other numeric options take plain integers in range too', async () => {
    for (const args of [['release', '1.0.1', '--from', '0x1'], ['audit', '-n', '1e1'], ['render', '--listen', '0x50'],
      ['traffic', '--rps', ''], ['traffic', '--mobile-share', '1e-1'], ['canary', 'green', '--segment', 'mobile', '--window', '2.5'],
      ['sandbox', 'logs', '--tail', '-1']]) {
      const r = await run(...args);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, /must be (a whole number|a share)/, args.join(' '));
    }
  });

  it('render --segment takes exactly name=color', async () => {
    for (const spec of ['mobile=green=blue', 'mobile=', '=green', 'mobile']) {
      const r = await run('render', '--segment', spec);
      assert.equal(r.code, 2, `${spec}: ${r.stderr}`);
      assert.match(r.stderr, /--segment must look like mobile=green/);
    }
    assert.equal((await run('render', '--segment', 'mobile=green', '--part', 'state')).code, 0);
  });

  it('validate refuses a named pipe at once instead of waiting on it', async function () {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bluegreen-cli-'));
    const fifo = path.join(dir, 'bluegreen.yaml');
    execFileSync('mkfifo', [fifo]);
    try {
      const r = await run('validate', fifo);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, /not a regular file \(a named pipe\)/);
      const lint = await run('db', 'lint', fifo);
      assert.equal(lint.code, 2, lint.stderr);
      assert.match(lint.stderr, /not a file or a folder/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('an unknown command exits 2, with --help too, and names the commands', async () => {
    for (const args of [['nope', '--help'], ['nope'], ['sandbox', 'nope', '--help'], ['-e', 'sandbox', 'nope']]) {
      const r = await run(...args);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stdout}${r.stderr}`);
      assert.match(r.stderr, /unknown command "nope"/);
      assert.doesNotMatch(r.stdout, /Usage:/);
    }
  });

  it('an unknown option exits 2', async () => {
    const r = await run('status', '--nope');
    assert.equal(r.code, 2);
    assert.match(r.stderr, /unknown option '--nope'/);
  });

  it("every subcommand's help lists the global options", async () => {
    for (const command of allCommands(createProgram()).slice(1)) {
      const help = command.helpInformation();
      for (const flag of ['--config <file>', '--env <name>', '--json', '--yes']) {
        assert.ok(help.includes(flag), `${command.name()} --help lacks ${flag}`);
      }
    }
  });

  it('no subcommand option is swallowed by a global one (rehearse --version is the version to rehearse)', async () => {
    const program = createProgram();
    const globalFlags = new Set((program.options as Option[]).flatMap((o) => [o.short, o.long]).filter(Boolean));
    for (const command of allCommands(program).slice(1)) {
      for (const option of command.options as Option[]) {
        for (const flag of [option.short, option.long].filter(Boolean)) {
          assert.ok(!globalFlags.has(flag), `${command.name()} ${flag} is read by the global option of the same name`);
        }
      }
    }
    // It reaches rehearse: the unknown environment is reported instead of the CLI's version.
    const r = await run('-e', 'nope', 'rehearse', '--version', '1.0.5');
    assert.equal(r.code, 2, r.stdout);
    assert.match(r.stderr, /unknown environment "nope"/);
    const version = await runBare('--version');
    assert.equal(version.code, 0);
    assert.match(version.stdout, /^\S+\n$/);
  });

  it('--json failures print one JSON document on stdout with the message, hint and exit code', async () => {
    const cases: Array<[string[], number, RegExp]> = [
      [['--json', '-e', 'nope', 'status'], 2, /unknown environment/],
      [['--json', 'canary', 'green', '--percent='], 2, /--percent/],
      [['--json', 'canary'], 2, /missing required argument 'color'/],
      [['--json', 'nope'], 2, /unknown command/],
      [['--json', 'db', 'lint', path.resolve(__dirname, '..', 'fixtures', 'config', 'broken-syntax.yml'), '--', ], 1, /breaking/],
    ];
    for (const [args, code, message] of cases) {
      const r = await run(...args);
      assert.equal(r.code, code, `${args.join(' ')}: ${r.stderr}`);
      const doc = JSON.parse(r.stdout) as { ok: boolean; error: { message: string; hint?: string; exitCode: number } };
      assert.equal(doc.ok, false);
      assert.match(doc.error.message, message);
      assert.ok(doc.error.hint, `${args.join(' ')} has a hint`);
      assert.equal(doc.error.exitCode, code);
    }
  });

  it('a failing validate --json is one document: the errors, the message, the hint, the exit code', async () => {
    const broken = path.resolve(__dirname, '..', 'fixtures', 'config', 'broken-many.yml');
    const r = await run('--json', 'validate', broken);
    assert.equal(r.code, 2);
    const doc = JSON.parse(r.stdout) as { ok: boolean; errors: unknown[]; error: { exitCode: number; hint: string } };
    assert.equal(doc.ok, false);
    assert.ok(doc.errors.length > 1);
    assert.equal(doc.error.exitCode, 2);
    assert.match(doc.error.hint, /bluegreen validate/);
  });

  it('a --json document carries no raw C1 control either (the file name here has U+009B)', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bluegreen-cli-'));
    const file = path.join(dir, 'blue\u009b[2Jgreen.yaml');
    fs.writeFileSync(file, 'apps: {}\n');
    try {
      const r = await run('--json', 'validate', file);
      assert.equal(r.code, 2);
      assert.ok(!r.stdout.includes('\u009b') && !r.stderr.includes('\u009b'), 'no raw U+009B on stdout or stderr');
      assert.equal((JSON.parse(r.stdout) as { file: string }).file, file);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('never echoes control characters from the command line', async () => {
    const r = await run('-e', 'x\u001b]0;pwned\u0007y', 'status');
    assert.equal(r.code, 2);
    assert.ok(!r.stderr.includes('\u001b') && !r.stderr.includes('\u0007'), r.stderr);
    assert.match(r.stderr, /x\\x1b\]0;pwned\\x07y/);
  });
});
