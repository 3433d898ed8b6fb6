// Blue-Green: Validate Config — checks a config with the core loader and says what is wrong,
// with line:column, in a notification, the Problems view and the output channel.
// Target: the uri given (explorer, tree, tests), else the active bluegreen*.yaml editor (its
// unsaved text), else the workspace's bluegreen.yaml.
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ConfigResult } from '../../core/config';
import { validSummary } from '../../core/config/validSummary';
import { findWorkspaceConfig, isConfigDocument } from '../config/configFiles';
import { describeConfigError } from '../config/configLoader';
import type { ExtensionServices } from '../services';

/** What the command returns to callers of executeCommand (tests, other commands). */
export interface ValidationReport {
  file: string;
  ok: boolean;
  errors: { path: string; message: string; line: number; column: number; text: string }[];
}

export async function run(services: ExtensionServices, target?: unknown): Promise<ValidationReport | undefined> {
  const document = await documentToValidate(target);
  if (!document) {
    const create = 'Create bluegreen.yaml';
    const choice = await vscode.window.showWarningMessage('No bluegreen.yaml in this workspace.', create);
    if (choice === create) await vscode.commands.executeCommand('bluegreen.createConfig');
    return undefined;
  }
  const result: ConfigResult = await services.diagnostics.validate(document);
  const file = document.uri.fsPath;
  const name = path.basename(file);
  const report: ValidationReport = {
    file,
    ok: result.ok,
    errors: result.ok ? [] : await Promise.all(result.errors.map(async (e) => ({
      path: e.path, message: e.message, line: e.line, column: e.column, text: await describeConfigError(e),
    }))),
  };
  if (result.ok) {
    const message = validSummary(name, result.config);
    services.output.appendLine(message);
    void vscode.window.showInformationMessage(message);
  } else {
    services.output.appendLine(`${file}: ${report.errors.length} error(s)`);
    for (const e of report.errors) services.output.appendLine(`  ${file}:${e.line}:${e.column} ${e.path ? `${e.path}: ` : ''}${e.message}`);
    const first = report.errors[0];
    const more = report.errors.length > 1 ? ` (+${report.errors.length - 1} more)` : '';
    const showProblems = 'Show Problems';
    void vscode.window
      .showErrorMessage(`${name}:${first.line}:${first.column} ${first.path ? `${first.path}: ` : ''}${first.message}${more}`, showProblems)
      .then((choice) => choice === showProblems && vscode.commands.executeCommand('workbench.actions.view.problems'));
  }
  // The tree shows the workspace config; keep it in step when that is the file just checked.
  if (document.uri.fsPath === (await findWorkspaceConfig())?.fsPath) void services.environments.refresh();
  return report;
}

async function documentToValidate(target: unknown): Promise<vscode.TextDocument | undefined> {
  if (target instanceof vscode.Uri) return vscode.workspace.openTextDocument(target);
  const active = vscode.window.activeTextEditor?.document;
  if (active && isConfigDocument(active)) return active;
  const workspaceConfig = await findWorkspaceConfig();
  return workspaceConfig ? vscode.workspace.openTextDocument(workspaceConfig) : undefined;
}
