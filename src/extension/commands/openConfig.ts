// Blue-Green: Open Config — opens the workspace's bluegreen.yaml (or offers to create one).
import * as vscode from 'vscode';
import { findWorkspaceConfig } from '../config/configFiles';
import type { ExtensionServices } from '../services';

export async function run(_services: ExtensionServices): Promise<vscode.Uri | undefined> {
  const uri = await findWorkspaceConfig();
  if (!uri) {
    const create = 'Create bluegreen.yaml';
    if ((await vscode.window.showWarningMessage('No bluegreen.yaml in this workspace.', create)) === create) {
      return vscode.commands.executeCommand<vscode.Uri>('bluegreen.createConfig');
    }
    return undefined;
  }
  await vscode.window.showTextDocument(uri);
  return uri;
}
