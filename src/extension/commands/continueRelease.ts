// Blue-Green: Continue Release — answers a runbook's pause point (the tree item's inline action).
import { answerPause } from '../stages/pauseAnswer';
import type { ExtensionServices } from '../services';

export function run(services: ExtensionServices, ...args: unknown[]): Promise<boolean> {
  return answerPause(services, args, 'continue');
}
