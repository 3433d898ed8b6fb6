// Blue-Green: Switch Traffic — every user to one color, after a modal that says what changes
// ("Switch sandbox: blue 100% → green 100%?").
import type { ExtensionServices } from '../services';
import { colorStage } from '../stages/stageCommands';

export function run(services: ExtensionServices, ...args: unknown[]) {
  return colorStage(services, args, {
    verb: 'switch', question: 'Send every user to which color?',
    title: (env, color) => `Switch ${env} to ${color}`,
    run: (s, color) => s.core.switchTo(s.ctx, color),
  });
}
