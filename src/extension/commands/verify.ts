// Blue-Green: Verify Color — health on every host, then the smoke requests through every router
// with the preview rule forcing the color. Moves no traffic.
import type { ExtensionServices } from '../services';
import { colorStage } from '../stages/stageCommands';

export function run(services: ExtensionServices, ...args: unknown[]) {
  return colorStage(services, args, {
    verb: 'verify', question: 'Which color should be verified?',
    title: (env, color) => `Verify ${color} on ${env}`,
    run: (s, color) => s.core.verify(s.ctx, color),
  });
}
