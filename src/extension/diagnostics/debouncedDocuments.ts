// Runs a check on matching documents when they open and after a pause in typing, and forgets
// them when they close — what every as-you-type diagnostic of the extension needs.
import * as vscode from 'vscode';

export class DebouncedDocuments implements vscode.Disposable {
  private readonly pending = new Map<string, NodeJS.Timeout>();
  private readonly subscriptions: vscode.Disposable[];

  constructor(
    private readonly matches: (document: vscode.TextDocument) => boolean,
    private readonly typingPauseMs: number,
    private readonly check: (document: vscode.TextDocument) => Promise<unknown>,
    private readonly onClose: (uri: vscode.Uri) => void,
    private readonly onError: (document: vscode.TextDocument, error: unknown) => void,
  ) {
    this.subscriptions = [
      vscode.workspace.onDidOpenTextDocument((doc) => this.schedule(doc, 0)),
      vscode.workspace.onDidChangeTextDocument((e) => this.schedule(e.document, this.typingPauseMs)),
      vscode.workspace.onDidCloseTextDocument((doc) => this.forget(doc.uri)),
    ];
    for (const doc of vscode.workspace.textDocuments) this.schedule(doc, 0);
  }

  private schedule(document: vscode.TextDocument, delayMs: number): void {
    if (!this.matches(document)) return;
    const key = document.uri.toString();
    clearTimeout(this.pending.get(key));
    this.pending.set(key, setTimeout(() => {
      this.pending.delete(key);
      this.check(document).catch((error) => this.onError(document, error));
    }, delayMs));
  }

  private forget(uri: vscode.Uri): void {
    clearTimeout(this.pending.get(uri.toString()));
    this.pending.delete(uri.toString());
    this.onClose(uri);
  }

  dispose(): void {
    for (const timer of this.pending.values()) clearTimeout(timer);
    this.pending.clear();
    vscode.Disposable.from(...this.subscriptions).dispose();
  }
}
