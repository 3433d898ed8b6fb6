// Commander answers `bluegreen <unknown> --help` with the main help and exit 0, so a typo in a
// script looks like success. This walks the arguments the way commander will, command by
// command, and names the first word that is not a command where a command is expected.
import { Command, Option } from 'commander';
import { InputError } from '../core/errors';
import { printableLine } from '../core/printable';

/** Throws an InputError (exit 2) for an unknown (sub)command; returns the command the words reach. */
export function requireKnownCommand(program: Command, argv: string[]): Command {
  let command = program;
  const chain: Command[] = [program];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') break;
    if (arg.startsWith('-') && arg !== '-') {
      if (!arg.includes('=') && takesValue(chain, arg)) i++;
      continue;
    }
    if (command.commands.length === 0) break;
    const next = command.commands.find((c) => c.name() === arg || c.aliases().includes(arg));
    if (!next) {
      if (arg === 'help') break;
      const where = commandPath(command);
      const known = command.commands.map((c) => c.name()).join(', ');
      throw new InputError(`unknown command "${printableLine(arg)}"${command === program ? '' : ` for ${where}`} (commands: ${known})`,
        `\`${where} --help\` describes each one`);
    }
    command = next;
    chain.push(next);
  }
  return command;
}

/** Options of the command and its parents that read the next word as their value. */
function takesValue(chain: Command[], arg: string): boolean {
  const option = chain.flatMap((c) => c.options as Option[]).find((o) => o.short === arg || o.long === arg);
  return Boolean(option && (option.required || option.optional) && !option.negate);
}

/** `bluegreen sandbox up`: how a person types the command. */
export function commandPath(command: Command): string {
  const names: string[] = [];
  for (let c: Command | null = command; c; c = c.parent) names.unshift(c.name());
  return names.join(' ');
}
