import { Command } from 'commander';
import * as path from 'node:path';
import { formatConfigError, loadConfig, validSummary } from '../../core/config';
import { InputError } from '../../core/errors';
import { CommandContext, resolveConfigFile } from '../context';

export function registerValidate(program: Command, ctx: CommandContext): void {
  program
    .command('validate')
    .description('check bluegreen.yaml against the schema and the cross-field rules; every error with path and line:column')
    .argument('[file]', 'the config file (default: the nearest bluegreen.yaml)')
    .action(async (file: string | undefined) => {
      const out = ctx.output();
      const configFile = resolveConfigFile(file ?? ctx.globals().config);
      const result = await loadConfig(configFile);
      const shown = path.relative(process.cwd(), configFile) || configFile;
      if (!result.ok) {
        if (out.json) out.result({ ok: false, file: configFile, errors: result.errors }, '');
        throw new InputError(
          `${shown}: ${result.errors.length} error${result.errors.length === 1 ? '' : 's'}\n${result.errors.map((e) => `  ${formatConfigError(e)}`).join('\n')}`,
          `fix each place above (docs/config.md describes every key), then run \`bluegreen validate\` again`,
        );
      }
      const { config } = result;
      const envs = Object.keys(config.environments);
      out.result(
        { ok: true, file: configFile, apps: config.apps.map((a) => a.name), environments: envs },
        validSummary(shown, config),
      );
    });
}
