// Run by the build (scripts/build.mjs): the outlines of every command, from the real registrars,
// for start.ts, and every command's help for the bin (helpAnswers). Checks that commandLoaders.ts
// loads the same registrars as commandTable.ts.
import { CommanderError } from 'commander';
import { commandTable } from './commandTable';
import { commandLoaders } from './commandLoaders';
import { addFromSpec, CommandSpec, describeCommand } from './commandSpec';
import { baseProgram, finishProgram, programContext } from './program';
import { HELP_FLAGS } from './quickAnswer';
import type { HelpAnswers } from './quickAnswer';

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

/** The command words of every outlined command ('' for the program itself), depth first. */
function commandWords(outlines: CommandSpec[], above: string[] = []): string[][] {
  return outlines.flatMap((o) => [[...above, o.name], ...commandWords(o.commands, [...above, o.name])]);
}

/** What `bluegreen <words> <flag>` prints, rendered by the outlined program as start.ts builds it. */
async function renderHelp(outlines: CommandSpec[], words: string[], flag: string, width: number): Promise<string> {
  let text = '';
  const write = (s: string) => { text += s; };
  const program = baseProgram().configureOutput({
    writeOut: write, writeErr: write, getOutHelpWidth: () => width, getErrHelpWidth: () => width, getOutHasColors: () => false, getErrHasColors: () => false,
  });
  for (const outline of outlines) addFromSpec(program, outline, async () => { throw new Error(`${[...words, flag].join(' ')} ran a command instead of printing help`); });
  try {
    await finishProgram(program).parseAsync([...words, flag], { from: 'user' });
  } catch (error) {
    if (!(error instanceof CommanderError && error.exitCode === 0)) throw error;
  }
  return text;
}

/** Commander's width where stdout is not a terminal. */
const DEFAULT_WIDTH = 80;
/** Wide enough that commander wraps nothing. */
const NO_WRAP = 100_000;

/** help.json for the bin (quickAnswer.ts): every command's help, at 80 columns and unwrapped. */
export async function helpAnswers(version: string, outlines?: CommandSpec[]): Promise<HelpAnswers> {
  const all = outlines ?? await commandOutlines();
  const answers: HelpAnswers = { version, narrow: {}, wide: {}, wideColumns: {} };
  for (const words of [[], ...commandWords(all)]) {
    const key = words.join(' ');
    answers.narrow[key] = await renderHelp(all, words, HELP_FLAGS[0], DEFAULT_WIDTH);
    answers.wide[key] = await renderHelp(all, words, HELP_FLAGS[0], NO_WRAP);
    answers.wideColumns[key] = Math.max(...answers.wide[key].split('\n').map((line) => line.length));
    for (const flag of HELP_FLAGS.slice(1)) {
      if (await renderHelp(all, words, flag, DEFAULT_WIDTH) !== answers.narrow[key]) throw new Error(`\`bluegreen ${key} ${flag}\` does not print what ${HELP_FLAGS[0]} prints: quickAnswer.ts must not answer it`);
    }
  }
  return answers;
}
