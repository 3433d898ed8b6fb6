// The config's YAML read straight into data with js-yaml, without the yaml package's document
// (which holds ~600 MB and takes seconds for a 5 MB config: docs/benchmarks.md). The document is
// still what points at lines: parseConfig.ts builds it (yamlSource.ts) whenever this reader
// declines or the data has an error to point at. So this reader only has to agree with the
// yaml package on the data of texts it accepts; for anything it is not sure of, it declines.

import { FAILSAFE_SCHEMA, Type, load } from 'js-yaml';

// The yaml package's YAML 1.2 core schema, test for test (yaml/dist/schema/core), so a plain
// scalar means the same here: js-yaml's own core types differ at the edges (`1_000`, `+.5`).
// `first` holds the characters a match can start with: most scalars are names, and a look at
// their first character spares the regular expressions (a 5 MB config has ~300,000 scalars).
const scalar = (tag: string, first: string, test: RegExp, construct: (text: string) => unknown) =>
  new Type(`tag:yaml.org,2002:${tag}`, {
    kind: 'scalar',
    resolve: (text: string | null) => (text === null || text === '' ? test.test('') : first.includes(text[0]) && test.test(text)),
    construct: (text: string | null) => construct(text ?? ''),
  });

const DIGITS = '0123456789';
const CORE_SCHEMA = FAILSAFE_SCHEMA.extend({
  implicit: [
    scalar('null', '~nN', /^(?:~|[Nn]ull|NULL)?$/, () => null),
    scalar('bool', 'tTfF', /^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/, (text) => text[0] === 't' || text[0] === 'T'),
    scalar('int', `${DIGITS}+-`, /^(?:0o[0-7]+|[-+]?[0-9]+|0x[0-9a-fA-F]+)$/, (text) =>
      (text.startsWith('0o') ? parseInt(text.slice(2), 8) : text.startsWith('0x') ? parseInt(text.slice(2), 16) : parseInt(text, 10))),
    scalar('float', `${DIGITS}+-.`, /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN|[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+|[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*))$/, (text) =>
      (/nan$/i.test(text) ? NaN : /inf$/i.test(text) ? (text[0] === '-' ? -Infinity : Infinity) : parseFloat(text))),
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

export type FastRead = { ok: true; data: unknown } | { ok: false; reason: string };

/** The data of `text`, or why this reader declines it (the yaml package's document then decides). */
export function readYamlData(text: string): FastRead {
  const declined = DECLINE.findIndex((test) => test.test(text));
  if (declined >= 0) return { ok: false, reason: `feature ${declined}` };
  // The yaml package refuses an implicit key over 1024 characters, js-yaml not always.
  if (hasLineLongerThan(text, 1000)) return { ok: false, reason: 'a line over 1000 characters' };
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
