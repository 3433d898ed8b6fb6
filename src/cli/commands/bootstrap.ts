// `bluegreen bootstrap VERSION`: the first release of an environment that `hosts setup` prepared
// (both colors deployed and verified, then traffic.initial) — no --force anywhere on that path.
import { Command } from 'commander';
import { bootstrap } from '../../core/stages/bootstrap';
import { requireVersion } from '../../core/version';
import { CommandContext } from '../context';
import { stageCommand } from '../stageCommand';
import { showPlan, withStageSession } from '../stageSession';
import { stageLabel } from '../../core/stages/registry';

export function registerBootstrap(program: Command, ctx: CommandContext): void {
  stageCommand(program, 'bootstrap')
    .action(async (version: string, options: { verbose?: boolean; dryRun?: boolean; without?: string[] }) => {
      requireVersion(version);
      await withStageSession(ctx, { verbose: options.verbose, dryRun: options.dryRun, without: options.without }, async (stage, handle) => {
        if (handle.plan) return showPlan(ctx, stage, stageLabel('bootstrap', { version }), () => bootstrap(stage, version));
        const results = await bootstrap(stage, version);
        const text = results.map((r, i) => `${String(i + 1).padStart(2)}. ${r.summary} (${(r.durationMs / 1000).toFixed(1)} s)`).join('\n');
        ctx.output().result({ version, environment: handle.env.name, steps: results }, `bootstrap ${version} done\n${text}`);
      });
    });
}
