// Blue-Green: Refresh — re-reads bluegreen.yaml into the environments tree.
import type { ExtensionServices } from '../services';
import type { WorkspaceConfigState } from '../environmentsTree';

export function run(services: ExtensionServices): Promise<WorkspaceConfigState> {
  return services.environments.refresh();
}
