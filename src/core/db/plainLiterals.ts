// The parser reads plain '…' strings and untagged $$…$$ bodies, but not E'…' strings or tagged
// $tag$…$tag$ bodies, and calling a safe migration "unparseable" sends people to --contract for
// nothing. The lint never judges a literal by its content, so each such literal is replaced by
// a plain one of the same length (same offsets, same lines) before parsing.
import type { SqlStatement } from './sqlStatements';

export function withPlainLiterals(statement: SqlStatement): string {
  let text = statement.text;
  for (const token of statement.tokens) {
    if (token.kind !== 'quoted') continue;
    const raw = statement.text.slice(token.start, token.end);
    const replacement = /^[Ee]'/.test(raw) && raw.endsWith("'") && raw.length >= 3 ? `'${filler(raw.slice(2, -1))}x'`
      : /^\$[A-Za-z_][A-Za-z0-9_]*\$/.test(raw) ? tagless(raw)
      : undefined;
    if (replacement !== undefined) text = text.slice(0, token.start) + replacement + text.slice(token.end);
  }
  return text;
}

/** Spaces for every character but newlines, so line numbers stay. */
function filler(body: string): string {
  return body.replace(/[^\n]/g, ' ');
}

/** `$fn$ body $fn$` → `$$` + the rest blanked + `$$`, the same length. */
function tagless(raw: string): string {
  const tag = /^\$[A-Za-z_][A-Za-z0-9_]*\$/.exec(raw)?.[0] ?? '$$';
  if (!raw.endsWith(tag) || raw.length < tag.length * 2) return raw;
  return `$$${filler(raw.slice(2, -2))}$$`;
}
