// Blue-Green: Open Traffic Panel in Editor — the traffic panel as an editor tab, with a larger
// chart and readable stage markers; the side panel stays where it is.
import type * as vscode from 'vscode';
import type { PanelHost } from '../panelHost';
import { openTrafficEditor } from '../trafficEditor';

export function run(host: PanelHost): vscode.WebviewPanel {
  return openTrafficEditor(host);
}
