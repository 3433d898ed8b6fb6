// `bluegreen routers sync`: brings every router that answers up to date with the environment's
// current state (a router that was lost and came back), under the lock, audited.
import { Command } from 'commander';
import { runStage } from '../../core/stages/runStage';
import { syncRouters } from '../../core/stages/syncRouters';
import { CommandContext } from '../context';
import { dryRunOption, verboseOption, withoutOption } from '../stageCommand';
import { showPlan, withStageSession } from '../stageSession';

export function registerRouters(program: Command, ctx: CommandContext): void {
  const routers = program.command('routers').description('the environment\'s routers as a group');
  routers.command('sync')
    .description('write the current state to every router that answers, so one that was lost and came back carries it again (moves no user elsewhere)')
    .addOption(dryRunOption()).addOption(withoutOption()).addOption(verboseOption())
    .action(async (options: { verbose?: boolean; dryRun?: boolean; without?: string[] }) => {
      await withStageSession(ctx, { verbose: options.verbose, dryRun: options.dryRun, without: options.without }, async (stage, handle) => {
        const label = 'routers sync';
        if (handle.plan) return showPlan(ctx, stage, label, () => runStage(stage, label, () => syncRouters(stage)));
        const result = await runStage(stage, label, () => syncRouters(stage));
        const out = ctx.output();
        for (const w of result.warnings) out.progress(`warning: ${w}`);
        out.result(result, `${result.summary} (${(result.durationMs / 1000).toFixed(1)} s)`);
      });
    });
}
