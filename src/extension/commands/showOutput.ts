// Blue-Green: Show Output — the channel where validation and, later, stages report.
import type { ExtensionServices } from '../services';

export function run(services: ExtensionServices): void {
  services.output.show(true);
}
