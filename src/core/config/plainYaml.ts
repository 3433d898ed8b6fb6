// A reader for the plain YAML that configs are written in, about three times faster than js-yaml
// on a large config (docs/benchmarks.md): block mappings and lists, flow collections on one line,
// plain and quoted scalars on one line, comments. Anything else it declines — an anchor, a tag, a
// block scalar, a key that is not a plain name, a duplicate key, text it is not sure how the yaml
// package reads — and fastYaml.ts then reads the text as before. So it only has to agree with the
// yaml package on the texts it accepts: test/unit/config-fast-path.test.ts checks that on every
// YAML text of the repository, YAML's corners, and thousands of mutated configs.

import { plainScalarValue } from './coreScalars';

/** Thrown, and caught in readPlainYaml, whenever the reader is not sure: the other readers decide. */
const DECLINE = Symbol('decline');

/**
 * What this reader leaves to the others, on the whole text at once: a character that is not
 * printable or that YAML treats specially (tab, carriage return, BOM, NEL, a lone surrogate).
 */
// eslint-disable-next-line no-control-regex
const UNSURE_CHARACTER = /[\x00-\x09\x0B-\x1F\x7F-\x9F\uFEFF\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** The yaml package refuses an implicit key over 1,024 characters; both fast readers decline lines longer than this. */
export const LONGEST_LINE = 1000;

/** Characters of a key this reader accepts: a plain name, `a-z A-Z 0-9 _ - . /`, not starting with a digit, `-` or `.`. */
const KEY_CHAR = new Uint8Array(128);
const KEY_START = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  const ch = String.fromCharCode(c);
  KEY_CHAR[c] = /[A-Za-z0-9_\-./]/.test(ch) ? 1 : 0;
  KEY_START[c] = /[A-Za-z_/]/.test(ch) ? 1 : 0;
}
/** Keys that the core schema reads as null or a boolean (`true:` is the key "true" only after a conversion), or that an object treats specially. */
const UNSURE_KEYS = new Set(['null', 'Null', 'NULL', 'true', 'True', 'TRUE', 'false', 'False', 'FALSE', '__proto__']);

/** Characters a plain scalar may not start with (YAML's indicators), besides `[ { " '`, which start something else. */
const NOT_PLAIN_START = new Set('-?:,]}#&*!|>%@`');

