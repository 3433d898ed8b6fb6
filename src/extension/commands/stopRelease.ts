// Blue-Green: Roll Back Release — answers a runbook's pause point with a rollback.
import { answerPause } from '../stages/pauseAnswer';
import type { ExtensionServices } from '../services';

export function run(services: ExtensionServices, ...args: unknown[]): Promise<boolean> {
  return answerPause(services, args, 'rollback');
}
