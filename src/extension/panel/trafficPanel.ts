// The traffic panel in the side bar: a webview view in the Blue-Green container, one
// TrafficSession per resolved view. The same panel opens as an editor tab too (trafficEditor.ts).
import * as vscode from 'vscode';
import { disposeLiveReaders } from './liveReaders';
import type { PanelHost } from './panelHost';
import { disposeSimulatedUsers } from './simulatedUsers';
import { closeTrafficEditor } from './trafficEditor';
import { TrafficSession } from './trafficSession';

export const TRAFFIC_VIEW_ID = 'bluegreen.traffic';

export class TrafficPanelProvider implements vscode.WebviewViewProvider, vscode.Disposable {
  private session: TrafficSession | undefined;

  constructor(private readonly host: PanelHost) {}

  resolveWebviewView(view: vscode.WebviewView): void {
    this.session?.dispose();
    this.session = new TrafficSession(this.host, {
      webview: view.webview,
      get visible() { return view.visible; },
      onDidChangeVisibility: view.onDidChangeVisibility,
      onDidDispose: view.onDidDispose,
    }, 'view');
  }

  /** The environment shown, once the webview asked for it. */
  get shownEnvironment(): string | undefined {
    return this.session?.shownEnvironment;
  }

  dispose(): void {
    this.session?.dispose();
    this.session = undefined;
  }
}

/** Registers the panel; everything it holds (and the editor tab) is disposed with the returned disposable. */
export function registerTrafficPanel(host: PanelHost): vscode.Disposable {
  const provider = new TrafficPanelProvider(host);
  const registration = vscode.window.registerWebviewViewProvider(TRAFFIC_VIEW_ID, provider, { webviewOptions: { retainContextWhenHidden: true } });
  return vscode.Disposable.from(registration, provider, {
    dispose: () => {
      closeTrafficEditor();
      disposeSimulatedUsers();
      disposeLiveReaders();
    },
  });
}
