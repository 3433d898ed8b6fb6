// One traffic panel on screen, over one webview: the side view (trafficPanel.ts) or the editor
// tab (trafficEditor.ts) — the same HTML, script and messages, only the layout differs. It
// subscribes to the shared reader of the chosen environment while the webview exists, posts the
// whole history after the webview says `ready` (and whenever it is shown again), then about one
// small update a second.
import * as vscode from 'vscode';
import type { LiveTraffic, Subscription, TrafficView } from '../../core/live';
import { engine, type Engine } from '../engine';
import { liveReaders, type LiveReaders } from './liveReaders';
import type { PanelContext, PanelRequest, PanelUpdate } from './messages';
import { parsePanelRequest } from './messages';
import type { PanelHost } from './panelHost';
import { panelHtml, type PanelLayout } from './panelHtml';
import { simulatedUsers } from './simulatedUsers';

/** What a session needs of a webview view or a webview panel. */
export interface PanelSurface {
  readonly webview: vscode.Webview;
  readonly visible: boolean;
  /** Fires when the surface is shown or hidden. */
  readonly onDidChangeVisibility: vscode.Event<unknown>;
  readonly onDidDispose: vscode.Event<void>;
}

/** The engine and the shared readers, loaded when a panel is first shown so activation stays cheap. */
async function loadEngine(): Promise<{ core: Engine; readers: LiveReaders }> {
  const readers = await liveReaders();
  return { core: await engine(), readers };
}

/** The webview options of every traffic panel: scripts on, files only from media/. */
export function panelWebviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions {
  return { enableScripts: true, localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'media')] };
}

export class TrafficSession implements vscode.Disposable {
  private ready = false;
  private environment: string | undefined;
  private reader: LiveTraffic | undefined;
  private subscription: Subscription | undefined;
  private disposed = false;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly host: PanelHost, private readonly surface: PanelSurface, layout: PanelLayout) {
    surface.webview.options = panelWebviewOptions(host.context.extensionUri);
    surface.webview.html = panelHtml(surface.webview, host.context.extensionUri, layout);
    this.disposables.push(
      surface.webview.onDidReceiveMessage((message: unknown) => void this.receive(message)),
      surface.onDidChangeVisibility(() => { if (surface.visible && this.ready) void this.postHistory(); }),
      simulatedUsers().onChange((traffic) => this.post({ type: 'traffic', traffic })),
      surface.onDidDispose(() => this.dispose()),
    );
  }

  /** The environment shown, once the webview asked for it. */
  get shownEnvironment(): string | undefined {
    return this.environment;
  }

  /** Ends the session (the surface went away or the extension stops); the simulated users run on. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.ready = false;
    this.unsubscribe();
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
        await simulatedUsers().generator(core).start(targets, request.settings);
        this.reader?.mark(`simulated users ${request.settings.rps}/s`);
        return;
      }
      case 'stopTraffic':
        await simulatedUsers().stop();
        return;
    }
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
    if (this.disposed) return;
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
      // The other panel may already read this environment: then its plan is known, and the
      // history goes out now (a fresh read follows as an update) rather than after a slow read.
      if (reader.view(0).configured) void reader.refreshConfigured();
      else await reader.refreshConfigured();
    }
    const context: PanelContext = {
      environments,
      environment: this.environment,
      canGenerateTraffic: config.environments[this.environment].kind === 'docker',
    };
    this.post({ type: 'history', context, view: reader.view(), traffic: simulatedUsers().view(core) });
  }

  private postUpdate(view: TrafficView): void {
    if (!this.surface.visible) return; // hidden: the history is re-posted when it is shown again
    this.post({ type: 'update', view });
  }

  private unsubscribe(): void {
    this.subscription?.dispose();
    this.subscription = undefined;
    this.reader = undefined;
  }

  private post(message: PanelUpdate): void {
    if (this.disposed || !this.ready) return; // nothing before the webview's `ready`
    void this.surface.webview.postMessage(message);
  }
}
