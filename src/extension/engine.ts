// The engine (dockerode, ssh2, yaml + ajv, the SQL parser, …), loaded on first use: it is built
// into its own file, dist/engine.js, beside dist/extension.js, so activation neither runs nor even
// compiles it; the first refresh or command pays for it once.
import * as path from 'node:path';

export type Engine = typeof import('./engineModules');

let loading: Promise<Engine> | undefined;

export function engine(): Promise<Engine> {
  loading ??= Promise.resolve().then(loadEngine);
  return loading;
}

function loadEngine(): Engine {
  // Bundled (dist/extension.js), the engine is dist/engine.js beside it, built by scripts/build.mjs;
  // run from source (tsx, mocha), it is engineModules.ts itself. The path is a variable on purpose:
  // esbuild leaves such a require to Node instead of inlining the engine into the caller's bundle.
  const fromSource = path.extname(__filename) === '.ts';
  const file = path.join(__dirname, fromSource ? 'engineModules' : 'engine.js');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(file) as Engine;
}
