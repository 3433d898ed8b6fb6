// Blue-Green: Select Environment — which environment the status bar shows and the palette offers
// first; stored in the `bluegreen.defaultEnvironment` setting of the workspace.
import { commandTarget } from '../stages/commandTarget';
import { chooseEnvironment } from '../stages/pickers';
import type { ExtensionServices } from '../services';
import { setDefaultEnvironment } from '../settings';

export async function run(services: ExtensionServices, ...args: unknown[]): Promise<string | undefined> {
  const target = commandTarget(args);
  const chosen = await chooseEnvironment(services, target, () => true, 'Show which environment in the status bar?');
  if (!chosen) return undefined;
  await setDefaultEnvironment(chosen.envName);
  return chosen.envName;
}
