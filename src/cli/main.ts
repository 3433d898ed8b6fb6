// The `bluegreen` CLI: a thin face on src/core. Conventions (DESIGN §2): every stage is a
// top-level command; `--env` defaults to `sandbox`; `--json` prints one document on stdout;
// exit 0 done, 1 a stage failed or was refused, 2 bad input or a missing prerequisite.
import { Command, CommanderError } from 'commander';
import { BluegreenError, exitCodeFor } from '../core/errors';
import { commandTable, CommandContext } from './commandTable';
import { GlobalOptions } from './context';
import { createOutput } from './output';

declare const BLUEGREEN_VERSION: string | undefined;

export async function main(argv: string[]): Promise<number> {
  const program = new Command('bluegreen')
    .description('Rehearse and run blue-green releases behind nginx')
    .version(typeof BLUEGREEN_VERSION === 'string' ? BLUEGREEN_VERSION : 'dev')
    .option('-c, --config <file>', 'the config file (default: the nearest bluegreen.yaml)')
    .option('-e, --env <name>', 'the environment to act on', 'sandbox')
    .option('--json', 'print one JSON document on stdout (progress stays on stderr)', false)
    .option('-y, --yes', 'answer yes to confirmations and pause points', false)
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();

  const ctx: CommandContext = {
    globals: () => program.opts<GlobalOptions>(),
    output: () => createOutput(program.opts<GlobalOptions>().json),
  };
  for (const register of commandTable) register(program, ctx);
  for (const command of program.commands) command.exitOverride();

  try {
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end here with code 0; usage errors are bad input.
      return error.exitCode === 0 ? 0 : 2;
    }
    reportError(error);
    return exitCodeFor(error);
  }
}

function reportError(error: unknown): void {
  if (error instanceof BluegreenError) {
    process.stderr.write(`bluegreen: ${error.message}\n`);
    if (error.hint) process.stderr.write(`  → ${error.hint}\n`);
  } else {
    const text = error instanceof Error ? (process.env.BLUEGREEN_DEBUG ? error.stack : error.message) : String(error);
    process.stderr.write(`bluegreen: unexpected error: ${text}\n`);
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => { process.exitCode = code; },
    (error) => { reportError(error); process.exitCode = 1; },
  );
}
