// The config's fast path (src/core/config/fastYaml.ts): a valid config is read by plainYaml.ts or
// js-yaml, anything else by the yaml package's document. Here the readers are given the same texts
// — the repository's configs and fixtures, the YAML of the docs, YAML's corners, the sample config
// broken line by line, and thousands of randomly mutated configs — and must agree: on the data
// wherever a fast reader accepts a text, and on parseConfig's whole result (the model, or every
// error with its line and column) always.

import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse, parseDocument } from 'yaml';
import { formatConfigError, parseConfig } from '../../src/core/config';
import { readYamlData } from '../../src/core/config/fastYaml';
import { parseConfigWithDocument } from '../../src/core/config/parseConfig';
import { readPlainYaml } from '../../src/core/config/plainYaml';

const ROOT = path.resolve(__dirname, '..', '..');
const FILE = path.join(ROOT, 'bluegreen.yaml');
const SAMPLE = fs.readFileSync(FILE, 'utf8');

/** Every YAML file in the repository, and every ```yaml block of the docs. */
function repositoryTexts(): Array<{ name: string; text: string }> {
  const files = execFileSync('git', ['ls-files', '*.yaml', '*.yml', 'docs/*.md', 'README.md'], { cwd: ROOT, encoding: 'utf8' }).split('\n').filter(Boolean);
  return files.flatMap((file) => {
    const text = fs.readFileSync(path.join(ROOT, file), 'utf8');
    if (!file.endsWith('.md')) return [{ name: file, text }];
    return [...text.matchAll(/```ya?ml\n([\s\S]*?)```/g)].map((m, i) => ({ name: `${file} block ${i + 1}`, text: m[1] }));
  });
}

/** YAML's corners: scalars the two libraries' own core schemas read differently, and the rest. */
const CORNERS: Record<string, string> = {
  scalars: [
    'a:', 'b: ~', 'c: null', 'd: Null', 'e: NULL', 'f: nul', 'g: true', 'h: True', 'i: TRUE', 'j: tRue', 'k: yes', 'l: on', 'm: y',
    'n: 0x1F', 'o: 0o17', 'p: 017', 'q: +12', 'r: -0', 's: 1_000', 't: 0b11', 'u: .5', 'v: +.5', 'w: 1.', 'x: 1e3', 'y: 1E-3', 'z: .inf',
    'aa: -.Inf', 'ab: .NaN', 'ac: 1:30', 'ad: 2024-01-01', 'ae: 2024-01-01T10:00:00Z', 'af: 12345678901234567890', 'ag: 1.50', 'ah: =',
    'ai: 0x', 'aj: +', 'al: .', 'am: 0o8', 'an: 1e', 'ao: "12"', "ap: '~'",
  ].join('\n'),
  strings: [
    'url: env:DATABASE_URL', 'hook: env:SLACK_WEBHOOK', 'route: /api/', 'regex: "(?i)iphone|android"', "single: 'it''s'",
    'escapes: "tab\\there\\u00e9\\x41\\n"', 'unicode: grün → blau ✓', 'hash: a#b', 'comment: a # b', 'colon: a:b',
    'folded: >\n  one\n  two\n\n  three', 'literal: |\n  one\n   two\n', 'strip: |-\n  x\n', 'keep: |+\n  x\n\n', 'indented: |2\n    x',
    'multi: "a\n  b\n\n  c"', 'plainmulti: a\n  b\n  c', 'empty: ""', "emptysingle: ''",
  ].join('\n'),
  collections: [
    'flow: { a: 1, b: [x, y, { c: d }], "q k": v }', 'seq:\n  - a\n  - b: 1\n    c: 2\n  -\n  - - nested', 'emptymap: {}', 'emptyseq: []',
    'compact:\n- a\n- b', '"quoted key": 1', "'single key': 2", '123: numeric key', 'true: bool key', '1.0: float key', '0x10: hex key',
    'merged: { <<: { a: 1, b: 2 }, b: 3 }', 'mergedlist: { <<: [{ a: 1 }, { a: 2, c: 3 }], d: 4 }', 'anchoronly: &x { a: 1 }',
    '__proto__: { polluted: true }', 'constructor: 1',
  ].join('\n'),
  explicitTags: 'a: !!str 12\nb: !!int "7"\nc: !!float 3\nd: !!null ~\ne: !!bool true\nf: !!map { x: 1 }\ng: !!seq [1]\n',
  documents: '---\na: 1\n...\n',
  bom: '\ufeffa: 1\n',
  crlf: 'a: 1\r\nb:\r\n  - x\r\n',
  comments: '# head\na: 1 # tail\n# middle\nb: [1, # in flow\n  2]\n',
  // The block forms the plain reader reads itself (plainYaml.ts).
  compactLists: 'a:\n- x\n- y: 1\n  z: [2, "3", \'4\']\nb:\n  - c:\n      d: e\n    f: g\n  - h:\n    - i\n    j: k\n',
  emptyValues: 'a:\nb: # none\nc:\n  # only a comment\nd: {}\ne: []\n',
  plainEdges: 'a: b]c\nb: x:y\nc: "a: b # c"\nd: \'it\'\'s\'\ne: [a:b, c#d, "e, f"]\nf: { g: h:i }\ng: 0o17 # octal\nh: 1.5e3\ni: -x\n',
  // What the fast reader declines (the document decides); listed so the agreement is checked.
  alias: 'base: &b { port: 1 }\nuse: *b\nmerge: { <<: *b, x: 2 }\n',
  directive: '%YAML 1.1\n---\na: yes\n',
  explicitKey: '? a\n: 1\n',
  nullKey: '~: 1\nnull: 2\n',
  emptyKey: ': 1\n',
  collectionKey: '[a, b]: 1\n',
  tab: 'a:\n\tb: 1\n',
  tabInValue: 'a: "x\ty"\n',
  // Broken: both must refuse, at the same place.
  duplicate: 'a: 1\nb: 2\na: 3\n',
  duplicateNested: 'a:\n  x: 1\n  y: 2\n  x: 3\n',
  duplicateFlow: 'a: { x: 1, x: 2 }\n',
  duplicateAfterMerge: 'a: { <<: { x: 1 }, x: 2, x: 3 }\n',
  unclosedFlow: 'a: [1, 2\nb: 3\n',
  unclosedQuote: 'a: "x\nb: 3\n',
  badIndent: 'a:\n  b: 1\n c: 2\n',
  twoDocuments: 'a: 1\n---\nb: 2\n',
  danglingAlias: 'a: *nope\n',
  unknownTag: 'a: !custom x\n',
  binary: 'a: !!binary aGk=\n',
  set: 'a: !!set { x }\n',
  timestamp: 'a: !!timestamp 2024-01-01\n',
  mergeScalar: 'a: { <<: 1 }\n',
  dashValue: 'a: -\n',
  dashInValue: 'a: - b\n',
  longKey: `${'k'.repeat(1100)}: 1\n`,
  multilineKey: 'a\nb: 1\n',
  trailingQuote: 'a: "x" y\n',
  colonNoSpace: 'a:1\n',
  badEscape: 'a: "\\q"\n',
  reservedIndicator: 'a: @x\n',
  controlChar: 'a: "\u0007"\n',
};

