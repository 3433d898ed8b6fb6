// `bluegreen bootstrap VERSION`: the first release of an environment that `hosts setup` prepared
// (both colors deployed and verified, then traffic.initial) — no --force anywhere on that path.
import { Command } from 'commander';
import { VERSION_PATTERN } from '../../core/model';
import { InputError } from '../../core/errors';
import { bootstrap } from '../../core/stages/bootstrap';
import { printableLine } from '../../core/printable';
import { CommandContext } from '../context';
import { withStageSession } from '../stageSession';

export function registerBootstrap(program: Command, ctx: CommandContext): void {
  program.command('bootstrap').description('first release of a new environment: deploy VERSION to both colors, verify them, then put traffic.initial in place (refused where users are already served)')
    .argument('<version>', 'the first version to release')
    .option('-v, --verbose', 'print every host command and its output')
    .action(async (version: string, options: { verbose?: boolean }) => {
      if (!VERSION_PATTERN.test(version)) throw new InputError(`version "${printableLine(version)}" is not allowed`, `versions match ${VERSION_PATTERN}`);
      await withStageSession(ctx, { verbose: options.verbose }, async (stage, handle) => {
        const results = await bootstrap(stage, version);
        const text = results.map((r, i) => `${String(i + 1).padStart(2)}. ${r.summary} (${(r.durationMs / 1000).toFixed(1)} s)`).join('\n');
        ctx.output().result({ version, environment: handle.env.name, steps: results }, `bootstrap ${version} done\n${text}`);
      });
    });
}
