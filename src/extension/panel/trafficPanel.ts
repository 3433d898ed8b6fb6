// The traffic panel: a webview view in the Blue-Green container. It subscribes to the shared
// reader of the chosen environment while the view exists, posts the whole history after the
// webview says `ready` (and whenever it is shown again), then about one small update a second.
import * as vscode from 'vscode';
import type { LiveTraffic, Subscription, TrafficControl, TrafficControlView, TrafficView } from '../../core/live';
import { engine, type Engine } from '../engine';
import { disposeLiveReaders, liveReaders, type LiveReaders } from './liveReaders';
import type { PanelContext, PanelRequest, PanelUpdate } from './messages';
import { parsePanelRequest } from './messages';
import type { PanelHost } from './panelHost';
import { panelHtml } from './panelHtml';

export const TRAFFIC_VIEW_ID = 'bluegreen.traffic';

/** The engine and the shared readers, loaded when the panel is first shown so activation stays cheap. */
async function loadEngine(): Promise<{ core: Engine; readers: LiveReaders }> {
  const readers = await liveReaders();
  return { core: await engine(), readers };
}

export class TrafficPanelProvider implements vscode.WebviewViewProvider, vscode.Disposable {
  private view: vscode.WebviewView | undefined;
  private ready = false;
  private environment: string | undefined;
  private reader: LiveTraffic | undefined;
  private subscription: Subscription | undefined;
  private traffic: TrafficControl | undefined;
  private trafficSubscription: { dispose(): void } | undefined;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly host: PanelHost) {}

  resolveWebviewView(view: vscode.WebviewView): void {
    this.view = view;
    this.ready = false;
    const mediaRoot = vscode.Uri.joinPath(this.host.context.extensionUri, 'media');
    view.webview.options = { enableScripts: true, localResourceRoots: [mediaRoot] };
    view.webview.html = panelHtml(view.webview, this.host.context.extensionUri);
    this.disposables.push(
      view.webview.onDidReceiveMessage((message: unknown) => void this.receive(message)),
      view.onDidChangeVisibility(() => { if (view.visible && this.ready) void this.postHistory(); }),
      view.onDidDispose(() => {
        this.view = undefined;
        this.ready = false;
        this.unsubscribe();
      }),
    );
  }

  /** The environment shown, once the webview asked for it. */
  get shownEnvironment(): string | undefined {
    return this.environment;
  }

  dispose(): void {
    this.unsubscribe();
    this.trafficSubscription?.dispose();
    void this.traffic?.dispose();
    for (const d of this.disposables.splice(0)) d.dispose();
  }

  private async receive(message: unknown): Promise<void> {
    const request = parsePanelRequest(message);
    if (!request) return; // not one of ours: ignored, never guessed at
    try {
      await this.handle(request);
    } catch (error) {
      const text = (error as Error).message;
      this.host.output.appendLine(`Traffic panel: ${text}`);
      this.post({ type: 'notice', level: 'error', message: text });
    }
  }

  private async handle(request: PanelRequest): Promise<void> {
    switch (request.type) {
      case 'ready':
        this.ready = true;
        await this.postHistory();
        return;
      case 'selectEnvironment':
        this.environment = request.environment;
        await this.postHistory();
        return;
      case 'startTraffic': {
        const { readers, core } = await loadEngine();
        const name = this.requireSandbox(readers);
        const targets = await core.routerUrls(readers.handle(name));
        this.traffic ??= this.newTrafficControl(core);
        await this.traffic.start(targets, request.settings);
        this.reader?.mark(`simulated users ${request.settings.rps}/s`);
        return;
      }
      case 'stopTraffic':
        await this.traffic?.stop();
        return;
    }
  }

  private newTrafficControl(core: Engine): TrafficControl {
    const control = new core.TrafficControl();
    this.trafficSubscription = control.onChange((traffic) => this.post({ type: 'traffic', traffic }));
    return control;
  }

  private requireSandbox(readers: LiveReaders): string {
    const name = this.environment;
    const env = name ? readers.environment(name) : undefined;
    if (!name || env?.kind !== 'docker') throw new Error('simulated users run only against a sandbox environment');
    return name;
  }

  /** (Re)loads the config, subscribes to the chosen environment's reader and posts everything. */
  private async postHistory(): Promise<void> {
    const { readers, core } = await loadEngine();
    const config = await readers.reload();
    const environments = Object.keys(config.environments);
    if (!this.environment || !environments.includes(this.environment)) {
      const selected = this.host.selectedEnvironment?.();
      this.environment = selected && environments.includes(selected) ? selected : (environments.find((e) => config.environments[e].kind === 'docker') ?? environments[0]);
    }
    const reader = readers.reader(this.environment);
    if (reader !== this.reader) {
      this.unsubscribe();
      this.reader = reader;
      this.subscription = reader.subscribe((view) => this.postUpdate(view));
      await reader.refreshConfigured();
    }
    const context: PanelContext = {
      environments,
      environment: this.environment,
      canGenerateTraffic: config.environments[this.environment].kind === 'docker',
    };
    const traffic: TrafficControlView = this.traffic?.view() ?? core.IDLE_TRAFFIC;
    this.post({ type: 'history', context, view: reader.view(), traffic });
  }

  private postUpdate(view: TrafficView): void {
    if (!this.view?.visible) return; // hidden: the history is re-posted when it is shown again
    this.post({ type: 'update', view });
  }

  private unsubscribe(): void {
    this.subscription?.dispose();
    this.subscription = undefined;
    this.reader = undefined;
  }

  private post(message: PanelUpdate): void {
    if (!this.view || !this.ready) return; // nothing before the webview's `ready`
    void this.view.webview.postMessage(message);
  }
}

/** Registers the panel; everything it holds is disposed with the returned disposable. */
export function registerTrafficPanel(host: PanelHost): vscode.Disposable {
  const provider = new TrafficPanelProvider(host);
  const registration = vscode.window.registerWebviewViewProvider(TRAFFIC_VIEW_ID, provider, { webviewOptions: { retainContextWhenHidden: true } });
  return vscode.Disposable.from(registration, provider, {
    dispose: () => disposeLiveReaders(),
  });
}
