// The built CLI's compile cache (src/cli/compileCache.ts): the first run writes V8's code cache
// into the user's cache folder, later runs use it, and anything wrong with it — a file V8 rejects,
// one that others could have written, a folder that cannot be made — costs at most a compile: the command's result is the same, and nothing is said about it.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { cacheFolder } from '../../src/cli/compileCache';
import { CLI, ensureCliBuilt, ROOT } from '../helpers/cli';

describe('cli: the compile cache', function () {
  this.timeout(120_000);
  let home: string;
  let folder: string;

  /** `bluegreen validate` of the sample config with the cache folder under `home`. */
  function validate(env: Record<string, string> = {}): void {
    const run = spawnSync(process.execPath, [CLI, '--config', path.join(ROOT, 'bluegreen.yaml'), 'validate'], {
      encoding: 'utf8', env: { ...process.env, HOME: home, XDG_CACHE_HOME: path.join(home, '.cache'), BLUEGREEN_NO_COMPILE_CACHE: '', ...env },
    });
    assert.equal(run.status, 0, run.stderr);
    assert.equal(run.stderr, '');
    assert.match(run.stdout, /bluegreen\.yaml is valid/);
  }
  const cacheFiles = () => (fs.existsSync(folder) ? fs.readdirSync(folder).filter((f) => f.endsWith('.v8')) : []);
  const theCache = () => {
    const files = cacheFiles();
    assert.equal(files.length, 1, `cache files: ${files.join(', ')}`);
    return path.join(folder, files[0]);
  };

  before(() => ensureCliBuilt());
  beforeEach(() => {
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'bluegreen-cache-'));
    folder = path.join(home, '.cache', 'bluegreen');
  });
  afterEach(() => fs.rmSync(home, { recursive: true, force: true }));

  it('is written by the first run, for the user alone, and used as it is by the next', () => {
    validate();
    const file = theCache();
    assert.match(path.basename(file), new RegExp(`^cli-[0-9a-f]{16}-${process.version}-${process.arch}\\.v8$`));
    assert.equal(fs.statSync(file).mode & 0o777, 0o600);
    assert.equal(fs.statSync(folder).mode & 0o777, 0o700);
    const written = fs.readFileSync(file);
    fs.utimesSync(file, new Date(0), new Date(0));
    validate();
    assert.equal(fs.statSync(file).mtimeMs, 0, 'a cache V8 accepted is not written again');
    assert.deepEqual(fs.readFileSync(file), written);
  });

  it('a file V8 rejects is replaced', () => {
    validate();
    const file = theCache();
    fs.writeFileSync(file, Buffer.alloc(4096, 7), { mode: 0o600 });
    validate();
    assert.notDeepEqual(fs.readFileSync(file), Buffer.alloc(4096, 7));
    assert.ok(fs.statSync(file).size > 100_000);
  });

  it('a file others could have written is never read, and replaced by the user\'s own', () => {
    validate();
    const file = theCache();
    fs.writeFileSync(file, Buffer.alloc(4096, 7));
    fs.chmodSync(file, 0o666);
    validate();
    assert.equal(fs.statSync(file).mode & 0o777, 0o600);
    assert.ok(fs.statSync(file).size > 100_000);
  });

  it('keeps four builds\' caches: the oldest others go when this build writes its own', () => {
    fs.mkdirSync(folder, { recursive: true, mode: 0o700 });
    const others = [1, 2, 3, 4].map((n) => {
      const file = path.join(folder, `cli-000000000000000${n}-${process.version}-${process.arch}.v8`);
      fs.writeFileSync(file, 'another build', { mode: 0o600 });
      fs.utimesSync(file, new Date(n * 1000), new Date(n * 1000)); // 1 is the oldest
      return file;
    });
    validate();
    assert.deepEqual(others.map((file) => fs.existsSync(file)), [false, true, true, true]);
    assert.equal(cacheFiles().length, 4);
  });

  it('a run on a Docker environment caches dockerode beside the program, as one build', () => {
    // An engine that is not there: status reports it, after dockerode has been required.
    const status = () => spawnSync(process.execPath, [CLI, '--config', path.join(ROOT, 'bluegreen.yaml'), '--env', 'sandbox', 'status'], {
      encoding: 'utf8', env: { ...process.env, HOME: home, XDG_CACHE_HOME: path.join(home, '.cache'), BLUEGREEN_NO_COMPILE_CACHE: '', DOCKER_HOST: `unix://${path.join(home, 'no-engine.sock')}` },
    });
    const first = status();
    assert.match(first.stdout + first.stderr, /Docker engine/);
    const files = cacheFiles().sort();
    assert.equal(files.length, 2, `cache files: ${files.join(', ')}`);
    assert.equal(files[0], files[1].replace(/\.v8$/, '.dockerode.v8'));
    const dockerode = path.join(folder, files[0]);
    fs.utimesSync(dockerode, new Date(0), new Date(0));
    const second = status();
    assert.equal(second.stdout + second.stderr, first.stdout + first.stderr);
    assert.equal(fs.statSync(dockerode).mtimeMs, 0, 'a dockerode cache V8 accepted is not written again');

    // A build's two files go together when they are the oldest others.
    const file = (n: number, bundle = '') => path.join(folder, `cli-000000000000000${n}-${process.version}-${process.arch}${bundle}.v8`);
    for (const n of [1, 2, 3, 4]) {
      for (const f of [file(n), file(n, '.dockerode')]) {
        fs.writeFileSync(f, 'another build', { mode: 0o600 });
        fs.utimesSync(f, new Date(n * 1000), new Date(n * 1000));
      }
    }
    fs.rmSync(path.join(folder, files[1]));
    status();
    assert.deepEqual([1, 2, 3, 4].map((n) => [fs.existsSync(file(n)), fs.existsSync(file(n, '.dockerode'))]), [[false, false], [true, true], [true, true], [true, true]]);
  });

  it('no cache where it is turned off or the folder cannot be made, and the command runs the same', () => {
    validate({ BLUEGREEN_NO_COMPILE_CACHE: '1' });
    assert.deepEqual(cacheFiles(), []);
    fs.writeFileSync(path.join(home, 'not-a-folder'), '');
    validate({ XDG_CACHE_HOME: path.join(home, 'not-a-folder') });
    assert.deepEqual(cacheFiles(), []);
  });

  it('the cache folder is the platform\'s', () => {
    const home = os.homedir();
    assert.equal(cacheFolder({}, 'linux'), path.join(home, '.cache', 'bluegreen'));
    assert.equal(cacheFolder({ XDG_CACHE_HOME: '/var/cache/me' }, 'linux'), path.join('/var/cache/me', 'bluegreen'));
    assert.equal(cacheFolder({ XDG_CACHE_HOME: 'relative' }, 'linux'), path.join(home, '.cache', 'bluegreen'));
    assert.equal(cacheFolder({}, 'darwin'), path.join(home, 'Library', 'Caches', 'bluegreen'));
    assert.equal(cacheFolder({ LOCALAPPDATA: 'C:\\Users\\me\\AppData\\Local' }, 'win32'), path.join('C:\\Users\\me\\AppData\\Local', 'bluegreen', 'Cache'));
    assert.equal(cacheFolder({}, 'win32'), undefined);
    assert.equal(cacheFolder({ BLUEGREEN_NO_COMPILE_CACHE: '1' }, 'linux'), undefined);
  });
});
