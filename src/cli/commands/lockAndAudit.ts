// `bluegreen lock status|hold|release` and `bluegreen audit`: the release lock and the audit log,
// both kept on the routers.
import { Command } from 'commander';
import { holdLock, readLock, releaseLock } from '../../core/fleet/lock';
import { readAudit } from '../../core/fleet/audit';
import { parseInteger } from '../numbers';
import { CommandContext } from '../context';
import { withStageSession } from '../stageSession';
import { confirmOrStop } from '../../core/stages/confirm';

export function registerLockAndAudit(program: Command, ctx: CommandContext): void {
  const lock = program.command('lock').description('the release lock kept on the routers');
  lock.command('status').description('who holds the lock, since when, for what').action(async () => {
    await withStageSession(ctx, {}, async (_s, handle) => {
      const info = await readLock(handle.routers);
      ctx.output().result({ lock: info ?? null }, info ? `held by ${info.holder} since ${info.since}: ${info.held ? `hold${info.message ? ` "${info.message}"` : ''}` : `${info.stage}${info.message ? ` (${info.message})` : ''}`}` : 'not held');
    });
  });
  lock.command('hold').description('hold the lock across stages you run by hand: yours go through, everyone else\'s are refused with your message')
    .option('-m, --message <text>', 'what you are doing, shown to everyone the lock refuses', '')
    .action(async (options: { message: string }) => {
      await withStageSession(ctx, {}, async (stage, handle) => {
        const info = await holdLock(handle.routers, stage.actor, options.message);
        ctx.output().result({ lock: info }, `${info.holder} holds the lock of ${handle.env.name} since ${info.since}${info.message ? `: "${info.message}"` : ''}; \`bluegreen lock release\` when done`);
      });
    });
  lock.command('release').description('remove the lock: your own hold, or (after asking) one whose run is dead').action(async () => {
    await withStageSession(ctx, {}, async (stage, handle) => {
      const info = await readLock(handle.routers);
      if (!info) { ctx.output().result({ released: false }, 'the lock was not held'); return; }
      // Your own hold is yours to end; anyone else's lock is asked about first.
      if (info.holder !== stage.actor) await confirmOrStop(stage, `Release the lock held by ${info.holder} since ${info.since} (${info.stage}${info.message ? `: ${info.message}` : ''})?`);
      await releaseLock(handle.routers, info.holder, true);
      ctx.output().result({ released: true, was: info }, `released the lock held by ${info.holder}`);
    });
  });

  program.command('audit').description('the last entries of the audit log (who, when, stage, result)')
    .option('-n, --lines <n>', 'how many entries', '20')
    .action(async (options: { lines: string }) => {
      const count = parseInteger(options.lines, '--lines', 1, 100_000);
      await withStageSession(ctx, {}, async (_s, handle) => {
        const entries = await readAudit(handle.routers, count);
        ctx.output().result(entries, entries.map((e) => `${e.time}  ${e.who}  ${e.environment}  ${e.stage}  ${e.result}${e.detail ? `  ${e.detail}` : ''}`).join('\n') || 'no entries');
      });
    });
}
