// DESIGN §2: `--json` prints one JSON document on stdout; progress and human text go to stderr
// so a pipe or a CI job can read the result without scraping.

export interface Output {
  readonly json: boolean;
  /** A progress line, always on stderr. */
  progress(line: string): void;
  /** The command's result: `data` as JSON with --json, else `text` on stdout. */
  result(data: unknown, text: string): void;
}

export function createOutput(json: boolean): Output {
  return {
    json,
    progress: (line) => process.stderr.write(`${line}\n`),
    result: (data, text) => {
      process.stdout.write(json ? `${JSON.stringify(data, null, 2)}\n` : text.endsWith('\n') ? text : `${text}\n`);
    },
  };
}