/** The sample config broken one line at a time: deleted, doubled (a duplicate key), shifted, squeezed. */
function brokenSamples(): Array<{ name: string; text: string }> {
  const lines = SAMPLE.split('\n');
  const variants: Array<{ name: string; text: string }> = [];
  lines.forEach((line, i) => {
    if (!line.trim() || line.trim().startsWith('#')) return;
    const at = (replacement: string[]) => [...lines.slice(0, i), ...replacement, ...lines.slice(i + 1)].join('\n');
    variants.push({ name: `line ${i + 1} deleted`, text: at([]) });
    variants.push({ name: `line ${i + 1} doubled`, text: at([line, line]) });
    variants.push({ name: `line ${i + 1} shifted`, text: at([` ${line}`]) });
    if (line.includes(': ')) variants.push({ name: `line ${i + 1} squeezed`, text: at([line.replace(': ', ':')]) });
  });
  return variants;
}

/** The result with errors formatted (file:line:column) and the model as plain data. */
function comparable(text: string, parser: typeof parseConfig): unknown {
  const result = parser(text, FILE);
  return result.ok ? { ok: true, config: JSON.parse(JSON.stringify(result.config)) } : { ok: false, errors: result.errors.map(formatConfigError) };
}

function agree(name: string, text: string): void {
  const fast = readYamlData(text);
  if (fast.ok) {
    const doc = parseDocument(text, { merge: true, uniqueKeys: true });
    assert.deepEqual([...doc.errors, ...doc.warnings].map((e) => e.message), [], `${name}: the fast reader accepted a text the yaml package refuses`);
    assert.deepStrictEqual(fast.data, parse(text, { merge: true, maxAliasCount: 100 }), `${name}: the two readers' data differ`);
  }
  assert.deepStrictEqual(comparable(text, parseConfig), comparable(text, parseConfigWithDocument), `${name}: parseConfig differs from the document's result`);
}

