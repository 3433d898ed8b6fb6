// `bluegreen lock status|release` and `bluegreen audit`: the release lock and the audit log,
// both kept on the routers.
import { Command } from 'commander';
import { readLock, releaseLock } from '../../core/fleet/lock';
import { readAudit } from '../../core/fleet/audit';
import { InputError } from '../../core/errors';
import { CommandContext } from '../commandTable';
import { withStageSession } from '../stageSession';
import { confirmOrStop } from '../../core/stages/confirm';

export function registerLockAndAudit(program: Command, ctx: CommandContext): void {
  const lock = program.command('lock').description('the release lock kept on the routers');
  lock.command('status').description('who holds the lock, since when, for what').action(async () => {
    await withStageSession(ctx, {}, async (_s, handle) => {
      const info = await readLock(handle.routers);
      ctx.output().result({ lock: info ?? null }, info ? `held by ${info.holder} since ${info.since}: ${info.stage}${info.message ? ` (${info.message})` : ''}` : 'not held');
    });
  });
  lock.command('release').description('remove the lock (use when the run that held it is dead)').action(async () => {
    await withStageSession(ctx, {}, async (stage, handle) => {
      const info = await readLock(handle.routers);
      if (!info) { ctx.output().result({ released: false }, 'the lock was not held'); return; }
      await confirmOrStop(stage, `Release the lock held by ${info.holder} since ${info.since} (${info.stage})?`);
      await releaseLock(handle.routers, info.holder, true);
      ctx.output().result({ released: true, was: info }, `released the lock held by ${info.holder}`);
    });
  });

  program.command('audit').description('the last entries of the audit log (who, when, stage, result)')
    .option('-n, --lines <n>', 'how many entries', '20')
    .action(async (options: { lines: string }) => {
      const count = Number(options.lines);
      if (!Number.isInteger(count) || count < 1) throw new InputError(`--lines must be a positive whole number, got "${options.lines}"`);
      await withStageSession(ctx, {}, async (_s, handle) => {
        const entries = await readAudit(handle.routers, count);
        ctx.output().result(entries, entries.map((e) => `${e.time}  ${e.who}  ${e.environment}  ${e.stage}  ${e.result}${e.detail ? `  ${e.detail}` : ''}`).join('\n') || 'no entries');
      });
    });
}
