// Blue-Green: Show Status — reads the environment now (routers, health, versions, lock), updates
// the tree and prints the status to the output channel. Read-only, so allowed in Restricted Mode
// (where SSH environments are not contacted).
import { commandTarget } from '../stages/commandTarget';
import type { EnvironmentReading } from '../tree/environmentReading';
import { chooseEnvironment } from '../stages/pickers';
import type { ExtensionServices } from '../services';
import { engine } from '../engine';

export async function run(services: ExtensionServices, ...args: unknown[]): Promise<EnvironmentReading | undefined> {
  const target = commandTarget(args);
  const chosen = await chooseEnvironment(services, target);
  if (!chosen) return undefined;
  await services.refresher.refresh(chosen.envName, 0);
  const reading = services.refresher.reading(chosen.envName);
  const { formatStatus } = await engine();
  services.output.appendLine(reading.kind === 'read'
    ? formatStatus(reading.status)
    : reading.kind === 'problem' ? `${chosen.envName}: ${reading.problem.message}${reading.problem.hint ? `\n  ${reading.problem.hint}` : ''}` : `${chosen.envName}: not read yet`);
  if (!target.options.yes) services.output.show(true);
  return reading;
}
