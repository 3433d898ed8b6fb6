// Blue-Green: Show the Change — one Release History entry as a document: the stage, who, when,
// its result, and the plan and versions before → after as a diff. (Selecting an entry runs it.)
import * as vscode from 'vscode';
import type { ExtensionServices } from '../services';
import type { HistoryNode } from '../history/historyTree';
import { engine } from '../engine';

export async function run(_services: ExtensionServices, ...args: unknown[]) {
  const node = args[0] as HistoryNode | undefined;
  if (node?.kind !== 'entry') return undefined;
  const core = await engine();
  const document = await vscode.workspace.openTextDocument({ content: core.entryDetail(node.entry, node.environment), language: 'diff' });
  await vscode.window.showTextDocument(document, { preview: true });
  return document.getText();
}
