// Problems for bluegreen*.yaml as the user types: the same core loader the CLI uses, run on the
// editor's buffer after a pause in typing, pinned to each error's range.
import * as vscode from 'vscode';
import type { ConfigResult } from '../core/config';
import { isConfigDocument } from './configFiles';
import { loadConfigText } from './configLoader';
import { rangeOfConfigError } from './ranges';

/** Long enough not to validate on every keystroke, short enough to feel immediate. */
const TYPING_PAUSE_MS = 300;

export class ConfigDiagnostics implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection('bluegreen');
  private readonly pending = new Map<string, NodeJS.Timeout>();
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(private readonly output: vscode.OutputChannel) {
    this.subscriptions.push(
      this.collection,
      vscode.workspace.onDidOpenTextDocument((doc) => this.schedule(doc, 0)),
      vscode.workspace.onDidChangeTextDocument((e) => this.schedule(e.document, TYPING_PAUSE_MS)),
      vscode.workspace.onDidCloseTextDocument((doc) => this.forget(doc.uri)),
    );
    for (const doc of vscode.workspace.textDocuments) this.schedule(doc, 0);
  }

  /** Validates the document now and shows its problems; returns what the loader said. */
  async validate(document: vscode.TextDocument): Promise<ConfigResult> {
    const version = document.version;
    const result = await loadConfigText(document.getText(), document.uri.fsPath);
    // Typing went on while the loader ran: a newer run will report.
    if (!document.isClosed && document.version === version) this.show(document.uri, result);
    return result;
  }

  show(uri: vscode.Uri, result: ConfigResult): void {
    if (result.ok) {
      this.collection.delete(uri);
      return;
    }
    this.collection.set(uri, result.errors.map((error) => {
      const diagnostic = new vscode.Diagnostic(rangeOfConfigError(error), error.message, vscode.DiagnosticSeverity.Error);
      diagnostic.source = 'bluegreen';
      if (error.path) diagnostic.code = error.path;
      return diagnostic;
    }));
  }

  private schedule(document: vscode.TextDocument, delayMs: number): void {
    if (!isConfigDocument(document)) return;
    const key = document.uri.toString();
    clearTimeout(this.pending.get(key));
    this.pending.set(key, setTimeout(() => {
      this.pending.delete(key);
      this.validate(document).catch((error) => this.output.appendLine(`Validating ${document.uri.fsPath} failed: ${String(error)}`));
    }, delayMs));
  }

  private forget(uri: vscode.Uri): void {
    const key = uri.toString();
    clearTimeout(this.pending.get(key));
    this.pending.delete(key);
    this.collection.delete(uri);
  }

  dispose(): void {
    for (const timer of this.pending.values()) clearTimeout(timer);
    this.pending.clear();
    vscode.Disposable.from(...this.subscriptions).dispose();
  }
}