/** A config with environments of real-host shape, as bench/lib/cliProcess.ts writes them for the 5 MB benchmark. */
const SSH_ENVIRONMENT = [
  '  production:',
  '    ssh:',
  '      user: deploy',
  '      options: { ConnectTimeout: 5 }',
  '    hosts:',
  '      h0: { ssh: h0.production.example.com, address: 10.3.0.1 }',
  '      h1: { ssh: h1.production.example.com, address: 10.3.0.2 }',
  '      h2: { ssh: h2.production.example.com, address: 10.3.0.3 }',
  '      h3: { ssh: h3.production.example.com, address: 10.3.0.4 }',
  '    routers: [h0, h1]',
  '    colors:',
  '      blue:  { api: [h2], web: [h2] }',
  '      green: { api: [h3], web: [h3] }',
  '',
].join('\n');

/** A small deterministic random source (mulberry32), so a failure names a seed that reproduces it. */
function randomSource(seed: number): (below: number) => number {
  let state = seed >>> 0;
  return (below) => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * below);
  };
}

/** Characters that mean something to YAML, and some that do not, for the mutations to insert. */
const MUTATION_CHARACTERS = [...' \n-:#,[]{}\'"&*!|>%@`?~.0123456789aZ_/\\', 'true', 'null', '0x1', '1e3', '- ', ': ', ' #', '\u00e9', '\u0085', '\t', '\r'];

/** `text` changed once or a few times: a character inserted, deleted or replaced, a line doubled, moved, joined or re-indented. */
function mutate(text: string, random: (below: number) => number): string {
  for (let n = random(3) === 0 ? 2 : 1; n > 0; n--) {
    const at = random(text.length + 1);
    const lines = text.split('\n');
    const line = random(lines.length);
    switch (random(7)) {
      case 0: text = text.slice(0, at) + MUTATION_CHARACTERS[random(MUTATION_CHARACTERS.length)] + text.slice(at); break;
      case 1: text = text.slice(0, at) + text.slice(at + 1 + random(3)); break;
      case 2: text = text.slice(0, at) + MUTATION_CHARACTERS[random(MUTATION_CHARACTERS.length)] + text.slice(at + 1); break;
      case 3: lines.splice(line, 0, lines[random(lines.length)]); text = lines.join('\n'); break;
      case 4: lines[line] = ' '.repeat(random(4)) + lines[line].trimStart(); text = lines.join('\n'); break;
      case 5: lines.splice(line, 2, lines.slice(line, line + 2).join(' ')); text = lines.join('\n'); break;
      default: lines.splice(random(lines.length), 0, ...lines.splice(line, 1)); text = lines.join('\n'); break;
    }
  }
  return text;
}

