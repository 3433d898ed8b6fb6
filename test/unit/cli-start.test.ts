// The bundle's entry (src/cli/start.ts) answers help, usage errors and unknown commands from the
// commands' outlines instead of the real commands. Here the outlines are taken from the real
// registrars, as the build takes them, and every command's help must read exactly the same, and
// the words a real command is reached by must reach the same command.
import * as assert from 'node:assert/strict';
import type { Command } from 'commander';
import { createProgram } from '../../src/cli/main';
import { commandOutlines } from '../../src/cli/specDump';
import { addFromSpec } from '../../src/cli/commandSpec';
import { baseProgram, finishProgram } from '../../src/cli/program';
import { requireKnownCommand, commandPath } from '../../src/cli/unknownCommand';
import { start } from '../../src/cli/start';

function allCommands(command: Command): Command[] {
  return [command, ...command.commands.flatMap(allCommands)];
}

async function outlinedProgram(): Promise<{ program: Command; ran: string[] }> {
  const ran: string[] = [];
  const program = baseProgram();
  for (const outline of await commandOutlines()) addFromSpec(program, outline, async (command) => { ran.push(commandPath(command)); });
  return { program: finishProgram(program), ran };
}

async function captured(body: () => Promise<number>): Promise<{ code: number; stdout: string; stderr: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const write = { out: process.stdout.write, err: process.stderr.write };
  process.stdout.write = ((chunk: string | Uint8Array) => { out.push(String(chunk)); return true; }) as typeof process.stdout.write;
  process.stderr.write = ((chunk: string | Uint8Array) => { err.push(String(chunk)); return true; }) as typeof process.stderr.write;
  try {
    return { code: await body(), stdout: out.join(''), stderr: err.join('') };
  } finally {
    process.stdout.write = write.out;
    process.stderr.write = write.err;
  }
}

describe('cli: the outlined commands of the bundle\'s entry', () => {
  it('every command\'s help is the real command\'s, word for word', async () => {
    const real = allCommands(createProgram());
    const outlined = allCommands((await outlinedProgram()).program);
    assert.deepEqual(outlined.map(commandPath), real.map(commandPath));
    real.forEach((command, i) => assert.equal(outlined[i].helpInformation(), command.helpInformation(), commandPath(command)));
  });

  it('each command\'s words reach the same command, and only the commands that run have an action', async () => {
    const real = createProgram();
    const { program, ran } = await outlinedProgram();
    for (const command of allCommands(real).slice(1)) {
      const words = commandPath(command).split(' ').slice(1);
      assert.equal(commandPath(requireKnownCommand(program, words)), commandPath(command));
      const runs = Boolean((command as unknown as { _actionHandler: unknown })._actionHandler);
      const outlined = requireKnownCommand(program, words) as unknown as { _actionHandler: unknown };
      assert.equal(Boolean(outlined._actionHandler), runs, commandPath(command));
    }
    // A run goes to the action (here: recorded), after commander has checked the words.
    await program.parseAsync(['sandbox', 'logs', '--tail', '5'], { from: 'user' });
    assert.deepEqual(ran, ['bluegreen sandbox logs']);
  });

  it('start() answers usage errors and unknown commands as main() does, and runs a command through its own module', async () => {
    const outlines = await commandOutlines();
    const unknown = await captured(() => start(['nope'], outlines));
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /unknown command "nope"/);
    const missing = await captured(() => start(['canary'], outlines));
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /missing required argument 'color'/);
    const choice = await captured(() => start(['render', '--mode', 'x'], outlines));
    assert.equal(choice.code, 2);
    assert.match(choice.stderr, /Allowed choices are njs, files/);
    const help = await captured(() => start(['status', '--help'], outlines));
    assert.equal(help.code, 0);
    assert.equal(help.stdout, createProgram().commands.find((c) => c.name() === 'status')?.helpInformation());
    // Reaches the validate command's module, which reads the file and refuses it (exit 2).
    const ran = await captured(() => start(['--json', 'validate', '/nonexistent/bluegreen.yaml'], outlines));
    assert.equal(ran.code, 2, ran.stderr);
    assert.equal(JSON.parse(ran.stdout).ok, false);
  });
});
