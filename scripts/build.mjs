// Bundles the two faces with esbuild: the extension (loaded by VS Code) and the CLI.
// Dependencies are bundled so the VSIX ships no node_modules; native optional bits stay external.
import { build } from 'esbuild';
import { readFileSync } from 'node:fs';

const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  minify: process.argv.includes('--minify') || process.env.BLUEGREEN_MINIFY === '1',
  sourcemap: false,
  logLevel: 'warning',
  // ssh2 (via docker-modem) probes for these optional native modules; they are not needed.
  external: ['vscode', 'cpu-features', './crypto/build/Release/sshcrypto.node'],
  loader: { '.node': 'empty' },
  define: { BLUEGREEN_VERSION: JSON.stringify(version) },
};

await Promise.all([
  build({ ...common, entryPoints: ['src/extension/extension.ts'], outfile: 'dist/extension.js' }),
  build({ ...common, entryPoints: ['src/cli/main.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' } }),
  // The traffic panel's webview script with uPlot bundled in, its CSS beside it: no remote content.
  build({ bundle: true, platform: 'browser', format: 'iife', target: 'es2022', minify: common.minify, logLevel: 'warning', entryPoints: { panel: 'media/panel/src/main.ts' }, outdir: 'media/panel/dist' }),
]);
