// Bundles the extension-host suite into out/test/vscode/: one file per test plus index.js.
// `vscode` comes from the extension host; mocha is resolved from the repo's node_modules.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { build } from 'esbuild';

export const SUITE_SOURCE_DIR = path.join(__dirname, 'suite');
export const SUITE_OUT_DIR = path.resolve(__dirname, '..', '..', 'out', 'test', 'vscode');

/** Returns the path of the built index.js, the module whose run() starts the suite. */
export async function buildSuite(): Promise<string> {
  fs.rmSync(SUITE_OUT_DIR, { recursive: true, force: true });
  const entries = fs.readdirSync(SUITE_SOURCE_DIR)
    .filter((f) => f === 'index.ts' || f.endsWith('.test.ts') || f.endsWith('.untrusted.ts'))
    .map((f) => path.join(SUITE_SOURCE_DIR, f));
  await build({
    entryPoints: entries,
    outdir: SUITE_OUT_DIR,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    sourcemap: 'inline',
    logLevel: 'warning',
    external: ['vscode', 'mocha', 'mocha/*', 'cpu-features'],
    loader: { '.node': 'empty' },
  });
  return path.join(SUITE_OUT_DIR, 'index.js');
}
