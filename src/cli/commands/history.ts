// `bluegreen history [--limit N]`: what was released when — every state the routers applied (who,
// when, which stage, the plan before and after, the versions per color) with the audit log beside
// it. --env picks the environment, --json prints the entries as one document.
import type { Command } from 'commander';
import type { CommandContext } from '../context';
import { parseInteger } from '../numbers';
import { withStageSession } from '../stageSession';
import { readEnvironmentHistory } from '../../core/history/environmentHistory';
import { formatHistory } from '../../core/history/formatHistory';

export function registerHistory(program: Command, ctx: CommandContext): void {
  program.command('history').description('the environment\'s release history read from the routers: each stage, who, when, the plan before and after, the versions per color, with the audit log')
    .option('-n, --limit <n>', 'how many entries (the newest)', '20')
    .action(async (options: { limit: string }) => {
      const limit = parseInteger(options.limit, '--limit', 1, 10_000);
      await withStageSession(ctx, {}, async (_stage, handle) => {
        const history = await readEnvironmentHistory(handle, { limit });
        ctx.output().result(history, formatHistory(history.entries, history.warnings));
      });
    });
}
