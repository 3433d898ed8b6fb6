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
 * Bundles beside the program (scripts/build.mjs's lazyBundles) that get a cache of their own when
 * the program requires them: dockerode, 200 KB that every run on a Docker environment compiles
 * before its first call to the engine (20 ms here; 7 ms from its cache).
 */
const CACHED_BUNDLES = ['./dockerode.cjs'];

/**
 * The program's exports. `programHash` names the build (scripts/build.mjs hashes program.cjs and the
 * bundles beside it); with none (a build without it), or where the cache cannot be used, the file is
 * simply required.
 */
export function requireProgram(file: string, programHash: string | undefined): unknown {
  const folder = programHash ? cacheFolder() : undefined;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  if (!folder) return require(file);

  const build = `cli-${programHash}-${process.version}-${process.arch}`;
  const plainRequire = createRequire(file);
  const bundles = new Map<string, unknown>();
  const programRequire = Object.assign((request: string): unknown => {
    if (!CACHED_BUNDLES.includes(request)) return plainRequire(request);
    // Required once, as require would: every caller gets the same exports.
    if (!bundles.has(request)) {
      const bundle = path.resolve(path.dirname(file), request);
      bundles.set(request, runCompiled(bundle, createRequire(bundle), folder, build, `${build}.${path.basename(request, '.cjs')}.v8`));
    }
    return bundles.get(request);
  }, { resolve: plainRequire.resolve, cache: plainRequire.cache, main: plainRequire.main, extensions: plainRequire.extensions });
  return runCompiled(file, programRequire, folder, build, `${build}.v8`);
}

/** Runs a CommonJS file compiled with the cache `cacheName` in `folder`, which it writes at exit when it had none V8 took. */
function runCompiled(file: string, requireFn: NodeJS.Require | ((request: string) => unknown), folder: string, build: string, cacheName: string): unknown {
  const cacheFile = path.join(folder, cacheName);
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
  const module = { exports: {} as unknown };
  (script.runInThisContext() as (...args: unknown[]) => void)(module.exports, requireFn, module, file, path.dirname(file));
  if (!cachedData || script.cachedDataRejected) {
    // At exit, so the cache holds every function this run compiled, not only the top level.
    process.once('exit', () => writeCache(folder, build, cacheFile, () => script.createCachedData()));
  }
  return module.exports;
}

/** `cli-<hash>-v20.20.2-x64.dockerode.v8` → `cli-<hash>-v20.20.2-x64`. */
const buildOf = (name: string) => name.replace(/(\.[a-z]+)?\.v8$/, '');

/** How many builds' caches the folder keeps, this run's included. */
const BUILDS_KEPT = 4;

function writeCache(folder: string, build: string, cacheFile: string, data: () => Buffer): void {
  // Written beside it, then renamed: a run starting meanwhile reads the old file or the new one, whole.
  const partial = `${cacheFile}.${process.pid}.partial`;
  try {
    mkdirSync(folder, { recursive: true, mode: 0o700 });
    if (!ownedByMe(statSync(folder))) return;
    writeFileSync(partial, data(), { mode: 0o600 });
    renameSync(partial, cacheFile);
    // A few builds' caches stay (an editor's CLI and a global one, several Node versions); the
    // oldest of the rest go. A build's files are `<build>.v8` and `<build>.<bundle>.v8`.
    const caches = readdirSync(folder).filter((name) => name.startsWith('cli-') && name.endsWith('.v8'));
    const newest = new Map<string, number>();
    for (const name of caches) {
      const key = buildOf(name);
      if (key === build) continue;
      newest.set(key, Math.max(newest.get(key) ?? 0, statSync(path.join(folder, name)).mtimeMs));
    }
    const gone = new Set([...newest].sort((a, b) => b[1] - a[1]).slice(BUILDS_KEPT - 1).map(([key]) => key));
    for (const name of caches) if (gone.has(buildOf(name))) rmSync(path.join(folder, name), { force: true });
  } catch {
    // A cache that cannot be written costs the next run its compile, nothing more.
    try {
      rmSync(partial, { force: true });
    } catch {
      // Nowhere to have written it.
    }
  }
}
