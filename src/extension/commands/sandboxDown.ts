// Blue-Green: Sandbox Down — removes the sandbox's containers and network (the database volume
// stays unless `volumes`), after a modal.
import type { DownResult } from '../../core/sandbox';
import { commandTarget } from '../stages/commandTarget';
import { chooseEnvironment } from '../stages/pickers';
import type { ExtensionServices } from '../services';
import { refuseWhenUntrusted, runStageCommand } from '../stages/stageRunner';

export async function run(services: ExtensionServices, ...args: unknown[]) {
  const refused = refuseWhenUntrusted('Sandbox Down');
  if (refused) return refused;
  const target = commandTarget(args);
  const chosen = await chooseEnvironment(services, target, (env) => env.kind === 'docker', 'Which sandbox?');
  if (!chosen) return undefined;
  return runStageCommand<DownResult>(services, {
    title: `Sandbox down: ${chosen.envName}`, envName: chosen.envName, config: chosen.config, options: target.options,
    body: async (s) => {
      await s.core.confirmOrStop(s.ctx, `Remove every container of sandbox "${chosen.envName}"${target.options.volumes ? ' and its database volume' : ''}?`);
      return s.core.sandboxDown(s.config, chosen.envName, { volumes: target.options.volumes, onProgress: (p) => s.progress(`[${p.step}] ${p.detail}`) });
    },
    summarize: (r) => ({
      summary: r.containers.length ? `removed ${r.containers.length} container(s), ${r.networks.length} network(s), ${r.volumes.length} volume(s)` : 'nothing was up',
      warnings: [],
    }),
  });
}
