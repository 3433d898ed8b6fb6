// A module evaluated when a command runs, not when the CLI starts. In the bundle, `bundled` is an
// import() that esbuild turns into the module's lazy initialiser. From source (mocha's tsx/cjs hook covers
// require, not import()) the same module is required; its path is a variable, so esbuild leaves
// that branch alone. `fromCli` is the module's path from src/cli, without extension.
import * as path from 'node:path';

const fromSource = path.extname(__filename) === '.ts';

export function lazyModule<T>(bundled: () => Promise<T>, fromCli: string): Promise<T> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return fromSource ? Promise.resolve().then(() => require(path.join(__dirname, fromCli)) as T) : bundled();
}
