// Run by the build (scripts/build.mjs): the outlines of every command, from the real registrars,
// for start.ts. Checks that commandLoaders.ts loads the same registrars as commandTable.ts.
import { commandTable } from './commandTable';
import { commandLoaders } from './commandLoaders';
import { CommandSpec, describeCommand } from './commandSpec';
import { baseProgram, programContext } from './program';

export async function commandOutlines(): Promise<CommandSpec[]> {
  const loaded = await Promise.all(commandLoaders.map((load) => load()));
  if (loaded.length !== commandTable.length || loaded.some((register, i) => register !== commandTable[i])) {
    throw new Error('src/cli/commandLoaders.ts must list the registrars of commandTable.ts, in the same order');
  }
  const outlines: CommandSpec[] = [];
  commandTable.forEach((register, module) => {
    const program = baseProgram();
    register(program, programContext(program, { given: false }));
    outlines.push(...program.commands.map((command) => ({ ...describeCommand(command), module })));
  });
  return outlines;
}
