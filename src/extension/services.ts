// What command handlers and views share. Built once in activate(); handlers receive it first.
import type * as vscode from 'vscode';
import type { ConfigDiagnostics } from './diagnostics/configDiagnostics';
import type { EnvironmentsTreeProvider } from './tree/environmentsTree';
import type { HistoryTreeProvider } from './history/historyTree';
import type { PausePoints } from './stages/pausePoints';
import type { StatusRefresher } from './tree/statusRefresher';

export interface ExtensionServices {
  context: vscode.ExtensionContext;
  output: vscode.OutputChannel;
  environments: EnvironmentsTreeProvider;
  diagnostics: ConfigDiagnostics;
  /** The readings of every environment, refreshed in the background. */
  refresher: StatusRefresher;
  pauses: PausePoints;
  /** The Release History view of the selected environment. */
  history: HistoryTreeProvider;
  /** The environment the status bar shows and the palette offers first. */
  selectedEnvironment(): string;
}
