// Blue-Green: Restore Initial Traffic — traffic.initial back on every router.
import type { ExtensionServices } from '../services';
import { environmentStage } from '../stages/stageCommands';

export function run(services: ExtensionServices, ...args: unknown[]) {
  return environmentStage(services, args, { label: 'restore', title: (env) => `Restore ${env}`, run: (s) => s.core.restore(s.ctx) });
}
