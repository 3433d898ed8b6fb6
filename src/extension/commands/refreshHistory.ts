// Blue-Green: Refresh History — reads the selected environment's history from its routers again.
import type { ExtensionServices } from '../services';

export async function run(services: ExtensionServices) {
  await services.history.refresh();
  return services.history.current();
}
