// Entry point VS Code loads. Activation only wires things up: every registration goes into
// context.subscriptions; the config loader, the engine (dockerode, ssh) and the command handlers
// load on first use, and the first read of the environments starts after activation returns.
import * as vscode from 'vscode';
import { BackgroundRefresh } from './tree/backgroundRefresh';
import { COMMANDS } from './commandTable';
import { registerTrafficPanel } from './panel/trafficPanel';
import { liveReaders, type LiveReaders } from './panel/liveReaders';
import { ConfigDiagnostics } from './diagnostics/configDiagnostics';
import { MigrationDiagnostics } from './diagnostics/migrationDiagnostics';
import { CONFIG_FILE_NAME } from './config/configFiles';
import { EnvironmentsTreeProvider, type WorkspaceConfigState } from './tree/environmentsTree';
import { PausePoints } from './stages/pausePoints';
import { selectedEnvironmentOf } from './tree/selectedEnvironment';
import type { ExtensionServices } from './services';
import { TrafficStatusBar } from './tree/statusBar';
import { StatusRefresher } from './tree/statusRefresher';
import { SandboxRunningContext } from './tree/sandboxContext';
import { HISTORY_VIEW_ID, HistoryTreeProvider } from './history/historyTree';
import { startTestSuiteIfRequested } from './testSuiteHook';

export const ENVIRONMENTS_VIEW_ID = 'bluegreen.environments';

/** What activate() returns: `vscode.extensions.getExtension(...).exports`, used by the tests. */
export interface BluegreenApi {
  services: ExtensionServices;
  statusBar: TrafficStatusBar;
  /** How long activate() took, in ms (bench/editor.ts reads it). */
  activationMs: number;
  /** The readers the traffic panel and Preview share (the tests check how they reach hosts). */
  liveReaders(): Promise<LiveReaders>;
}

export function activate(context: vscode.ExtensionContext): BluegreenApi {
  const started = performance.now();
  const output = vscode.window.createOutputChannel('Blue-Green');
  const refresher = new StatusRefresher(output);
  const pauses = new PausePoints();
  let configState: WorkspaceConfigState = { kind: 'none' };
  const selectedEnvironment = () => selectedEnvironmentOf(configState);
  const environments = new EnvironmentsTreeProvider(output, refresher, pauses, selectedEnvironment);
  const diagnostics = new ConfigDiagnostics(output);
  const statusBar = new TrafficStatusBar();
  const background = new BackgroundRefresh(refresher, output);
  const history = new HistoryTreeProvider(() => (configState.kind === 'valid' ? configState.config : undefined), selectedEnvironment, output);
  const services: ExtensionServices = { context, output, environments, diagnostics, refresher, pauses, history, selectedEnvironment };

  // Disposed in reverse: the tree and the background work stop before the readings they use.
  context.subscriptions.push(output, refresher, pauses, environments, history, diagnostics, statusBar, background);
  context.subscriptions.push(vscode.window.createTreeView(ENVIRONMENTS_VIEW_ID, { treeDataProvider: environments, showCollapseAll: true }));
  // The history is read only while its view is visible: reading it contacts the routers.
  const historyView = vscode.window.createTreeView(HISTORY_VIEW_ID, { treeDataProvider: history });
  const refreshHistory = () => { if (historyView.visible) void history.refresh(); };
  context.subscriptions.push(historyView, historyView.onDidChangeVisibility(refreshHistory));
  context.subscriptions.push(registerTrafficPanel(services));
  context.subscriptions.push(new SandboxRunningContext(refresher, () => (configState.kind === 'valid' ? configState.config : undefined)));
  context.subscriptions.push(new MigrationDiagnostics(output));
  for (const [id, load] of Object.entries(COMMANDS)) {
    context.subscriptions.push(vscode.commands.registerCommand(id, async (...args: unknown[]) => {
      const { run } = await load();
      return run(services, ...args);
    }));
  }

  const updateStatusBar = () => {
    const name = selectedEnvironment();
    statusBar.show(configState.kind === 'valid' ? name : undefined, configState.kind === 'valid' ? refresher.reading(name) : undefined);
  };
  context.subscriptions.push(
    environments.onDidChangeConfig((state) => {
      configState = state;
      background.setConfig(state.kind === 'valid' ? state.config : undefined);
      updateStatusBar();
      refreshHistory();
    }),
    refresher.onDidChange((envName) => {
      if (envName !== selectedEnvironment()) return;
      updateStatusBar();
      refreshHistory();
    }),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('bluegreen.defaultEnvironment')) {
        updateStatusBar();
        environments.redraw();
        refreshHistory();
      }
    }),
    // Trust granted: SSH environments may be read now, and stage actions appear.
    vscode.workspace.onDidGrantWorkspaceTrust(() => void refresher.refreshAll(0)),
  );

  // The tree follows the config on disk: created, saved, deleted.
  const watcher = vscode.workspace.createFileSystemWatcher(`**/${CONFIG_FILE_NAME}`);
  const refresh = () => void environments.refresh().catch((error) => output.appendLine(`Refresh failed: ${String(error)}`));
  context.subscriptions.push(
    watcher,
    watcher.onDidCreate(refresh),
    watcher.onDidChange(refresh),
    watcher.onDidDelete(refresh),
    vscode.workspace.onDidChangeWorkspaceFolders(refresh),
  );
  // After activation returns: loading the config pulls in the YAML parser.
  setTimeout(refresh, 0);

  startTestSuiteIfRequested(output);
  return { services, statusBar, activationMs: performance.now() - started, liveReaders };
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
