// `bluegreen --help`, `bluegreen <command> --help` and `--version`, answered by the bin (bin.ts)
// from texts the build rendered with the real program (specDump.ts → dist/cli/help.json), so
// Node loads neither commander nor any module of ours: Node's own start is most of what is left.
// Anything else — other words, an alias, a global option before the command, a terminal too
// narrow for the wide text — goes to the program (start.ts), which prints the same.
// This module imports nothing: the bin carries it.

export interface HelpAnswers {
  version: string;
  /** Command words ('' for the program, 'sandbox up') → help at commander's default width (80). */
  narrow: Record<string, string>;
  /** The same help with nothing wrapped, printed on a terminal at least as wide as its longest line. */
  wide: Record<string, string>;
  wideColumns: Record<string, number>;
}

export const HELP_FLAGS = ['--help', '-h'];
export const VERSION_FLAGS = ['--version', '-V'];

/** Whether the words ask for help or the version, and so need help.json read at all. */
export function mayAnswer(argv: string[]): boolean {
  const last = argv[argv.length - 1];
  return (argv.length === 1 && VERSION_FLAGS.includes(argv[0])) || HELP_FLAGS.includes(last);
}

/**
 * The text to print for `argv`, or undefined when the program must answer. `columns` is the
 * terminal's width when stdout is a terminal (commander wraps help to it), else undefined.
 */
export function quickAnswer(argv: string[], answers: HelpAnswers, columns: number | undefined): string | undefined {
  if (argv.length === 1 && VERSION_FLAGS.includes(argv[0])) return `${answers.version}\n`;
  if (!HELP_FLAGS.includes(argv[argv.length - 1])) return undefined;
  const words = argv.slice(0, -1);
  // Options and `help` take the program's path; only plain command words are looked up.
  if (words.some((word) => word.startsWith('-'))) return undefined;
  const key = words.join(' ');
  if (!Object.prototype.hasOwnProperty.call(answers.narrow, key)) return undefined;
  if (columns === undefined || columns === 80) return answers.narrow[key];
  return columns >= answers.wideColumns[key] ? answers.wide[key] : undefined;
}
