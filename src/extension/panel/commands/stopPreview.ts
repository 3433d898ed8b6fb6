// Blue-Green: Stop Preview — closes the local preview proxy.
import * as vscode from 'vscode';
import type { PanelHost } from '../panelHost';
import { stopPreview } from '../previewSession';

export async function run(host: PanelHost): Promise<boolean> {
  const stopped = await stopPreview();
  host.output.appendLine(stopped ? 'Preview stopped.' : 'No preview was running.');
  if (!stopped) void vscode.window.showInformationMessage('No preview is running.');
  return stopped;
}
