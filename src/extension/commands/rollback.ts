// Blue-Green: Roll Back Traffic — the last known-good plan from the routers' history (no redeploy).
import type { ExtensionServices } from '../services';
import { environmentStage } from '../stages/stageCommands';

export function run(services: ExtensionServices, ...args: unknown[]) {
  return environmentStage(services, args, { label: 'rollback', title: (env) => `Roll back ${env}`, run: (s) => s.core.rollback(s.ctx) });
}