describe('config: the fast path agrees with the yaml document', () => {
  it('on every YAML text of the repository and its docs', () => {
    const texts = repositoryTexts();
    assert.ok(texts.length > 10, `only ${texts.length} texts found`);
    for (const { name, text } of texts) agree(name, text);
  });

  it('on YAML\'s corners: scalars, strings, collections, what it declines, and broken YAML', () => {
    for (const [name, text] of Object.entries(CORNERS)) agree(name, text);
  });

  it('reads the scalars, strings and collections itself (a reader that declined everything would agree too)', () => {
    for (const name of ['compactLists', 'emptyValues']) assert.ok(readPlainYaml(CORNERS[name]), `${name}: the plain reader declined it`);
    for (const name of ['scalars', 'strings', 'collections', 'documents', 'bom', 'crlf', 'comments']) {
      const read = readYamlData(CORNERS[name]);
      assert.ok(read.ok, `${name}: declined (${read.ok ? '' : read.reason})`);
    }
    const sample = readYamlData(SAMPLE);
    assert.ok(sample.ok && parseConfig(SAMPLE, FILE).ok, 'the sample config takes the fast path');
    for (const name of ['alias', 'directive', 'explicitKey', 'nullKey', 'emptyKey', 'collectionKey', 'tab', 'duplicate', 'duplicateFlow']) {
      assert.equal(readYamlData(CORNERS[name]).ok, false, `${name} must be declined`);
    }
  });

  it('the plain reader reads the configs it is for: the sample, and environments of real-host shape', () => {
    const head = SAMPLE.slice(0, SAMPLE.indexOf('\nenvironments:') + 1);
    for (const text of [SAMPLE, `${head}environments:\n${SSH_ENVIRONMENT}`]) {
      const plain = readPlainYaml(text);
      assert.ok(plain, 'declined');
      assert.deepStrictEqual(plain.data, parse(text, { merge: true, maxAliasCount: 100 }));
    }
  });

  it('on thousands of randomly mutated configs, the plain reader accepts only what the yaml package reads the same way', () => {
    const head = SAMPLE.slice(0, SAMPLE.indexOf('\nenvironments:') + 1);
    // Mostly the configs it reads; YAML's corners too, though it declines most of them as they are.
    const configs = [SAMPLE, `${head}environments:\n${SSH_ENVIRONMENT}`];
    const corners = Object.values(CORNERS);
    let accepted = 0;
    let tried = 0;
    for (let seed = 1; seed <= 4000; seed++) {
      const random = randomSource(seed);
      const text = mutate(random(4) > 0 ? configs[random(configs.length)] : corners[random(corners.length)], random);
      const plain = readPlainYaml(text);
      tried++;
      if (!plain) continue;
      accepted++;
      const doc = parseDocument(text, { merge: true, uniqueKeys: true });
      assert.deepEqual([...doc.errors, ...doc.warnings].map((e) => e.message), [], `seed ${seed}: the plain reader accepted a text the yaml package refuses:\n${text}`);
      assert.deepStrictEqual(plain.data, parse(text, { merge: true, maxAliasCount: 100 }), `seed ${seed}: the readers' data differ:\n${text}`);
    }
    // The mutations must leave enough texts readable, or the agreement above tells nothing.
    assert.ok(accepted > tried / 5, `the plain reader accepted only ${accepted} of ${tried} mutated texts`);
  });

  it('on the sample config broken one line at a time', () => {
    const variants = brokenSamples();
    assert.ok(variants.length > 100);
    let refused = 0;
    for (const { name, text } of variants) {
      agree(name, text);
      if (!parseConfig(text, FILE).ok) refused++;
    }
    assert.ok(refused > variants.length / 4, `only ${refused} of ${variants.length} variants were refused: the breakage is not exercising the errors`);
  });

  it('a duplicate key and a schema error in a large config point at their lines', () => {
    const environments = Array.from({ length: 300 }, (_, i) => [
      `  env${i}:`,
      '    ssh: { user: deploy }',
      `    hosts: { lb${i}: { address: 10.0.${i % 250}.1 }, a${i}: {}, b${i}: {} }`,
      `    routers: [lb${i}]`,
      `    colors: { blue: { api: [a${i}], web: [a${i}] }, green: { api: [b${i}], web: [b${i}] } }`,
    ].join('\n'));
    const head = SAMPLE.slice(0, SAMPLE.indexOf('\nenvironments:') + 1);
    const valid = `${head}environments:\n${environments.join('\n')}\n`;
    assert.ok(parseConfig(valid, FILE).ok);
    const lines = valid.split('\n');
    const at = lines.indexOf('  env250:') + 1; // 1-based line of env250's key
    const duplicated = [...lines.slice(0, at + 1), '    ssh: { user: other }', ...lines.slice(at + 1)].join('\n');
    const dup = parseConfig(duplicated, FILE);
    assert.ok(!dup.ok);
    assert.deepEqual(dup.errors.map((e) => e.line), [at + 2]);
    assert.match(dup.errors[0].message, /duplicate|unique/i);
    const badPort = valid.replace('    ssh: { user: deploy }\n    hosts: { lb250:', '    ssh: { user: deploy, port: 70000 }\n    hosts: { lb250:');
    const port = parseConfig(badPort, FILE);
    assert.ok(!port.ok);
    assert.deepEqual(port.errors.map((e) => [e.path, e.line]), [['environments.env250.ssh.port', at + 1]]);
  });

  it('an artifact\'s line is the one its key is on, found when asked', () => {
    const text = SAMPLE.replace(/^( {2}api:.*\n)/m, '$1    artifact: { path: "target/api-{{version}}.tar.gz" }\n');
    const result = parseConfig(text, FILE);
    const reference = parseConfigWithDocument(text, FILE);
    assert.ok(result.ok, result.ok ? '' : formatConfigError(result.errors[0]));
    assert.ok(reference.ok);
    const api = result.config.apps.find((a) => a.name === 'api');
    const line = text.split('\n').findIndex((l) => l.includes('artifact:')) + 1;
    assert.equal(api?.artifact?.line, line);
    assert.equal(reference.config.apps.find((a) => a.name === 'api')?.artifact?.line, line);
  });
});
