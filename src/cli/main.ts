// The `bluegreen` CLI: a thin face on src/core. Conventions (docs/architecture.md): every stage is a
// top-level command; `--env` defaults to `sandbox`; `--json` prints one document on stdout;
// exit 0 done, 1 a stage failed or was refused, 2 bad input or a missing prerequisite.
import { Command, CommanderError } from 'commander';
import { BluegreenError, exitCodeFor } from '../core/errors';
import { printable } from '../core/printable';
import { commandTable } from './commandTable';
import { CommandContext, GlobalOptions } from './context';
import { createOutput, failureDocument, JsonResult, writeJson } from './output';
import { commandPath, requireKnownCommand } from './unknownCommand';

declare const BLUEGREEN_VERSION: string | undefined;

const VERSION_FLAGS = ['-V', '--version'];

/** The whole command tree, every command registered; `held` receives a --json result. */
export function createProgram(held: JsonResult = { given: false }): Command {
  const program = new Command('bluegreen')
    .description('Rehearse and run blue-green releases behind nginx')
    .option('-c, --config <file>', 'the config file (default: the nearest bluegreen.yaml)')
    .option('-e, --env <name>', 'the environment to act on', 'sandbox')
    .option('--json', 'print one JSON document on stdout (progress stays on stderr)', false)
    .option('-y, --yes', 'answer yes to confirmations and pause points', false)
    // Every subcommand's help lists these too: they work after any command.
    .configureHelp({ showGlobalOptions: true })
    // Not a commander option: a global --version would swallow `rehearse --version 1.0.5`.
    .addHelpText('after', '\nbluegreen --version (or -V) prints the version of the CLI.')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  const ctx: CommandContext = {
    globals: () => program.opts<GlobalOptions>(),
    output: () => createOutput(program.opts<GlobalOptions>().json, held),
  };
  for (const register of commandTable) register(program, ctx);
  // Every level, so a usage error in `sandbox up` also returns here instead of exiting.
  const override = (command: Command): void => { command.exitOverride(); command.commands.forEach(override); };
  override(program);
  return program;
}

export async function main(argv: string[]): Promise<number> {
  const held: JsonResult = { given: false };
  const program = createProgram(held);
  const json = () => Boolean(program.opts<GlobalOptions>().json) || wantsJson(argv);

  let reached = program;
  try {
    reached = requireKnownCommand(program, argv);
    // --version belongs to the program only where no command is named (see createProgram).
    if (reached === program && argv.some((arg) => VERSION_FLAGS.includes(arg))) {
      process.stdout.write(`${typeof BLUEGREEN_VERSION === 'string' ? BLUEGREEN_VERSION : 'dev'}\n`);
      return 0;
    }
    await program.parseAsync(argv, { from: 'user' });
    if (held.given) writeJson(held.data);
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help ends here with code 0; usage errors (already printed by commander) are bad input.
      if (error.exitCode === 0) return 0;
      if (json()) writeJson(failureDocument(error.message.replace(/^error: /, ''), `\`${commandPath(reached)} --help\` shows its usage`, 2, held));
      return 2;
    }
    const code = exitCodeFor(error);
    reportError(error);
    if (json()) {
      const { message, hint } = describe(error);
      writeJson(failureDocument(message, hint, code, held));
    }
    return code;
  }
}

/** --json anywhere before `--`: a usage error can stop commander before it reads the flag. */
function wantsJson(argv: string[]): boolean {
  const end = argv.indexOf('--');
  return (end < 0 ? argv : argv.slice(0, end)).includes('--json');
}

function describe(error: unknown): { message: string; hint?: string } {
  if (error instanceof BluegreenError) return { message: error.message, hint: error.hint };
  const text = error instanceof Error ? (process.env.BLUEGREEN_DEBUG ? error.stack ?? error.message : error.message) : String(error);
  return { message: `unexpected error: ${text}`, hint: 'run again with BLUEGREEN_DEBUG=1 for the stack trace, and report it' };
}

function reportError(error: unknown): void {
  const { message, hint } = describe(error);
  process.stderr.write(`bluegreen: ${printable(message)}\n`);
  if (hint) process.stderr.write(`  → ${printable(hint)}\n`);
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => { process.exitCode = code; },
    (error) => { reportError(error); process.exitCode = 1; },
  );
}
