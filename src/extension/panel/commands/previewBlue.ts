// Blue-Green: Preview Blue — the blue color in the browser, whatever the plan says.
import type { PanelHost } from '../panelHost';
import { startPreview } from '../previewSession';

export async function run(host: PanelHost): Promise<string | undefined> {
  return (await startPreview(host, 'blue'))?.url;
}
