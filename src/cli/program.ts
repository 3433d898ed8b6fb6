// The program itself, without its commands: the global options and settings every face of the
// CLI shares, and the run that turns a parse into an exit code. main.ts adds every command (the
// tests' in-process CLI); start.ts, the bundle's entry, adds their outlines only (commandSpec.ts)
// and loads a command's module when it runs.
import { Command, CommanderError } from 'commander';
import { BluegreenError, exitCodeFor } from '../core/errors';
import { printable } from '../core/printable';
import type { CommandContext, GlobalOptions } from './context';
import { createOutput, failureDocument, JsonResult, writeJson } from './output';
import { commandPath, requireKnownCommand } from './unknownCommand';

declare const BLUEGREEN_VERSION: string | undefined;

const VERSION_FLAGS = ['-V', '--version'];

/** `bluegreen` with its global options and settings, no command yet. */
export function baseProgram(): Command {
  return new Command('bluegreen')
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
}

/** What the commands registered on `program` read: its global options, and the output. */
export function programContext(program: Command, held: JsonResult): CommandContext {
  return {
    globals: () => program.opts<GlobalOptions>(),
    output: () => createOutput(program.opts<GlobalOptions>().json, held),
  };
}

/** After the commands are added: every level returns here instead of exiting. */
export function finishProgram(program: Command): Command {
  // Every level, so a usage error in `sandbox up` also returns here instead of exiting.
  const override = (command: Command): void => { command.exitOverride(); command.commands.forEach(override); };
  override(program);
  return program;
}

/** Parses and runs `argv` on `program`; resolves with the exit code. */
export async function runProgram(program: Command, argv: string[], held: JsonResult): Promise<number> {
  const json = () => Boolean(program.opts<GlobalOptions>().json) || wantsJson(argv);

  let reached = program;
  try {
    reached = requireKnownCommand(program, argv);
    // --version belongs to the program only where no command is named (see baseProgram).
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

export function reportError(error: unknown): void {
  const { message, hint } = describe(error);
  process.stderr.write(`bluegreen: ${printable(message)}\n`);
  if (hint) process.stderr.write(`  → ${printable(hint)}\n`);
}
