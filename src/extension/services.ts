// What command handlers and views share. Built once in activate(); handlers receive it first.
import type * as vscode from 'vscode';
import type { EnvironmentsTreeProvider } from './environmentsTree';
import type { ConfigDiagnostics } from './configDiagnostics';

export interface ExtensionServices {
  context: vscode.ExtensionContext;
  output: vscode.OutputChannel;
  environments: EnvironmentsTreeProvider;
  diagnostics: ConfigDiagnostics;
}
