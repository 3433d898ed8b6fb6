// The faces have no import circle: src/cli's commands import the leaf context.ts, never the table
// that registers them, and src/extension's folders (tree, stages, diagnostics, config, panel,
// commands) import each other without cycles. Relative imports are read from the source text,
// type-only ones included, since a type circle is still a knot for a reader.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..');
const SPEC = /(?:from|import)\s*\(?\s*['"](\.{1,2}\/[^'"]+)['"]/g;

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    return e.isDirectory() ? sources(full) : e.name.endsWith('.ts') ? [full] : [];
  });
}

function resolve(from: string, spec: string): string | undefined {
  const base = path.resolve(path.dirname(from), spec);
  return [`${base}.ts`, path.join(base, 'index.ts')].find((f) => fs.existsSync(f));
}

/** The first circle found among the files under `dir`, as a list of paths, or undefined. */
function findCircle(dir: string): string[] | undefined {
  const files = sources(dir);
  const edges = new Map(files.map((f) => [f, [...fs.readFileSync(f, 'utf8').matchAll(SPEC)]
    .map((m) => resolve(f, m[1])).filter((t): t is string => t !== undefined && t.startsWith(dir))]));
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (f: string): string[] | undefined => {
    if (state.get(f) === 'done') return undefined;
    if (state.get(f) === 'open') return [...stack.slice(stack.indexOf(f)), f];
    state.set(f, 'open');
    stack.push(f);
    for (const t of edges.get(f) ?? []) {
      const circle = visit(t);
      if (circle) return circle;
    }
    stack.pop();
    state.set(f, 'done');
    return undefined;
  };
  for (const f of files) {
    const circle = visit(f);
    if (circle) return circle.map((c) => path.relative(ROOT, c));
  }
  return undefined;
}

describe('import circles', () => {
  for (const face of ['src/cli', 'src/extension']) {
    it(`${face} has none`, () => {
      assert.equal(findCircle(path.join(ROOT, face))?.join(' → '), undefined);
    });
  }
});
