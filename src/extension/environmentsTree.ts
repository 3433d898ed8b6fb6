// The "Environments" view: what bluegreen.yaml says about each environment, or the errors that
// keep it from loading. A missing config leaves the tree empty so the welcome view shows.
import * as vscode from 'vscode';
import type { ConfigError } from '../core/config';
import type { BluegreenConfig } from '../core/model';
import { findWorkspaceConfig } from './configFiles';
import { loadConfigFile } from './configLoader';
import { childrenOf, contextValueOf, environmentNodes, type EnvironmentNode } from './environmentNodes';
import { rangeOfConfigError } from './ranges';

export type WorkspaceConfigState =
  | { kind: 'none' }
  | { kind: 'invalid'; file: string; errors: ConfigError[] }
  | { kind: 'valid'; file: string; config: BluegreenConfig };

/** Context key read by package.json's viewsWelcome: `none`, `invalid` or `valid`. */
export const CONFIG_STATE_CONTEXT_KEY = 'bluegreen.configState';

export class EnvironmentsTreeProvider implements vscode.TreeDataProvider<EnvironmentNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<EnvironmentNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private state: WorkspaceConfigState = { kind: 'none' };
  private loading: Promise<WorkspaceConfigState> | undefined;

  constructor(private readonly output: vscode.OutputChannel) {}

  /** Re-reads the workspace's bluegreen.yaml; resolves when the tree has the new state. */
  refresh(): Promise<WorkspaceConfigState> {
    const loading = this.load().then((state) => {
      // A newer refresh may have started meanwhile; only the latest one decides.
      if (this.loading === loading) {
        this.state = state;
        void vscode.commands.executeCommand('setContext', CONFIG_STATE_CONTEXT_KEY, state.kind);
        this.changed.fire(undefined);
      }
      return state;
    });
    this.loading = loading;
    return loading;
  }

  /** The state the tree shows, after any refresh in flight. */
  async current(): Promise<WorkspaceConfigState> {
    // A failed load was reported by refresh(); the tree keeps showing the last good state.
    await this.loading?.catch(() => undefined);
    return this.state;
  }

  private async load(): Promise<WorkspaceConfigState> {
    const uri = await findWorkspaceConfig();
    if (!uri) return { kind: 'none' };
    try {
      const result = await loadConfigFile(uri.fsPath);
      return result.ok
        ? { kind: 'valid', file: uri.fsPath, config: result.config }
        : { kind: 'invalid', file: uri.fsPath, errors: result.errors };
    } catch (error) {
      this.output.appendLine(`Could not read ${uri.fsPath}: ${String(error)}`);
      throw error;
    }
  }

  async getChildren(node?: EnvironmentNode): Promise<EnvironmentNode[]> {
    if (node) return childrenOf(node);
    const state = await this.current();
    switch (state.kind) {
      case 'none': return [];
      case 'invalid': return state.errors.map((error) => ({ kind: 'configError', error }));
      case 'valid': return environmentNodes(state.config);
    }
  }

  getTreeItem(node: EnvironmentNode): vscode.TreeItem {
    const item = new vscode.TreeItem(labelOf(node), childrenOf(node).length > 0
      ? (node.kind === 'environment' || node.kind === 'color' ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.Collapsed)
      : vscode.TreeItemCollapsibleState.None);
    item.contextValue = contextValueOf(node);
    switch (node.kind) {
      case 'environment':
        item.id = `env/${node.env.name}`;
        item.description = node.env.kind === 'docker' ? 'sandbox · Docker' : 'SSH';
        item.iconPath = new vscode.ThemeIcon(node.env.kind === 'docker' ? 'beaker' : 'server-environment');
        break;
      case 'routers':
        item.id = `env/${node.env.name}/routers`;
        item.description = `${node.routers.length} nginx`;
        item.iconPath = new vscode.ThemeIcon('arrow-swap');
        break;
      case 'router':
        item.id = `env/${node.env.name}/routers/${node.name}`;
        item.description = node.address !== node.name ? node.address : undefined;
        item.iconPath = new vscode.ThemeIcon('server-process');
        break;
      case 'color':
        item.id = `env/${node.env.name}/${node.color}`;
        item.description = node.apps.map((a) => `${a.app} ×${a.hosts.length}`).join(', ');
        item.iconPath = new vscode.ThemeIcon('circle-filled', new vscode.ThemeColor(node.color === 'blue' ? 'charts.blue' : 'charts.green'));
        break;
      case 'app':
        item.id = `env/${node.env.name}/${node.color}/${node.app}`;
        item.description = node.hosts.join(', ');
        item.iconPath = new vscode.ThemeIcon('package');
        break;
      case 'host':
        item.iconPath = new vscode.ThemeIcon('vm');
        break;
      case 'database':
        item.id = `env/${node.env.name}/database`;
        item.description = node.summary;
        item.tooltip = node.detail;
        item.iconPath = new vscode.ThemeIcon('database');
        break;
      case 'configError': {
        const { error } = node;
        item.description = `${error.line}:${error.column}`;
        item.tooltip = `${error.file}:${error.line}:${error.column}`;
        item.iconPath = new vscode.ThemeIcon('error', new vscode.ThemeColor('list.errorForeground'));
        item.command = {
          command: 'vscode.open',
          title: 'Open at the error',
          arguments: [vscode.Uri.file(error.file), { selection: rangeOfConfigError(error) } satisfies vscode.TextDocumentShowOptions],
        };
        break;
      }
    }
    return item;
  }

  dispose(): void {
    this.changed.dispose();
  }
}

function labelOf(node: EnvironmentNode): string {
  switch (node.kind) {
    case 'environment': return node.env.name;
    case 'routers': return 'routers';
    case 'router': return node.name;
    case 'color': return node.color;
    case 'app': return node.app;
    case 'host': return node.name;
    case 'database': return 'database';
    case 'configError': return node.error.path ? `${node.error.path}: ${node.error.message}` : node.error.message;
  }
}
