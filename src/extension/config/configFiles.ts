// Which files are Blue-Green configs, and where a workspace keeps its own.
import * as vscode from 'vscode';

export const CONFIG_FILE_NAME = 'bluegreen.yaml';

/** `bluegreen.yaml` or `bluegreen.<anything>.yaml`: the same names package.json's yamlValidation matches. */
export function isConfigFileName(fileName: string): boolean {
  const base = fileName.split(/[\\/]/).pop() ?? '';
  return /^bluegreen(\.[^/\\]+)?\.ya?ml$/.test(base);
}

export function isConfigDocument(document: vscode.TextDocument): boolean {
  return document.uri.scheme === 'file' && isConfigFileName(document.uri.fsPath);
}

/** The workspace's config: `bluegreen.yaml` at the root of the first folder that has one. */
export async function findWorkspaceConfig(): Promise<vscode.Uri | undefined> {
  for (const folder of vscode.workspace.workspaceFolders ?? []) {
    const candidate = vscode.Uri.joinPath(folder.uri, CONFIG_FILE_NAME);
    try {
      await vscode.workspace.fs.stat(candidate);
      return candidate;
    } catch {
      // not in this folder; try the next
    }
  }
  return undefined;
}
