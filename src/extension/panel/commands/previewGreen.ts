// Blue-Green: Preview Green — the idle color in the browser before any user sees it.
import type { PanelHost } from '../panelHost';
import { startPreview } from '../previewSession';

export async function run(host: PanelHost): Promise<string | undefined> {
  return (await startPreview(host, 'green'))?.url;
}
