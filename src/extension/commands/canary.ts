// Blue-Green: Start Canary — a percentage or a segment of users to a color, then (unless told
// not to) the access log is watched for the config's window and a breach rolls back by itself.
import { commandTarget } from '../stages/commandTarget';
import { chooseCanarySlice, chooseColor, chooseEnvironment } from '../stages/pickers';
import type { ExtensionServices } from '../services';
import { stageLabel } from '../../core/stages/registry';
import { summarizeStage } from '../stages/stageCommands';
import { refuseWhenUntrusted, runStageCommand } from '../stages/stageRunner';

export async function run(services: ExtensionServices, ...args: unknown[]) {
  const refused = refuseWhenUntrusted('Canary');
  if (refused) return refused;
  const target = commandTarget(args);
  const chosen = await chooseEnvironment(services, target);
  if (!chosen) return undefined;
  const color = await chooseColor(services, target, chosen.envName, 'Which color gets the canary?');
  if (!color) return undefined;
  const slice = await chooseCanarySlice(target, chosen.config, color);
  if (!slice) return undefined;
  return runStageCommand(services, {
    title: `Canary ${'percent' in slice ? `${slice.percent}%` : slice.segment} to ${color} on ${chosen.envName}`,
    envName: chosen.envName, config: chosen.config, options: target.options,
    lockLabel: stageLabel('canary', { color, ...slice }),
    ahead: { stage: 'canary', color },
    body: (s) => s.core.canary(s.ctx, color, { ...slice, analyze: target.options.analyze, windowSeconds: target.options.windowSeconds }),
    summarize: summarizeStage,
  });
}
