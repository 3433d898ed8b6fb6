// Splits a migration file into statements and words without understanding SQL: quotes, dollar
// quotes and comments are skipped, so a `;` inside them never ends a statement. Each statement
// is then parsed on its own, so one the parser cannot read is reported alone (rule
// `unparseable`) and the rest of the file is still checked.

export interface SqlToken {
  /** Upper-cased for words, the character itself for symbols, the raw text for quoted parts. */
  text: string;
  kind: 'word' | 'symbol' | 'quoted';
  /** Offset in the statement text. */
  start: number;
  end: number;
  /** Parenthesis depth at the token (0 = top level). */
  depth: number;
}

export interface SqlStatement {
  /** The statement's text, from its first token to its last (without the `;`). */
  text: string;
  /** Offset of `text` in the file. */
  offset: number;
  tokens: SqlToken[];
}

/** The statements of a file, in order; empty statements (`;;`, comments only) are dropped. */
export function splitStatements(source: string): SqlStatement[] {
  const statements: SqlStatement[] = [];
  let tokens: SqlToken[] = [];
  let depth = 0;
  const flush = () => {
    if (tokens.length) {
      const offset = tokens[0].start;
      const end = tokens[tokens.length - 1].end;
      statements.push({
        text: source.slice(offset, end),
        offset,
        tokens: tokens.map((t) => ({ ...t, start: t.start - offset, end: t.end - offset })),
      });
    }
    tokens = [];
    depth = 0;
  };
  let i = 0;
  while (i < source.length) {
    const c = source[i];
    const next = source[i + 1];
    if (/\s/.test(c)) { i++; continue; }
    if (c === '-' && next === '-') {
      const eol = source.indexOf('\n', i);
      i = eol < 0 ? source.length : eol + 1;
      continue;
    }
    if (c === '/' && next === '*') { i = skipBlockComment(source, i); continue; }
    if (c === ';') { flush(); i++; continue; }
    const start = i;
    if (c === "'" || ((c === 'E' || c === 'e') && next === "'")) {
      i = skipQuoted(source, c === "'" ? i : i + 1, "'", c !== "'");
      tokens.push({ text: source.slice(start, i), kind: 'quoted', start, end: i, depth });
      continue;
    }
    if (c === '"') {
      i = skipQuoted(source, i, '"', false);
      tokens.push({ text: source.slice(start, i), kind: 'quoted', start, end: i, depth });
      continue;
    }
    const dollar = c === '$' ? /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/.exec(source.slice(i, i + 64)) : null;
    if (dollar) {
      const close = source.indexOf(dollar[0], i + dollar[0].length);
      i = close < 0 ? source.length : close + dollar[0].length;
      tokens.push({ text: source.slice(start, i), kind: 'quoted', start, end: i, depth });
      continue;
    }
    if (/[A-Za-z0-9_]/.test(c)) {
      while (i < source.length && /[A-Za-z0-9_$.]/.test(source[i])) i++;
      tokens.push({ text: source.slice(start, i).toUpperCase(), kind: 'word', start, end: i, depth });
      continue;
    }
    if (c === ')') depth = Math.max(0, depth - 1);
    tokens.push({ text: c, kind: 'symbol', start, end: i + 1, depth });
    if (c === '(') depth++;
    i++;
  }
  flush();
  return statements;
}

function skipBlockComment(source: string, from: number): number {
  // PostgreSQL block comments nest.
  let nesting = 0;
  let i = from;
  while (i < source.length) {
    if (source.startsWith('/*', i)) { nesting++; i += 2; continue; }
    if (source.startsWith('*/', i)) { nesting--; i += 2; if (nesting === 0) return i; continue; }
    i++;
  }
  return source.length;
}

function skipQuoted(source: string, from: number, quote: string, backslashEscapes: boolean): number {
  let i = from + 1;
  while (i < source.length) {
    const c = source[i];
    if (backslashEscapes && c === '\\') { i += 2; continue; }
    if (c === quote) {
      if (source[i + 1] === quote) { i += 2; continue; }
      return i + 1;
    }
    i++;
  }
  return source.length;
}

/** 1-based line and column of an offset, as editors and compilers print them. */
export function lineColumn(source: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < source.length; i++) {
    if (source[i] === '\n') { line++; lineStart = i + 1; }
  }
  return { line, column: offset - lineStart + 1 };
}
