// Entry point VS Code loads. Activation only wires things up: every registration goes into
// context.subscriptions, and the config loader and command handlers load on first use.
import * as vscode from 'vscode';
import { COMMANDS } from './commandTable';
import { registerTrafficPanel } from './panel/trafficPanel';
import { ConfigDiagnostics } from './configDiagnostics';
import { CONFIG_FILE_NAME } from './configFiles';
import { EnvironmentsTreeProvider } from './environmentsTree';
import type { ExtensionServices } from './services';
import { startTestSuiteIfRequested } from './testSuiteHook';

export const ENVIRONMENTS_VIEW_ID = 'bluegreen.environments';

/** What activate() returns: `vscode.extensions.getExtension(...).exports`, used by the tests. */
export interface BluegreenApi {
  services: ExtensionServices;
}

export function activate(context: vscode.ExtensionContext): BluegreenApi {
  const output = vscode.window.createOutputChannel('Blue-Green');
  const environments = new EnvironmentsTreeProvider(output);
  const diagnostics = new ConfigDiagnostics(output);
  const services: ExtensionServices = { context, output, environments, diagnostics };

  context.subscriptions.push(output, environments, diagnostics);
  context.subscriptions.push(vscode.window.createTreeView(ENVIRONMENTS_VIEW_ID, { treeDataProvider: environments, showCollapseAll: true }));
  context.subscriptions.push(registerTrafficPanel(services));
  for (const [id, load] of Object.entries(COMMANDS)) {
    context.subscriptions.push(vscode.commands.registerCommand(id, async (...args: unknown[]) => {
      const { run } = await load();
      return run(services, ...args);
    }));
  }

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
  refresh();

  startTestSuiteIfRequested(output);
  return { services };
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