/** A run of characters that cannot end or change a plain scalar in a flow collection. */
const FLOW_PLAIN_RUN = /[^,[\]{}:#\n]*/y;

/** After a colon in a flow collection, what makes it a key's colon. */
const FLOW_KEY_FOLLOWER = ' ,]}';

const SPACE = 0x20;
const COLON = 0x3a;
const HASH = 0x23;

/** The data of `text`, or undefined when this reader is not sure of it. */
export function readPlainYaml(text: string): { data: unknown } | undefined {
  if (UNSURE_CHARACTER.test(text)) return undefined;
  try {
    return { data: new PlainReader(text).document() };
  } catch (error) {
    if (error === DECLINE) return undefined;
    throw error;
  }
}

class PlainReader {
  /** Per content line (blank and comment-only lines left out): where its content starts and ends, and its indentation. */
  private readonly starts: Int32Array;
  private readonly ends: Int32Array;
  private readonly indents: Int32Array;
  private readonly lines: number;
  private line = 0;
  /** Where the node read last ends (node() and the readers it calls set it). */
  private after = 0;

  constructor(private readonly text: string) {
    let capacity = 1;
    for (let at = text.indexOf('\n'); at >= 0; at = text.indexOf('\n', at + 1)) capacity++;
    this.starts = new Int32Array(capacity);
    this.ends = new Int32Array(capacity);
    this.indents = new Int32Array(capacity);
    let lines = 0;
    for (let lineStart = 0; lineStart < text.length;) {
      let lineEnd = text.indexOf('\n', lineStart);
      if (lineEnd < 0) lineEnd = text.length;
      if (lineEnd - lineStart > LONGEST_LINE) throw DECLINE;
      let start = lineStart;
      while (start < lineEnd && text.charCodeAt(start) === SPACE) start++;
      if (start < lineEnd && text.charCodeAt(start) !== HASH) {
        let end = lineEnd;
        while (text.charCodeAt(end - 1) === SPACE) end--;
        this.starts[lines] = start;
        this.ends[lines] = end;
        this.indents[lines] = start - lineStart;
        lines++;
      }
      lineStart = lineEnd + 1;
    }
    this.lines = lines;
  }

  document(): unknown {
    if (this.lines === 0) throw DECLINE;
    const data = this.block(this.indents[0]);
    if (this.line < this.lines) throw DECLINE;
    return data;
  }

  /** A block mapping or list whose first line is the current one, at indentation `indent`. */
  private block(indent: number): unknown {
    return this.isListItem(this.starts[this.line]) ? this.list(indent) : this.mapping(indent);
  }

  private isListItem(at: number): boolean {
    return this.text.charCodeAt(at) === 0x2d && (at + 1 === this.ends[this.line] || this.text.charCodeAt(at + 1) === SPACE);
  }

  private mapping(indent: number): Record<string, unknown> {
    const map: Record<string, unknown> = {};
    while (this.line < this.lines) {
      const lineIndent = this.indents[this.line];
      if (lineIndent < indent) break;
      if (lineIndent > indent) throw DECLINE;
      const start = this.starts[this.line];
      const end = this.ends[this.line];
      const afterKey = this.keyEnd(start, end);
      if (afterKey < 0) throw DECLINE;
      const key = this.text.slice(start, afterKey);
      if (Object.prototype.hasOwnProperty.call(map, key)) throw DECLINE;
      const at = this.skipSpaces(afterKey + 1, end);
      if (at === end || this.text.charCodeAt(at) === HASH) {
        // The value is on the lines below: a deeper block, a list at this indentation, or nothing (null).
        this.line++;
        if (this.line < this.lines && this.indents[this.line] > indent) map[key] = this.block(this.indents[this.line]);
        else if (this.line < this.lines && this.indents[this.line] === indent && this.isListItem(this.starts[this.line])) map[key] = this.list(indent);
        else map[key] = null;
      } else {
        map[key] = this.lineValue(at, end);
      }
    }
    return map;
  }

  private list(indent: number): unknown[] {
    const items: unknown[] = [];
    while (this.line < this.lines && this.indents[this.line] === indent && this.isListItem(this.starts[this.line])) {
      const end = this.ends[this.line];
      const at = this.skipSpaces(this.starts[this.line] + 1, end);
      if (at === end || this.text.charCodeAt(at) === HASH || this.isListItem(at)) throw DECLINE; // an item on the next lines, or a list in a list
      if (this.keyEnd(at, end) >= 0) {
        // `- key: value`: a mapping whose keys line up with this first one.
        const column = indent + (at - this.starts[this.line]);
        this.starts[this.line] = at;
        this.indents[this.line] = column;
        items.push(this.mapping(column));
      } else {
        items.push(this.lineValue(at, end));
      }
    }
    if (this.line < this.lines && this.indents[this.line] > indent) throw DECLINE;
    return items;
  }

  /** A value that ends its line (a comment may follow); the line after must not continue it. */
  private lineValue(at: number, end: number): unknown {
    const value = this.node(at, end, false);
    const after = this.after;
    const rest = this.skipSpaces(after, end);
    if (rest < end && !(this.text.charCodeAt(rest) === HASH && rest > after)) throw DECLINE;
    this.line++;
    if (this.line < this.lines && this.indents[this.line] > this.indents[this.line - 1]) throw DECLINE;
    return value;
  }

  /** The node at `at`: a quoted or plain scalar or a flow collection. Its value; where it ends goes to `after`. */
  private node(at: number, end: number, inFlow: boolean): unknown {
    switch (this.text.charCodeAt(at)) {
      case 0x22: return this.doubleQuoted(at, end); // "
      case 0x27: return this.singleQuoted(at, end); // '
      case 0x5b: return this.flowList(at, end); // [
      case 0x7b: return this.flowMapping(at, end); // {
      default: return inFlow ? this.flowPlain(at, end) : this.blockPlain(at, end);
    }
  }

  /** Where a `key:` that starts at `at` ends (the colon), or -1 if the text there is not one this reader accepts. */
  private keyEnd(at: number, end: number): number {
    const text = this.text;
    if (!KEY_START[text.charCodeAt(at)]) return -1;
    let i = at + 1;
    while (i < end && KEY_CHAR[text.charCodeAt(i)]) i++;
    if (i === end || text.charCodeAt(i) !== COLON || (i + 1 < end && text.charCodeAt(i + 1) !== SPACE)) return -1;
    if (UNSURE_KEYS.has(text.slice(at, i))) throw DECLINE;
    return i;
  }

  private skipSpaces(at: number, end: number): number {
    while (at < end && this.text.charCodeAt(at) === SPACE) at++;
    return at;
  }

  /** A plain scalar in a block: up to a comment or the line's end. */
  private blockPlain(at: number, end: number): unknown {
    const text = this.text;
    if (NOT_PLAIN_START.has(text[at])) throw DECLINE;
    let stop = at + 1;
    while (stop < end && !(text.charCodeAt(stop) === HASH && text.charCodeAt(stop - 1) === SPACE)) stop++;
    while (text.charCodeAt(stop - 1) === SPACE) stop--;
    const scalar = text.slice(at, stop);
    if (scalar.includes(': ') || scalar.endsWith(':')) throw DECLINE; // a mapping the reader did not expect
    this.after = stop;
    return plainScalarValue(scalar);
  }

  /** A plain scalar in a flow collection: up to `,`, `]` or `}`. */
  private flowPlain(at: number, end: number): unknown {
    const text = this.text;
    if (NOT_PLAIN_START.has(text[at])) throw DECLINE;
    let i = at;
    for (;;) {
      // Over the characters that need no thought at once (a regular expression is native code).
      FLOW_PLAIN_RUN.lastIndex = i;
      FLOW_PLAIN_RUN.test(text);
      i = FLOW_PLAIN_RUN.lastIndex;
      if (i >= end) throw DECLINE; // not closed on this line
      const c = text.charCodeAt(i);
      if (c === 0x2c || c === 0x5d || c === 0x7d) break; // , ] }
      if (c === 0x5b || c === 0x7b) throw DECLINE; // [ {
      if (c === COLON && (i + 1 === end || FLOW_KEY_FOLLOWER.includes(text[i + 1]))) throw DECLINE; // an implicit key
      if (c === HASH && text.charCodeAt(i - 1) === SPACE) throw DECLINE; // a comment inside a flow collection
      i++; // a colon or # inside the scalar
    }
    let stop = i;
    while (text.charCodeAt(stop - 1) === SPACE) stop--;
    this.after = i;
    return plainScalarValue(text.slice(at, stop));
  }

  private doubleQuoted(at: number, end: number): unknown {
    const close = this.text.indexOf('"', at + 1);
    if (close < 0 || close >= end) throw DECLINE;
    const content = this.text.slice(at + 1, close);
    if (content.includes('\\')) throw DECLINE; // escapes: the other readers decode them
    this.after = close + 1;
    return content;
  }

  private singleQuoted(at: number, end: number): unknown {
    let content = '';
    for (let from = at + 1; ;) {
      const quote = this.text.indexOf("'", from);
      if (quote < 0 || quote >= end) throw DECLINE;
      content += this.text.slice(from, quote);
      if (this.text.charCodeAt(quote + 1) !== 0x27) {
        this.after = quote + 1;
        return content;
      }
      content += "'";
      from = quote + 2;
    }
  }

  private flowList(at: number, end: number): unknown {
    const items: unknown[] = [];
    this.flowEntries(at, end, 0x5d, (i) => { items.push(this.node(i, end, true)); }); // ]
    return items;
  }

  private flowMapping(at: number, end: number): unknown {
    const map: Record<string, unknown> = {};
    this.flowEntries(at, end, 0x7d, (i) => { // }
      const afterKey = this.keyEnd(i, end);
      if (afterKey < 0 || afterKey + 1 >= end) throw DECLINE;
      const key = this.text.slice(i, afterKey);
      if (Object.prototype.hasOwnProperty.call(map, key)) throw DECLINE;
      map[key] = this.node(this.skipSpaces(afterKey + 1, end), end, true);
    });
    return map;
  }

  /**
   * The entries of the flow collection that opens at `at`, separated by commas, up to `closer` on
   * the same line; `entry` reads the one at its argument and leaves `after` at its end.
   */
  private flowEntries(at: number, end: number, closer: number, entry: (at: number) => void): void {
    let i = this.skipSpaces(at + 1, end);
    for (let first = true; ; first = false) {
      if (i >= end) throw DECLINE; // not closed on this line
      if (this.text.charCodeAt(i) === closer) {
        if (!first) throw DECLINE; // a trailing comma
        break;
      }
      entry(i);
      i = this.skipSpaces(this.after, end);
      if (i < end && this.text.charCodeAt(i) === closer) break;
      if (i >= end || this.text.charCodeAt(i) !== 0x2c) throw DECLINE; // ,
      i = this.skipSpaces(i + 1, end);
    }
    this.after = i + 1;
  }
}
