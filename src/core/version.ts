// The one check of a version argument, wherever it comes from (the CLI, the editor's input box,
// a stage called directly, the rehearsal): VERSION_PATTERN keeps a version safe as a file name, a
// shell word and an nginx value, so nothing else has to quote it. One message, one hint.
import { VERSION_PATTERN } from './model';
import { InputError } from './errors';
import { printableLine } from './printable';

export const VERSION_HINT = 'a version is 1–64 letters, digits and . _ + -, starting with a letter or digit (no spaces or shell characters), e.g. 1.4.0';

/** Why `value` is not a usable version, or undefined when it is one. */
export function versionProblem(value: string): { message: string; hint: string } | undefined {
  return VERSION_PATTERN.test(value) ? undefined : { message: `version "${printableLine(value)}" is not allowed`, hint: VERSION_HINT };
}

/** Returns `value` when it is a usable version; otherwise throws bad input (exit 2) with the hint. */
export function requireVersion(value: string): string {
  const problem = versionProblem(value);
  if (problem) throw new InputError(problem.message, problem.hint);
  return value;
}
