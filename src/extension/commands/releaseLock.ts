// Blue-Green: Release Lock — removes the release lock when the run that held it is dead, after a
// modal naming the holder.
import { commandTarget } from '../stages/commandTarget';
import { chooseEnvironment } from '../stages/pickers';
import type { ExtensionServices } from '../services';
import { refuseWhenUntrusted, runStageCommand } from '../stages/stageRunner';

export async function run(services: ExtensionServices, ...args: unknown[]) {
  const refused = refuseWhenUntrusted('Release Lock');
  if (refused) return refused;
  const target = commandTarget(args);
  const chosen = await chooseEnvironment(services, target);
  if (!chosen) return undefined;
  return runStageCommand<string | undefined>(services, {
    title: `Release the lock of ${chosen.envName}`, envName: chosen.envName, config: chosen.config, options: target.options,
    body: async (s) => {
      const info = await s.core.readLock(s.handle.routers);
      if (!info) return undefined;
      await s.core.confirmOrStop(s.ctx, `Release the lock held by ${info.holder} since ${info.since} (${info.stage})?`);
      await s.core.releaseLock(s.handle.routers, info.holder, true);
      return info.holder;
    },
    summarize: (holder) => ({ summary: holder ? `released the lock held by ${holder}` : 'the lock was not held', warnings: [] }),
  });
}
