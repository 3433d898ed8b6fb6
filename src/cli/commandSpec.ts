// The commands' outlines as data: names, descriptions, arguments, options, settings — everything
// commander needs to print help, refuse a usage error or an unknown command, and reach the command
// that runs, without loading the command's module (which loads the engine: dockerode, yaml, ajv, …).
// The build writes the outlines of the real commands (specDump.ts) next to the bundle; start.ts
// rebuilds the tree from them, and test/unit/cli-start.test.ts checks that every help text is
// the same as the real tree's.
import { Argument, Command, Option } from 'commander';

type Plain = string | number | boolean | null | Plain[] | { [key: string]: Plain };

export interface CommandSpec {
  name: string;
  /** Commander's own fields of the command that shape help and parsing (`_description`, …). */
  fields: Record<string, Plain>;
  args: Array<Record<string, Plain>>;
  options: Array<Record<string, Plain>>;
  /** Whether the real command has an action (one without shows its help, as commander does). */
  runs: boolean;
  commands: CommandSpec[];
  /** Top-level commands only: the index of the commandTable entry that registers it. */
  module?: number;
}

/** The command's own fields that say what it accepts and how its help reads. */
const COMMAND_FIELDS = [
  '_aliases', '_description', '_summary', '_usage', '_hidden', '_argsDescription', '_helpGroupHeading',
  '_defaultCommandGroup', '_defaultOptionGroup', '_allowUnknownOption', '_allowExcessArguments',
  '_enablePositionalOptions', '_passThroughOptions', '_combineFlagAndOptionalValue', '_showHelpAfterError',
  '_showSuggestionAfterError', '_storeOptionsAsProperties', '_addImplicitHelpCommand',
];

/** Help text that commander keeps as listeners, which an outline cannot carry. */
const HELP_EVENTS = ['beforeHelp', 'afterHelp', 'beforeAllHelp', 'afterAllHelp'];

export function describeCommand(command: Command): CommandSpec {
  const own = command as unknown as Record<string, unknown>;
  const where = `command "${command.name()}"`;
  for (const event of HELP_EVENTS) {
    if ((command as unknown as NodeJS.EventEmitter).listenerCount(event)) throw new Error(`${where} adds help text (addHelpText): start.ts's outline cannot carry it; put the text in the description`);
  }
  return {
    name: command.name(),
    fields: Object.fromEntries(COMMAND_FIELDS.filter((f) => own[f] !== undefined).map((f) => [f, plain(own[f], `${where} ${f}`)])),
    args: command.registeredArguments.map((a) => plainFields(a, `${where} argument ${a.name()}`)),
    options: (command.options as Option[]).map((o) => plainFields(o, `${where} option ${o.flags}`)),
    runs: Boolean(own._actionHandler),
    commands: command.commands.map(describeCommand),
  };
}

/**
 * Adds the outlined command under `parent`, as `parent.command(name)` adds the real one (so the
 * parent's settings are inherited the same way); `action` runs for every command that runs.
 */
export function addFromSpec(parent: Command, spec: CommandSpec, action: (command: Command) => Promise<void>): Command {
  const command = parent.command(spec.name);
  Object.assign(command, spec.fields);
  for (const fields of spec.args) {
    const arg = Object.assign(new Argument(String(fields._name)), fields);
    // choices() is also the parser that refuses other values: a usage error, as in the real command.
    if (Array.isArray(fields.argChoices)) arg.choices(fields.argChoices.map(String));
    command.addArgument(arg);
  }
  for (const fields of spec.options) {
    const option = Object.assign(new Option(String(fields.flags)), fields);
    if (Array.isArray(fields.argChoices)) option.choices(fields.argChoices.map(String));
    command.addOption(option);
  }
  if (spec.runs) command.action(async (...args: unknown[]) => action(args[args.length - 1] as Command));
  for (const sub of spec.commands) addFromSpec(command, sub, action);
  return command;
}

/** An argument's or option's fields; its parser is left out (the real command parses again). */
function plainFields(item: object, where: string): Record<string, Plain> {
  return Object.fromEntries(Object.entries(item).filter(([key, value]) => key !== 'parseArg' && value !== undefined).map(([key, value]) => [key, plain(value, `${where} ${key}`)]));
}

function plain(value: unknown, where: string): Plain {
  if (value === null || typeof value === 'string' || typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value))) return value;
  if (Array.isArray(value)) return value.map((v, i) => plain(v, `${where}[${i}]`));
  if (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, plain(v, `${where}.${k}`)]));
  }
  throw new Error(`${where} is not plain data (${typeof value}): start.ts's outline cannot carry it`);
}
