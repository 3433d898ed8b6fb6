// The Release History view: the selected environment's history read from its routers (every
// stage, who, when, the plan before → after, versions per color, with the audit log's result),
// newest first. Read when the view is shown and again whenever the environment's reading changes
// (after a stage, on Docker events, on the poll); never remembered from a stage this editor ran.
// Selecting an entry opens it as a document with the plan diff (commands/showHistoryEntry.ts).
import * as vscode from 'vscode';
import type { BluegreenConfig } from '../../core/model';
import type { HistoryEntry } from '../../core/history/historyEntries';
import { engine } from '../engine';
import { environmentAccess } from '../editorAccess';
import { readSettings } from '../settings';

export const HISTORY_VIEW_ID = 'bluegreen.history';
/** How many entries the view shows. */
const LIMIT = 50;

export type HistoryNode =
  | { kind: 'entry'; environment: string; entry: HistoryEntry }
  | { kind: 'message'; text: string; detail?: string };

export class HistoryTreeProvider implements vscode.TreeDataProvider<HistoryNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;
  private nodes: HistoryNode[] = [{ kind: 'message', text: 'Reading the history…' }];
  private reading: Promise<void> | undefined;
  private again = false;

  constructor(
    private readonly config: () => BluegreenConfig | undefined,
    private readonly environment: () => string,
    private readonly output: vscode.OutputChannel,
  ) {}

  /** Reads again (one read at a time; a request during a read is served by one more after it). */
  refresh(): Promise<void> {
    if (this.reading) {
      this.again = true;
      return this.reading;
    }
    this.reading = this.read().finally(() => {
      this.reading = undefined;
      if (this.again) {
        this.again = false;
        void this.refresh();
      }
    });
    return this.reading;
  }

  /** What the view shows now (the tests read it). */
  current(): HistoryNode[] {
    return this.nodes;
  }

  private async read(): Promise<void> {
    const config = this.config();
    const name = this.environment();
    this.nodes = config ? await readNodes(config, name).catch((error: Error): HistoryNode[] => {
      this.output.appendLine(`history of ${name}: ${error.message}`);
      return [{ kind: 'message', text: `History of ${name} not read`, detail: error.message }];
    }) : [{ kind: 'message', text: 'No valid bluegreen.yaml' }];
    this.changed.fire();
  }

  getChildren(node?: HistoryNode): HistoryNode[] {
    return node ? [] : this.nodes;
  }

  getTreeItem(node: HistoryNode): vscode.TreeItem {
    if (node.kind === 'message') {
      const item = new vscode.TreeItem(node.text);
      item.tooltip = node.detail;
      item.description = node.detail;
      item.contextValue = 'historyMessage';
      return item;
    }
    const { entry } = node;
    const item = new vscode.TreeItem(`${entry.serial !== undefined ? `#${entry.serial} ` : ''}${entry.stage}`);
    const outcome = entry.automatic ? 'automatic' : entry.result && entry.result !== 'ok' ? entry.result : '';
    item.description = [entry.changes[0] ?? (entry.kind === 'audit' ? 'no change' : ''), `${when(entry.time)} · ${entry.who}`, outcome].filter(Boolean).join(' · ');
    item.tooltip = new vscode.MarkdownString([`**${entry.stage}** — ${entry.time} by ${entry.who}`, ...entry.changes.map((c) => `- ${c}`), entry.detail ?? ''].filter(Boolean).join('\n\n'));
    item.iconPath = new vscode.ThemeIcon(entry.result === 'failed' ? 'error' : entry.result === 'refused' ? 'circle-slash' : entry.kind === 'audit' ? 'note' : 'history');
    item.contextValue = `historyEntry:${entry.kind}`;
    item.command = { command: 'bluegreen.showHistoryEntry', title: 'Show the Change', arguments: [node] };
    return item;
  }

  dispose(): void {
    this.changed.dispose();
  }
}

async function readNodes(config: BluegreenConfig, name: string): Promise<HistoryNode[]> {
  // The same access rule as every reader: in Restricted Mode nothing the file names is contacted.
  const access = environmentAccess(config, name, readSettings(), vscode.workspace.isTrusted);
  if (!access.ok) return [{ kind: 'message', text: `History of ${name}: ${access.message}`, detail: access.hint }];
  const core = await engine();
  const handle = core.openEnvironment(access.config, name, { sshPath: access.sshPath });
  try {
    const history = await core.readEnvironmentHistory(handle, { limit: LIMIT });
    const entries: HistoryNode[] = [...history.entries].reverse().map((entry) => ({ kind: 'entry', environment: name, entry }));
    const warnings: HistoryNode[] = history.warnings.map((w) => ({ kind: 'message', text: 'warning', detail: w }));
    return entries.length || warnings.length ? [...warnings, ...entries] : [{ kind: 'message', text: `No history for ${name} yet`, detail: 'Stages that change the routers appear here.' }];
  } finally {
    await handle.close();
  }
}

function when(iso: string): string {
  const time = new Date(iso);
  return Number.isNaN(time.getTime()) ? iso : time.toLocaleString();
}
