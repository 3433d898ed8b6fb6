// The CLI's program (dist/cli/program.cjs) loaded with V8's code cache: what the first run
// compiled, kept in the user's cache folder, so later runs skip parsing and compiling a megabyte
// of JavaScript (40–60 ms of `status` before its first host call here: docs/benchmarks.md).
// Node 20 has no compile cache of its own (module.enableCompileCache came in Node 22).
//
// The cache is an optimisation only: any problem with it (no home folder, a read-only disk, a file
// V8 rejects) means the program is compiled as usual. A cache file runs as code, so only one the
// current user owns, in a folder only they can write, is ever read.
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import type { Stats } from 'node:fs';
import { createRequire } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vm from 'node:vm';

/** Where the user's caches go on this platform, or undefined when there is no home to put them in. */
export function cacheFolder(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string | undefined {
  if (env.BLUEGREEN_NO_COMPILE_CACHE === '1') return undefined;
  let home: string;
  try {
    home = os.homedir();
  } catch {
    return undefined;
  }
  if (platform === 'win32') return env.LOCALAPPDATA ? path.join(env.LOCALAPPDATA, 'bluegreen', 'Cache') : undefined;
  if (!home) return undefined;
  if (platform === 'darwin') return path.join(home, 'Library', 'Caches', 'bluegreen');
  return path.join(env.XDG_CACHE_HOME && path.isAbsolute(env.XDG_CACHE_HOME) ? env.XDG_CACHE_HOME : path.join(home, '.cache'), 'bluegreen');
}

/** Only the current user may have written it: their own, and not writable by group or others. */
function ownedByMe(stats: Stats): boolean {
  if (process.platform === 'win32' || typeof process.getuid !== 'function') return true;
  return stats.uid === process.getuid() && (stats.mode & 0o022) === 0;
}

/**
 * The program's exports. `programHash` names the build (scripts/build.mjs hashes program.cjs); with
 * none (a build without it), or where the cache cannot be used, the file is simply required.
 */
export function requireProgram(file: string, programHash: string | undefined): unknown {
  const folder = programHash ? cacheFolder() : undefined;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  if (!folder) return require(file);

  const cacheFile = path.join(folder, `cli-${programHash}-${process.version}-${process.arch}.v8`);
  let cachedData: Buffer | undefined;
  try {
    if (ownedByMe(statSync(folder)) && ownedByMe(statSync(cacheFile))) cachedData = readFileSync(cacheFile);
  } catch {
    // No cache yet.
  }
  // Node's own CommonJS wrapper, on the first line so that stack traces keep their line numbers.
  const source = `(function (exports, require, module, __filename, __dirname) { ${readFileSync(file, 'utf8')}\n})`;
  // The program has no import() (the build checks): a vm.Script's would need a loader of its own.
  const script = new vm.Script(source, { filename: file, cachedData });
  const program = { exports: {} as unknown };
  (script.runInThisContext() as (...args: unknown[]) => void)(program.exports, createRequire(file), program, file, path.dirname(file));
  if (!cachedData || script.cachedDataRejected) {
    // At exit, so the cache holds every function this run compiled, not only the top level.
    process.once('exit', () => writeCache(folder, cacheFile, () => script.createCachedData()));
  }
  return program.exports;
}

/** How many cache files the folder keeps, this run's included. */
const CACHES_KEPT = 4;

function writeCache(folder: string, cacheFile: string, data: () => Buffer): void {
  // Written beside it, then renamed: a run starting meanwhile reads the old file or the new one, whole.
  const partial = `${cacheFile}.${process.pid}.partial`;
  try {
    mkdirSync(folder, { recursive: true, mode: 0o700 });
    if (!ownedByMe(statSync(folder))) return;
    writeFileSync(partial, data(), { mode: 0o600 });
    renameSync(partial, cacheFile);
    // A few builds' caches stay (an editor's CLI and a global one, several Node versions); the
    // oldest of the rest go.
    const others = readdirSync(folder)
      .filter((name) => name.startsWith('cli-') && name.endsWith('.v8') && path.join(folder, name) !== cacheFile)
      .map((name) => ({ file: path.join(folder, name), mtimeMs: statSync(path.join(folder, name)).mtimeMs }))
      .sort((a, b) => b.mtimeMs - a.mtimeMs);
    for (const { file } of others.slice(CACHES_KEPT - 1)) rmSync(file, { force: true });
  } catch {
    // A cache that cannot be written costs the next run its compile, nothing more.
    try {
      rmSync(partial, { force: true });
    } catch {
      // Nowhere to have written it.
    }
  }
}
