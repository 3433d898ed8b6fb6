// YamlSource finds duplicate keys in one pass instead of the yaml package's uniqueKeys check
// (quadratic in a mapping's size). The yaml package's own check is the reference here: the same
// keys, at the same offsets, in the same order. (An empty key `? ` is pointed at one column
// earlier than the yaml package does; no config has one.)
import * as assert from 'node:assert/strict';
import { parseDocument } from 'yaml';
import { YamlSource } from '../../src/core/config/yamlSource';

function reference(text: string): number[] {
  const doc = parseDocument(text, { prettyErrors: false, uniqueKeys: true, merge: true });
  return doc.errors.filter((e) => e.code === 'DUPLICATE_KEY').map((e) => e.pos[0]);
}

function ours(text: string): number[] {
  return new YamlSource(text, 'x.yaml').yamlErrors.filter((e) => e.message.startsWith('duplicate key')).map((e) => e.offset);
}

const CASES: Record<string, string> = {
  'block mapping': 'a: 1\nb: 2\na: 3\n',
  'nested before outer': 'a:\n  x: 1\n  x: 2\nb: 1\na: 2\n',
  'flow mapping': 'a: { x: 1, y: 2, x: 3 }\n',
  'three times': 'k: 1\nk: 2\nk: 3\n',
  'number and string differ': '1: a\n"1": b\n',
  'equal numbers': '1: a\n0x1: b\n',
  'quoted and plain equal': 'a: 1\n"a": 2\n',
  'anchored key': '&k a: 1\na: 2\n',
  'merge keys': 'base: &b { x: 1 }\nc:\n  <<: *b\n  <<: *b\n  y: 2\n',
  'booleans': 'true: 1\nTrue: 2\n',
  'with a syntax error after': 'a: 1\na: 2\nb: [1, 2\nc: 3\n',
  'none': 'a: 1\nb: { c: 1, d: 2 }\n',
};

describe('config: duplicate keys (one pass)', () => {
  for (const [name, text] of Object.entries(CASES)) {
    it(`${name}: the keys the yaml package reports`, () => {
      assert.deepEqual(ours(text), reference(text));
    });
  }

  it('a mapping of 5,000 keys with one duplicate, found at the last key', () => {
    const keys = Array.from({ length: 5_000 }, (_, i) => `k${i}: ${i}`);
    const text = `${[...keys, 'k7: again'].join('\n')}\n`;
    assert.deepEqual(ours(text), [text.lastIndexOf('k7: again')]);
  });
});
