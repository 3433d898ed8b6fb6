// Problems for migration files as the user types: the same expand/contract lint as
// `bluegreen db lint`, so a breaking statement is underlined before it reaches a release.
import * as vscode from 'vscode';
import * as path from 'node:path';
import type { FileLint } from '../core/db/lint';
import { engine } from './engine';

const TYPING_PAUSE_MS = 300;

/** A `.sql` file in a `migrations` folder (the config's `database.migrations`, by convention). */
export function isMigrationDocument(document: vscode.TextDocument): boolean {
  return document.uri.scheme === 'file' && document.fileName.endsWith('.sql')
    && path.dirname(document.fileName).split(path.sep).includes('migrations');
}

export class MigrationDiagnostics implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection('bluegreen-migrations');
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

  async lint(document: vscode.TextDocument): Promise<FileLint> {
    // The SQL parser lives in the engine bundle, loaded when the first migration file is opened.
    const { lintSql } = await engine();
    const result = lintSql(document.getText(), document.fileName);
    if (document.isClosed) return result;
    this.collection.set(document.uri, result.findings.map((finding) => {
      const start = document.positionAt(finding.offset);
      const range = document.getWordRangeAtPosition(start) ?? new vscode.Range(start, start.translate(0, 1));
      const diagnostic = new vscode.Diagnostic(
        range,
        `${finding.message} — ${finding.hint}`,
        finding.phase === 'breaking' ? vscode.DiagnosticSeverity.Error : vscode.DiagnosticSeverity.Information,
      );
      diagnostic.source = 'bluegreen db lint';
      diagnostic.code = finding.rule;
      return diagnostic;
    }));
    return result;
  }

  private schedule(document: vscode.TextDocument, delayMs: number): void {
    if (!isMigrationDocument(document)) return;
    const key = document.uri.toString();
    clearTimeout(this.pending.get(key));
    this.pending.set(key, setTimeout(() => {
      this.pending.delete(key);
      this.lint(document).catch((error) => this.output.appendLine(`Linting ${document.fileName} failed: ${String(error)}`));
    }, delayMs));
  }

  private forget(uri: vscode.Uri): void {
    clearTimeout(this.pending.get(uri.toString()));
    this.pending.delete(uri.toString());
    this.collection.delete(uri);
  }

  dispose(): void {
    for (const timer of this.pending.values()) clearTimeout(timer);
    vscode.Disposable.from(...this.subscriptions).dispose();
  }
}
