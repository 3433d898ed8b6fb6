// The "Environments" view: each environment of bluegreen.yaml with its routers, colors, app hosts
// and database as last read from the routers (StatusRefresher), a runbook waiting at a pause
// point, the lock — or the config's errors, each opening its line. A missing config leaves the
// tree empty so the welcome view shows.
import * as vscode from 'vscode';
import type { ConfigError } from '../../core/config';
import type { BluegreenConfig } from '../../core/model';
import { findWorkspaceConfig } from '../config/configFiles';
import { loadConfigFile } from '../config/configLoader';
import { childrenOf, contextValueOf, environmentNodes, type EnvironmentNode } from './environmentNodes';
import type { PausePoints } from '../stages/pausePoints';
import { rangeOfConfigError } from '../diagnostics/ranges';
import type { StatusRefresher } from './statusRefresher';
import { treeItemOf } from './treeItems';

export type WorkspaceConfigState =
  | { kind: 'none' }
  | { kind: 'invalid'; file: string; errors: ConfigError[] }
  | { kind: 'valid'; file: string; config: BluegreenConfig };

/** Context key read by package.json's viewsWelcome: `none`, `invalid` or `valid`. */
export const CONFIG_STATE_CONTEXT_KEY = 'bluegreen.configState';

export class EnvironmentsTreeProvider implements vscode.TreeDataProvider<EnvironmentNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<EnvironmentNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly configChanged = new vscode.EventEmitter<WorkspaceConfigState>();
  readonly onDidChangeConfig = this.configChanged.event;
  private state: WorkspaceConfigState = { kind: 'none' };
  private loading: Promise<WorkspaceConfigState> | undefined;
  private readonly subscriptions: vscode.Disposable[] = [];
  private redrawTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly output: vscode.OutputChannel,
    private readonly refresher: StatusRefresher,
    private readonly pauses: PausePoints,
    private readonly selectedEnvironment: () => string,
  ) {
    this.subscriptions.push(
      refresher.onDidChange(() => this.redraw()),
      pauses.onDidChange(() => this.redraw()),
    );
  }

  /** Re-reads the workspace's bluegreen.yaml; resolves when the tree has the new config. */
  refresh(): Promise<WorkspaceConfigState> {
    const loading = this.load().then((state) => {
      // A newer refresh may have started meanwhile; only the latest one decides.
      if (this.loading === loading) {
        this.state = state;
        void vscode.commands.executeCommand('setContext', CONFIG_STATE_CONTEXT_KEY, state.kind);
        this.refresher.setConfig(state.kind === 'valid' ? state.config : undefined);
        this.changed.fire(undefined);
        this.configChanged.fire(state);
      }
      return state;
    });
    this.loading = loading;
    return loading;
  }

  /** The config the tree shows, after any refresh in flight. */
  async current(): Promise<WorkspaceConfigState> {
    // A failed load was reported by refresh(); the tree keeps showing the last good state.
    await this.loading?.catch(() => undefined);
    return this.state;
  }

  /** Redraws soon: readings of several environments landing together make one redraw. */
  redraw(): void {
    clearTimeout(this.redrawTimer);
    this.redrawTimer = setTimeout(() => this.changed.fire(undefined), 50);
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
      case 'valid': return environmentNodes(state.config, {
        reading: (name) => this.refresher.reading(name),
        pause: (name) => this.pauses.get(name),
        selected: this.selectedEnvironment(),
      });
    }
  }

  getTreeItem(node: EnvironmentNode): vscode.TreeItem {
    const item = treeItemOf(node);
    item.contextValue = contextValueOf(node);
    if (node.kind === 'configError') {
      const { error } = node;
      item.command = {
        command: 'vscode.open',
        title: 'Open at the error',
        arguments: [vscode.Uri.file(error.file), { selection: rangeOfConfigError(error) } satisfies vscode.TextDocumentShowOptions],
      };
    }
    return item;
  }

  dispose(): void {
    clearTimeout(this.redrawTimer);
    vscode.Disposable.from(...this.subscriptions).dispose();
    this.changed.dispose();
    this.configChanged.dispose();
  }
}
