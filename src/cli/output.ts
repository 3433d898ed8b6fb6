// `--json` prints one JSON document on stdout; progress and human text go to stderr
// so a pipe or a CI job can read the result without scraping. With --json the document is held
// until the command ends, so a command that fails after its result (a lint that refuses, a
// rehearsal that stops) still prints exactly one document, with the error in it.
import { printable } from '../core/printable';

export interface Output {
  readonly json: boolean;
  /** A progress line, always on stderr. */
  progress(line: string): void;
  /** The command's result: `data` as JSON with --json, else `text` on stdout. */
  result(data: unknown, text: string): void;
}

/** What a command handed to `result` with --json; main writes it once the command has ended. */
export interface JsonResult {
  data?: unknown;
  given: boolean;
}

export function createOutput(json: boolean, held: JsonResult = { given: false }): Output {
  return {
    json,
    progress: (line) => process.stderr.write(`${printable(line)}\n`),
    result: (data, text) => {
      if (json) {
        held.data = data;
        held.given = true;
        return;
      }
      process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
    },
  };
}

/** The failure a CI job reads: what went wrong, what to do, and the exit code; plus any result. */
export interface FailureDocument {
  ok: false;
  error: { message: string; hint?: string; exitCode: number };
  [key: string]: unknown;
}

export function failureDocument(message: string, hint: string | undefined, exitCode: number, held: JsonResult): FailureDocument {
  const error = { message: printable(message), ...(hint ? { hint: printable(hint) } : {}), exitCode };
  const data = held.given ? held.data : undefined;
  const base = data !== null && typeof data === 'object' && !Array.isArray(data) ? data as Record<string, unknown> : held.given ? { result: data } : {};
  return { ...base, ok: false, error };
}

export function writeJson(document: unknown): void {
  // JSON.stringify escapes C0 controls but writes DEL, C1 controls and bidi overrides raw; the
  // \u form is the same JSON and cannot act on a terminal that shows it.
  const text = JSON.stringify(document, null, 2).replace(/[\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g,
    (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
  process.stdout.write(`${text}\n`);
}
