// What every command needs: the config file to use, the loaded config, and the output. A leaf:
// the commands import it and it imports none of them, so src/cli has no import circle.
import * as path from 'node:path';
import type { Command } from 'commander';
import { findConfigFile, loadConfig, formatConfigError } from '../core/config';
import { BluegreenConfig, Environment, findEnvironment } from '../core/model';
import { InputError, PrerequisiteError } from '../core/errors';
import { printableLine } from '../core/printable';
import type { Output } from './output';

export interface GlobalOptions {
  config?: string;
  env: string;
  json: boolean;
  yes: boolean;
}

export interface CommandContext {
  globals(): GlobalOptions;
  output(): Output;
}

/** Registers one command (or a family of them) on the program: one line each in commandTable.ts. */
export type Registrar = (program: Command, ctx: CommandContext) => void;

export function resolveConfigFile(explicit: string | undefined): string {
  if (explicit) return path.resolve(explicit);
  const found = findConfigFile(process.cwd());
  if (!found) {
    throw new PrerequisiteError(
      `no bluegreen.yaml found in ${process.cwd()} or any folder above it`,
      'create one (see docs/config.md) or pass --config FILE',
    );
  }
  return found;
}

/** Loads and validates the config; a broken file is bad input (exit 2) with every error listed. */
export async function loadConfigOrThrow(explicit: string | undefined): Promise<BluegreenConfig> {
  const file = resolveConfigFile(explicit);
  const result = await loadConfig(file);
  if (!result.ok) {
    throw new InputError(
      `${path.relative(process.cwd(), file) || file} is not valid:\n${result.errors.map((e) => `  ${formatConfigError(e)}`).join('\n')}`,
      'fix the lines above and run `bluegreen validate`',
    );
  }
  return result.config;
}

export function environmentOf(config: BluegreenConfig, name: string): Environment {
  const env = findEnvironment(config, name);
  if (!env) {
    const known = Object.keys(config.environments).join(', ');
    throw new InputError(`unknown environment "${printableLine(name)}"`, `pick one of ${path.basename(config.file)}'s environments with --env: ${known}`);
  }
  return env;
}
