// What a plain (unquoted) scalar means in the yaml package's YAML 1.2 core schema, test for test
// (yaml/dist/schema/core). Both fast readers use it (fastYaml.ts through js-yaml's types,
// plainYaml.ts directly), so a plain scalar means the same in all three readers.
// `first` holds the characters a match can start with: most scalars are names, and a look at
// their first character spares the regular expressions (a 5 MB config has ~300,000 scalars).

export interface CoreScalar {
  tag: 'null' | 'bool' | 'int' | 'float';
  first: string;
  test: RegExp;
  construct: (text: string) => unknown;
}

const DIGITS = '0123456789';

export const CORE_SCALARS: readonly CoreScalar[] = [
  { tag: 'null', first: '~nN', test: /^(?:~|[Nn]ull|NULL)?$/, construct: () => null },
  { tag: 'bool', first: 'tTfF', test: /^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/, construct: (text) => text[0] === 't' || text[0] === 'T' },
  {
    tag: 'int', first: `${DIGITS}+-`, test: /^(?:0o[0-7]+|[-+]?[0-9]+|0x[0-9a-fA-F]+)$/,
    construct: (text) => (text.startsWith('0o') ? parseInt(text.slice(2), 8) : text.startsWith('0x') ? parseInt(text.slice(2), 16) : parseInt(text, 10)),
  },
  {
    tag: 'float', first: `${DIGITS}+-.`,
    test: /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN|[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+|[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*))$/,
    construct: (text) => (/nan$/i.test(text) ? NaN : /inf$/i.test(text) ? (text[0] === '-' ? -Infinity : Infinity) : parseFloat(text)),
  },
];

/** The characters any of the core scalars may start with (most names start with none of them). */
const MAY_START_SCALAR = new Uint8Array(128);
for (const { first } of CORE_SCALARS) for (const c of first) MAY_START_SCALAR[c.charCodeAt(0)] = 1;

/** The value of a non-empty plain scalar: null, a boolean, a number, or the text itself. */
export function plainScalarValue(text: string): unknown {
  if (!MAY_START_SCALAR[text.charCodeAt(0)]) return text;
  for (const scalar of CORE_SCALARS) {
    if (scalar.first.includes(text[0]) && scalar.test.test(text)) return scalar.construct(text);
  }
  return text;
}
