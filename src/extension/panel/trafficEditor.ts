// The traffic panel as an editor tab: the same HTML, script and messages as the side view
// (TrafficSession), in the editor area with the larger layout (a taller chart, stage markers in
// lanes). One tab at a time: opening it again brings the open one forward.
import * as vscode from 'vscode';
import type { PanelHost } from './panelHost';
import { panelWebviewOptions, TrafficSession } from './trafficSession';

export const TRAFFIC_EDITOR_VIEW_TYPE = 'bluegreen.trafficEditor';

let open: { panel: vscode.WebviewPanel; session: TrafficSession } | undefined;

/** Opens the tab, or reveals the one already open. */
export function openTrafficEditor(host: PanelHost): vscode.WebviewPanel {
  if (open) {
    open.panel.reveal();
    return open.panel;
  }
  const panel = vscode.window.createWebviewPanel(TRAFFIC_EDITOR_VIEW_TYPE, 'Blue-Green Traffic', vscode.ViewColumn.Active, {
    ...panelWebviewOptions(host.context.extensionUri),
    retainContextWhenHidden: true,
  });
  panel.iconPath = vscode.Uri.joinPath(host.context.extensionUri, 'media', 'bluegreen.svg');
  const session = new TrafficSession(host, {
    webview: panel.webview,
    get visible() { return panel.visible; },
    onDidChangeVisibility: panel.onDidChangeViewState,
    onDidDispose: panel.onDidDispose,
  }, 'editor');
  const current = { panel, session };
  open = current;
  panel.onDidDispose(() => { if (open === current) open = undefined; });
  return panel;
}

/** The open tab, if any. */
export function trafficEditor(): vscode.WebviewPanel | undefined {
  return open?.panel;
}

export function closeTrafficEditor(): void {
  open?.panel.dispose();
  open = undefined;
}
