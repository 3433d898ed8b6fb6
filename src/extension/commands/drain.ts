// Blue-Green: Drain Color — every user to the other color (confirmed with the change).
import type { ExtensionServices } from '../services';
import { colorStage } from '../stages/stageCommands';

export function run(services: ExtensionServices, ...args: unknown[]) {
  return colorStage(services, args, {
    verb: 'drain', question: 'Which color should users leave?',
    title: (env, color) => `Drain ${color} on ${env}`,
    run: (s, color) => s.core.drain(s.ctx, color),
  });
}
