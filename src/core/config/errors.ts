// The errors a config can have, each pinned to the node it is about, and how they are shown.

import * as path from 'node:path';
import type { BluegreenConfig } from '../model';

/** One problem in a config file. Lines and columns are 1-based; offsets are 0-based, end exclusive. */
export interface ConfigError {
  /** Dotted path of the offending node, e.g. `environments.production.colors.blue.api[0]`; empty for the whole file. */
  path: string;
  message: string;
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  offset: number;
  endOffset: number;
}

export type ConfigResult = { ok: true; config: BluegreenConfig } | { ok: false; errors: ConfigError[] };

/** `path: message (file:line:column)`; an error about the whole file has no path prefix. */
export function formatConfigError(e: ConfigError): string {
  const where = `(${path.basename(e.file)}:${e.line}:${e.column})`;
  return e.path ? `${e.path}: ${e.message} ${where}` : `${e.message} ${where}`;
}

/** Sorted by position in the file, then by path, so related errors read top to bottom. */
export function compareConfigErrors(a: ConfigError, b: ConfigError): number {
  return a.offset - b.offset || a.path.localeCompare(b.path) || a.message.localeCompare(b.message);
}

/** Thrown by requireConfig: the config is invalid; `errors` holds every problem found. */
export class ConfigInvalid extends Error {
  readonly errors: ConfigError[];

  constructor(errors: ConfigError[]) {
    const shown = errors.slice(0, 20).map(formatConfigError);
    if (errors.length > shown.length) shown.push(`… and ${errors.length - shown.length} more`);
    super(`invalid config:\n${shown.join('\n')}`);
    this.name = 'ConfigInvalid';
    this.errors = errors;
  }
}
