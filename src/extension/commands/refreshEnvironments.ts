// Blue-Green: Refresh — re-reads bluegreen.yaml, then every environment from its routers.
import type { ExtensionServices } from '../services';
import type { WorkspaceConfigState } from '../tree/environmentsTree';

export async function run(services: ExtensionServices): Promise<WorkspaceConfigState> {
  const state = await services.environments.refresh();
  await services.refresher.refreshAll(0);
  return state;
}
