// Problems for migration files as the user types: the same expand/contract lint as
// `bluegreen db lint`, so a breaking statement is underlined before it reaches a release.
import * as vscode from 'vscode';
import * as path from 'node:path';
import type { FileLint } from '../../core/db/lint';
import { engine } from '../engine';
import { DebouncedDocuments } from './debouncedDocuments';

const TYPING_PAUSE_MS = 300;

/** A `.sql` file in a `migrations` folder (the config's `database.migrations`, by convention). */
export function isMigrationDocument(document: vscode.TextDocument): boolean {
  return document.uri.scheme === 'file' && document.fileName.endsWith('.sql')
    && path.dirname(document.fileName).split(path.sep).includes('migrations');
}

export class MigrationDiagnostics implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection('bluegreen-migrations');
  private readonly documents: DebouncedDocuments;

  constructor(output: vscode.OutputChannel) {
    this.documents = new DebouncedDocuments(isMigrationDocument, TYPING_PAUSE_MS, (doc) => this.lint(doc),
      (uri) => this.collection.delete(uri),
      (doc, error) => output.appendLine(`Linting ${doc.fileName} failed: ${String(error)}`));
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

  dispose(): void {
    this.documents.dispose();
    this.collection.dispose();
  }
}
