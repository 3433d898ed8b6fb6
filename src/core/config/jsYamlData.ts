// The config's YAML read into data with js-yaml, for the texts plainYaml.ts declines (fastYaml.ts
// requires this module only then). Like that reader, it only has to agree with the yaml package
// on the data of texts it accepts; for anything it is not sure of, it declines too.

import { FAILSAFE_SCHEMA, Type, load } from 'js-yaml';
import { CORE_SCALARS } from './coreScalars';
import type { FastRead } from './fastYaml';
import { LONGEST_LINE } from './plainYaml';

// The yaml package's YAML 1.2 core schema (coreScalars.ts) as js-yaml types, so a plain scalar
// means the same here: js-yaml's own core types differ at the edges (`1_000`, `+.5`).
const CORE_SCHEMA = FAILSAFE_SCHEMA.extend({
  implicit: [
    ...CORE_SCALARS.map(({ tag, first, test, construct }) => new Type(`tag:yaml.org,2002:${tag}`, {
      kind: 'scalar',
      resolve: (text: string | null) => (text === null || text === '' ? test.test('') : first.includes(text[0]) && test.test(text)),
      construct: (text: string | null) => construct(text ?? ''),
    })),
    // js-yaml's own merge type (`<<`), which its loader knows by this tag; @types/js-yaml lacks `types`.
    new Type('tag:yaml.org,2002:merge', { kind: 'scalar', resolve: (text: string | null) => text === '<<' || text === null }),
  ],
});

/**
 * What the yaml package and js-yaml read differently, or what only the yaml package refuses, so
 * the document decides: an alias (the yaml package caps alias expansion, js-yaml shares the
 * object), a directive (`%YAML 1.1` changes what `yes` means), an explicit key (`? `) or a list or
 * mapping as a key, a key that is null (`~:` is "" to one and "null" to the other), a tab (the yaml package refuses it as
 * indentation). Each test may match more than it means to; that only costs speed.
 */
const DECLINE = [
  /(?:^|[\s,[{])\*[^\s,[\]{}]/m, // an alias
  /^%/m, // a directive
  /(?:^[ \t]*(?:- +)*|[{,[][ \t]*)\?(?:[ \t]|$)/m, // an explicit key
  /(?:^|[\s,[{])(?:~|null|Null|NULL|""|'')?[ \t]*:(?:[ \t]|$)/m, // a null key
  /[\]}][ \t]*:(?:[ \t]|$)/m, // a list or mapping as a key
  /\t/, // a tab anywhere
];

/** The data of `text`, or why this reader declines it (the yaml package's document then decides). */
export function readWithJsYaml(text: string): FastRead {
  const declined = DECLINE.findIndex((test) => test.test(text));
  if (declined >= 0) return { ok: false, reason: `feature ${declined}` };
  // The yaml package refuses an implicit key over 1024 characters, js-yaml not always.
  if (hasLineLongerThan(text, LONGEST_LINE)) return { ok: false, reason: `a line over ${LONGEST_LINE} characters` };
  let warned = '';
  try {
    const data = load(text, { schema: CORE_SCHEMA, onWarning: (warning) => { warned ||= warning.message; } });
    if (warned) return { ok: false, reason: warned };
    return { ok: true, data };
  } catch (error) {
    return { ok: false, reason: (error as Error).message };
  }
}

function hasLineLongerThan(text: string, limit: number): boolean {
  for (let start = 0; start < text.length;) {
    const end = text.indexOf('\n', start);
    if ((end < 0 ? text.length : end) - start > limit) return true;
    if (end < 0) return false;
    start = end + 1;
  }
  return false;
}
