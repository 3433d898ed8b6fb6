// The program's entry (dist/cli.js → dist/cli/program.cjs). `--help`, `--version`, an unknown
// command or a usage error are answered from the commands' outlines (commandSpec.ts, written by
// the build to commands.json beside this file) with no command module evaluated; a command that
// runs evaluates its module alone (commandLoaders.ts), which registers it on a program of its own
// that parses the same words again. So `status` evaluates what the stage commands import, not
// dockerode's build code or the SQL parser of `db lint`.
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { addFromSpec, CommandSpec } from './commandSpec';
import { commandLoaders } from './commandLoaders';
import type { JsonResult } from './output';
import { baseProgram, finishProgram, programContext, reportError, runProgram } from './program';

export async function start(argv: string[], outlines: CommandSpec[] = readOutlines()): Promise<number> {
  const held: JsonResult = { given: false };
  const program = baseProgram();
  for (const outline of outlines) {
    // Every command under the outline comes from the same module.
    addFromSpec(program, outline, async () => {
      const register = await commandLoaders[outline.module ?? -1]();
      // The real command, on a program of its own: it parses the words again and runs.
      const real = baseProgram();
      register(real, programContext(real, held));
      await finishProgram(real).parseAsync(argv, { from: 'user' });
    });
  }
  return runProgram(finishProgram(program), argv, held);
}

function readOutlines(): CommandSpec[] {
  const file = path.join(__dirname, 'commands.json');
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as CommandSpec[];
  } catch (error) {
    throw new Error(`the CLI's command outlines could not be read from ${file} (${(error as Error).message}); rebuild it with \`npm run build\``, { cause: error });
  }
}

/** What dist/cli.js calls: runs the process's arguments and sets its exit code. */
export function run(): void {
  start(process.argv.slice(2)).then(
    (code) => { process.exitCode = code; },
    (error) => { reportError(error); process.exitCode = 1; },
  );
}
