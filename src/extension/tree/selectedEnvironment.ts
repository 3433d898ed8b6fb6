// The selected environment: the `bluegreen.defaultEnvironment` setting when the config has it,
// otherwise the config's first environment (a config without `sandbox` still shows something).
import type { WorkspaceConfigState } from './environmentsTree';
import { readSettings } from '../settings';

export function selectedEnvironmentOf(state: WorkspaceConfigState): string {
  const wanted = readSettings().defaultEnvironment;
  if (state.kind !== 'valid') return wanted;
  const names = Object.keys(state.config.environments);
  return names.includes(wanted) ? wanted : (names[0] ?? wanted);
}
