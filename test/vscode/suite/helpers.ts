// Shared by the extension-host tests: the activated extension's API and waiting.
import * as vscode from 'vscode';
import type { EnvironmentNode } from '../../../src/extension/tree/environmentNodes';
import type { EnvironmentsTreeProvider } from '../../../src/extension/tree/environmentsTree';
import type { BluegreenApi } from '../../../src/extension/extension';

export const EXTENSION_ID = 'bluegreen-releases.bluegreen';

export async function activatedApi(): Promise<BluegreenApi> {
  const extension = vscode.extensions.getExtension<BluegreenApi>(EXTENSION_ID);
  if (!extension) throw new Error(`extension ${EXTENSION_ID} is not installed`);
  return extension.activate();
}

export function workspaceFolder(): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) throw new Error('the suite needs a workspace folder');
  return folder.uri;
}

export async function until<T>(probe: () => T | undefined | Promise<T | undefined>, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A tree level as the view would show it: each node with its TreeItem. */
export async function items(tree: EnvironmentsTreeProvider, node?: EnvironmentNode): Promise<{ node: EnvironmentNode; item: vscode.TreeItem }[]> {
  return (await tree.getChildren(node)).map((child) => ({ node: child, item: tree.getTreeItem(child) }));
}
