// Config errors carry 1-based lines and columns; VS Code positions are 0-based.
import * as vscode from 'vscode';
import type { ConfigError } from '../../core/config';

export function rangeOfConfigError(error: ConfigError): vscode.Range {
  const start = new vscode.Position(Math.max(0, error.line - 1), Math.max(0, error.column - 1));
  const end = new vscode.Position(Math.max(0, error.endLine - 1), Math.max(0, error.endColumn - 1));
  return new vscode.Range(start, end.isBefore(start) ? start : end);
}
