// A stage's CLI command, built from the stage registry (src/core/stages/registry.ts): its name,
// description, arguments and options as the registry lists them, plus --verbose, which every
// stage takes. The command files add only the action.
import { Command, Option } from 'commander';
import { StageName, stageEntry } from '../core/stages/registry';

export function verboseOption(): Option {
  return new Option('-v, --verbose', 'print every host command and its output');
}

export function dryRunOption(): Option {
  return new Option('--dry-run', 'show the router state change and the exact commands per host, in order, that this would run; runs only reads, takes no lock, builds nothing');
}

/** `--without lb3` (repeatable, or lb2,lb3): act on the routers that answer when one is lost. */
export function withoutOption(): Option {
  return new Option('--without <router>', 'leave out a router that is lost (repeatable or comma-separated; audited): the stage acts on the routers that answer')
    .argParser(collectValues);
}

/** A repeatable option's values, each given once or comma-separated: `--app web --app api`, `--app web,api`. */
function collectValues(value: string, previous: string[] = []): string[] {
  return [...previous, ...value.split(',').map((v) => v.trim()).filter(Boolean)];
}

export function stageCommand(program: Command, name: StageName): Command {
  const entry = stageEntry(name);
  const command = program.command(entry.name).description(entry.description);
  for (const arg of entry.args) command.argument(`<${arg.name}>`, arg.description);
  for (const option of entry.options) {
    if (option.repeatable) command.addOption(new Option(option.flags, option.description).argParser(collectValues));
    else command.option(option.flags, option.description);
  }
  // Every stage that runs under the lock can be planned first (docs/architecture.md, "Dry runs").
  if (entry.takesLock) command.addOption(dryRunOption()).addOption(withoutOption());
  return command.addOption(verboseOption());
}
