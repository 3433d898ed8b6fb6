// Blue-Green: Create bluegreen.yaml — writes a starter config (a local sandbox and a production
// sketch) into a workspace folder, opens it, and fills the tree. Never overwrites a file.
import * as vscode from 'vscode';
import { CONFIG_FILE_NAME } from '../config/configFiles';
import type { ExtensionServices } from '../services';
import { STARTER_CONFIG } from '../config/starterConfig';

export async function run(services: ExtensionServices): Promise<vscode.Uri | undefined> {
  const folder = await chooseFolder();
  if (!folder) {
    void vscode.window.showWarningMessage('Open a folder first: bluegreen.yaml lives at the root of a workspace folder.');
    return undefined;
  }
  const uri = vscode.Uri.joinPath(folder.uri, CONFIG_FILE_NAME);
  const exists = await vscode.workspace.fs.stat(uri).then(() => true, () => false);
  if (!exists) {
    await vscode.workspace.fs.writeFile(uri, Buffer.from(STARTER_CONFIG, 'utf8'));
    services.output.appendLine(`Created ${uri.fsPath}`);
  }
  await vscode.window.showTextDocument(uri);
  await services.environments.refresh();
  return uri;
}

async function chooseFolder(): Promise<vscode.WorkspaceFolder | undefined> {
  const folders = vscode.workspace.workspaceFolders ?? [];
  if (folders.length <= 1) return folders[0];
  return vscode.window.showWorkspaceFolderPick({ placeHolder: 'Where should bluegreen.yaml go?' });
}
