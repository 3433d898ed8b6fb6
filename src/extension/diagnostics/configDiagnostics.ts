// Problems for bluegreen*.yaml as the user types: the same core loader the CLI uses, run on the
// editor's buffer after a pause in typing, pinned to each error's range.
import * as vscode from 'vscode';
import type { ConfigResult } from '../../core/config';
import { isConfigDocument } from '../config/configFiles';
import { loadConfigText } from '../config/configLoader';
import { rangeOfConfigError } from './ranges';
import { DebouncedDocuments } from './debouncedDocuments';

/** Long enough not to validate on every keystroke, short enough to feel immediate. */
const TYPING_PAUSE_MS = 300;

export class ConfigDiagnostics implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection('bluegreen');
  private readonly documents: DebouncedDocuments;

  constructor(output: vscode.OutputChannel) {
    this.documents = new DebouncedDocuments(isConfigDocument, TYPING_PAUSE_MS, (doc) => this.validate(doc),
      (uri) => this.collection.delete(uri),
      (doc, error) => output.appendLine(`Validating ${doc.uri.fsPath} failed: ${String(error)}`));
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

  dispose(): void {
    this.documents.dispose();
    this.collection.dispose();
  }
}
