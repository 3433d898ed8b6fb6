// Issue 16, items 1–3, the pure parts: `artifact:` and `runtime:` in the schema (errors at their
// lines), the release tarball check (an executable `run` at the root), the artifact resolver
// without Docker, the stock runtime images' Dockerfiles, the sandbox's database only when the
// config has one, and `bluegreen init`'s detection on fixture folders.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { promises as fs, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { deflateRawSync } from 'node:zlib';
import { formatConfigError, parseConfig } from '../../src/core/config';
import { AppRuntime, AppSpec, BluegreenConfig } from '../../src/core/model';
import { checkReleaseTarball, readTarGz, runProblem } from '../../src/core/artifacts/tarball';
import { plannedResolvedArtifact, prepareArtifacts, resolveArtifact } from '../../src/core/artifacts/resolveArtifact';
import type Docker from 'dockerode';
import { ensureStockRuntimeImage, runtimeDockerfile } from '../../src/core/sandbox/runtimes';
import { sandboxHosts } from '../../src/core/sandbox/naming';
import { containerSpec } from '../../src/core/sandbox/containerSpec';
import { appNameFrom, detectApps, jarManifest, portIn } from '../../src/core/init/detect';
import { initConfig, writeInitConfig } from '../../src/core/init';
import { InputError, PrerequisiteError } from '../../src/core/errors';

const tmp = () => mkdtempSync(path.join(os.tmpdir(), 'bg-your-app-'));

function configText(app: string, extra = ''): string {
  return `apps:\n  web:\n    port: 8080\n    health: /\n    route: /\n${app}    deploy: ["/opt/bluegreen/bin/deploy web {{version}}"]\n${extra}environments:\n  sandbox:\n    docker: {}\n`;
}

function errorsOf(text: string): string[] {
  const result = parseConfig(text, '/project/bluegreen.yaml');
  return result.ok ? [] : result.errors.map(formatConfigError);
}

function configOf(text: string, file: string): BluegreenConfig {
  const result = parseConfig(text, file);
  if (!result.ok) throw new Error(result.errors.map(formatConfigError).join('\n'));
  return result.config;
}

/** Packs `files` (name → [content, mode]) as a gzipped tarball with the system tar, as a user's build would. */
async function tarball(file: string, files: Record<string, [string, number]>, options: { folder?: string } = {}): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'bg-tarball-'));
  const root = options.folder ? path.join(dir, options.folder) : dir;
  for (const [name, [content, mode]] of Object.entries(files)) {
    await fs.mkdir(path.dirname(path.join(root, name)), { recursive: true });
    await fs.writeFile(path.join(root, name), content);
    await fs.chmod(path.join(root, name), mode);
  }
  await fs.mkdir(path.dirname(file), { recursive: true });
  execFileSync('tar', ['-C', dir, '-czf', file, '.']);
  await fs.rm(dir, { recursive: true, force: true });
  return file;
}

describe('your app: artifact and runtime in the config', () => {
  it('accepts both artifact forms and the runtimes, and carries the artifact line into the model', () => {
    const text = configText('    runtime: node\n    artifact: { build: "npm run pack -- {{version}}", path: "dist/web-{{version}}.tar.gz" }\n');
    const config = configOf(text, '/project/bluegreen.yaml');
    assert.deepEqual(config.apps[0].artifact, { path: 'dist/web-{{version}}.tar.gz', build: 'npm run pack -- {{version}}', line: 7 });
    assert.deepEqual(config.apps[0].runtime, { kind: 'stock', name: 'node' });
    assert.deepEqual(configOf(configText('    runtime: java\n    artifact: dist/web-{{version}}.tgz\n'), '/p/bluegreen.yaml').apps[0].artifact, { path: 'dist/web-{{version}}.tgz', line: 7 });
    assert.deepEqual(configOf(configText('    runtime: { image: node:20-bookworm-slim }\n'), '/p/bluegreen.yaml').apps[0].runtime, { kind: 'image', image: 'node:20-bookworm-slim' });
  });

  it('refuses an unknown runtime, a bad artifact and runtime beside build, each at its line', () => {
    assert.deepEqual(errorsOf(configText('    runtime: python\n')), [
      'apps.web.runtime: must be one of "node", "java", got the string "python" (bluegreen.yaml:6:14)',
    ]);
    assert.deepEqual(errorsOf(configText('    runtime: { base: node }\n')), [
      'apps.web.runtime: missing required key "image" (bluegreen.yaml:6:14)',
      'apps.web.runtime.base: unknown key "base" (known keys: image) (bluegreen.yaml:6:16)',
    ]);
    assert.deepEqual(errorsOf(configText('    artifact: dist/web-{{release}}.tar.gz\n')), [
      'apps.web.artifact: unknown placeholder "{{release}}": only {{version}} is substituted here (bluegreen.yaml:6:15)',
    ]);
    assert.deepEqual(errorsOf(configText('    artifact: dist/web.zip\n')), [
      'apps.web.artifact: artifact "dist/web.zip" must name a gzipped tarball (.tar.gz or .tgz) (bluegreen.yaml:6:15)',
    ]);
    assert.deepEqual(errorsOf(configText('    artifact: { build: make }\n')), [
      'apps.web.artifact: missing required key "path" (bluegreen.yaml:6:15)',
    ]);
    const both = errorsOf(configText('    runtime: node\n    build: { context: . }\n'));
    assert.ok(both.some((e) => e.startsWith('apps.web.runtime: give either runtime (a stock sandbox image) or build (your own Dockerfile), not both (bluegreen.yaml:6:')), both.join('\n'));
  });

  it('the sandbox starts a database only when the config has one', () => {
    const without = configOf(configText('    runtime: node\n'), '/p/bluegreen.yaml');
    assert.equal(without.database.declared, undefined);
    assert.deepEqual(sandboxHosts(without, 'sandbox').map((h) => h.role), ['router', 'router', 'app', 'app']);
    const appHost = sandboxHosts(without, 'sandbox').find((h) => h.role === 'app');
    assert.ok(appHost);
    const spec = containerSpec(appHost, { config: without, sandbox: without.environments.sandbox as never, images: { db: '', router: 'r', apps: { web: 'w' } } });
    assert.equal(spec.env.DATABASE_URL, undefined);

    const withDb = configOf(configText('    runtime: node\n', 'database: {}\n'), '/p/bluegreen.yaml');
    assert.deepEqual(sandboxHosts(withDb, 'sandbox').map((h) => h.role), ['db', 'router', 'router', 'app', 'app']);
    const appHost2 = sandboxHosts(withDb, 'sandbox').find((h) => h.role === 'app');
    assert.ok(appHost2);
    assert.match(containerSpec(appHost2, { config: withDb, sandbox: withDb.environments.sandbox as never, images: { db: 'd', router: 'r', apps: { web: 'w' } } }).env.DATABASE_URL, /^postgres:\/\//);
  });

  it('stock runtimes: Debian 12 with the runtime, or the user\'s image, each with curl, sshd and sudo', () => {
    const node = runtimeDockerfile({ kind: 'stock', name: 'node' });
    assert.match(node, /^FROM debian:bookworm-slim$/m);
    assert.match(node, /apt-get install -y --no-install-recommends nodejs curl openssh-server sudo/);
    assert.match(runtimeDockerfile({ kind: 'stock', name: 'java' }), /install -y --no-install-recommends openjdk-17-jre-headless curl openssh-server sudo/);
    const image = runtimeDockerfile({ kind: 'image', image: 'node:20-bookworm-slim' });
    assert.match(image, /^FROM node:20-bookworm-slim$/m);
    assert.match(image, /--no-install-recommends curl openssh-server sudo /);
    assert.match(image, /^ENV PATH=\/opt\/bluegreen\/bin:.*\/usr\/local\/bin/m);
  });
});

describe('your app: a runtime image the engine does not have', () => {
  it('is pulled, and when it cannot be, refused naming the image and its config key', async () => {
    const pulled: string[] = [];
    const offline = {
      getImage: () => ({ inspect: async () => { throw Object.assign(new Error('no such image'), { statusCode: 404 }); } }),
      pull: async (reference: string) => { pulled.push(reference); throw new Error('registry unreachable'); },
    } as unknown as Docker;
    const config = configOf(configText('    runtime: { image: node:20-bookworm-slim }\n'), '/p/bluegreen.yaml');
    await assert.rejects(ensureStockRuntimeImage(offline, config.apps[0] as AppSpec & { runtime: AppRuntime }, {}), (error: PrerequisiteError) =>
      error instanceof PrerequisiteError
      && error.message === 'The image node:20-bookworm-slim (apps.web.runtime.image) is missing and cannot be pulled'
      && /docker pull node:20-bookworm-slim/.test(error.hint ?? ''));
    assert.deepEqual(pulled, ['node:20-bookworm-slim']);
  });
});

describe('your app: the release tarball check', () => {
  it('reads a gzipped tar and finds the executable run at its root', async () => {
    const dir = tmp();
    const file = await tarball(path.join(dir, 'good.tar.gz'), { run: ['#!/bin/sh\nexec node server.js\n', 0o755], 'server.js': ['', 0o644], [`deep/${'x'.repeat(120)}/file.txt`]: ['long name', 0o644] });
    const entries = await readTarGz(file);
    assert.ok(entries.some((e) => e.name === 'run' && e.type === 'file' && (e.mode & 0o111) !== 0));
    assert.ok(entries.some((e) => e.name === `deep/${'x'.repeat(120)}/file.txt`), 'a long name (pax/GNU) is read whole');
    await checkReleaseTarball(file, 'test');
  });

  it('refuses a tarball without run, with run not executable, with run in a subfolder, or not a tarball, naming the file', async () => {
    const dir = tmp();
    const noRun = await tarball(path.join(dir, 'web-1.2.0.tar.gz'), { 'server.js': ['', 0o644] });
    await assert.rejects(checkReleaseTarball(noRun, 'from apps.web.artifact in bluegreen.yaml:9'), (error: InputError) =>
      error instanceof InputError && error.message === `${noRun} (from apps.web.artifact in bluegreen.yaml:9) has no \`run\` at its root: the supervisor starts ./run (docs/your-app.md)`);
    const notExec = await tarball(path.join(dir, 'web-1.2.1.tar.gz'), { run: ['#!/bin/sh\n', 0o644] });
    await assert.rejects(checkReleaseTarball(notExec, 'x'), /web-1\.2\.1\.tar\.gz \(x\) has `run` without execute permission \(mode 0644\): chmod \+x run before packing/);
    const nested = await tarball(path.join(dir, 'web-1.2.2.tar.gz'), { run: ['#!/bin/sh\n', 0o755] }, { folder: 'release' });
    await assert.rejects(checkReleaseTarball(nested, 'x'), /has no `run` at its root \(found release\/run: pack the release folder's contents/);
    const junk = path.join(dir, 'web-1.2.3.tar.gz');
    await fs.writeFile(junk, 'not a tarball');
    await assert.rejects(checkReleaseTarball(junk, 'x'), /web-1\.2\.3\.tar\.gz \(x\) is not a gzipped tarball/);
  });

  it('runProblem: a symlinked run is refused', () => {
    assert.match(runProblem([{ name: 'run', type: 'symlink', mode: 0o777, size: 0, linkName: 'bin/start' }]) ?? '', /symlink \(to bin\/start\)/);
    assert.equal(runProblem([{ name: 'run', type: 'file', mode: 0o700, size: 3 }]), undefined);
  });
});

describe('your app: the artifact resolver (no Docker)', () => {
  it('runs the build command in the config folder, then checks the tarball it left', async () => {
    const dir = tmp();
    await fs.writeFile(path.join(dir, 'pack.sh'), [
      'set -eu', 'mkdir -p out/rel dist', 'printf "#!/bin/sh\\nexec true\\n" > out/rel/run', 'chmod +x out/rel/run',
      'echo "$1 $BLUEGREEN_VERSION" > out/rel/VERSION', 'tar -C out/rel -czf "dist/web-$1.tar.gz" .', '',
    ].join('\n'));
    const file = path.join(dir, 'bluegreen.yaml');
    const config = configOf(configText('    runtime: node\n    artifact: { build: "sh pack.sh {{version}}", path: "dist/web-{{version}}.tar.gz" }\n'), file);
    const planned = await plannedResolvedArtifact(config, config.apps[0], '1.2.0');
    assert.deepEqual(planned, { file: path.join(dir, 'dist/web-1.2.0.tar.gz'), ready: false, note: `would run \`sh pack.sh 1.2.0\` in ${dir}, then put dist/web-1.2.0.tar.gz (from apps.web.artifact in bluegreen.yaml:7)` });
    const lines: string[] = [];
    const artifact = await resolveArtifact(config, config.apps[0], '1.2.0', { onProgress: (p) => lines.push(p.detail) });
    assert.deepEqual(artifact, { app: 'web', version: '1.2.0', file: path.join(dir, 'dist/web-1.2.0.tar.gz'), from: 'user' });
    assert.ok(lines.includes(`running \`sh pack.sh 1.2.0\` in ${dir}`), lines.join('\n'));
  });

  it('builds a version once per process (a release puts the same bytes on both colors), again when the file changed', async () => {
    const dir = tmp();
    await fs.writeFile(path.join(dir, 'pack.sh'), [
      'set -eu', 'echo built >> builds.log', 'mkdir -p rel dist', 'printf "#!/bin/sh\\n" > rel/run', 'chmod +x rel/run', 'tar -C rel -czf "dist/web-$1.tar.gz" .', '',
    ].join('\n'));
    const config = configOf(configText('    runtime: node\n    artifact: { build: "sh pack.sh {{version}}", path: "dist/web-{{version}}.tar.gz" }\n'), path.join(dir, 'bluegreen.yaml'));
    const builds = async () => (await fs.readFile(path.join(dir, 'builds.log'), 'utf8')).split('\n').filter(Boolean).length;
    await prepareArtifacts(config, '3.0.0');
    await resolveArtifact(config, config.apps[0], '3.0.0');
    assert.equal(await builds(), 1);
    await fs.appendFile(path.join(dir, 'dist/web-3.0.0.tar.gz'), Buffer.alloc(0));
    await fs.utimes(path.join(dir, 'dist/web-3.0.0.tar.gz'), new Date(), new Date(Date.now() + 5000));
    await resolveArtifact(config, config.apps[0], '3.0.0');
    assert.equal(await builds(), 2, 'a tarball changed since is built and checked again');
  });

  it('names the path and the config line when no file matches, and reports a failing build', async () => {
    const dir = tmp();
    const config = configOf(configText('    runtime: node\n    artifact: dist/web-{{version}}.tar.gz\n'), path.join(dir, 'bluegreen.yaml'));
    await assert.rejects(resolveArtifact(config, config.apps[0], '1.2.0'), (error: InputError) =>
      error instanceof InputError && error.message === 'no file matches dist/web-1.2.0.tar.gz (from apps.web.artifact in bluegreen.yaml:7)');
    const failing = configOf(configText('    artifact: { build: "echo compiling; exit 3", path: "dist/web-{{version}}.tar.gz" }\n'), path.join(dir, 'bluegreen.yaml'));
    await assert.rejects(resolveArtifact(failing, failing.apps[0], '1.2.0'), /the artifact build `echo compiling; exit 3` \(in .*\) exited 3:\n {4}compiling/);
  });
});

describe('bluegreen init: detection and the config it writes', () => {
  it('finds a PORT default and the health path in a Node.js app, and the config it writes is valid', async () => {
    const dir = tmp();
    await fs.writeFile(path.join(dir, 'package.json'), JSON.stringify({ name: '@acme/Web_Shop', version: '2.3.0', scripts: { start: 'node src/server.js' } }));
    await fs.mkdir(path.join(dir, 'src'));
    await fs.writeFile(path.join(dir, 'src/server.js'), "const port = process.env.PORT || 3100;\nif (req.url === '/healthz') ok();\n");
    const result = await initConfig(dir);
    assert.deepEqual(result.apps.map((a) => [a.name, a.runtime, a.port, a.portFrom, a.health, a.healthFrom, a.route, a.needsCheck]), [
      ['web-shop', 'node', 3100, 'found in src/server.js', '/healthz', 'found in src/server.js', '/', false],
    ]);
    const parsed = parseConfig(result.text, result.file);
    assert.ok(parsed.ok, parsed.ok ? '' : parsed.errors.map(formatConfigError).join('\n'));
    assert.deepEqual(parsed.config.apps[0].runtime, { kind: 'stock', name: 'node' });
    assert.equal(parsed.config.environments.sandbox.kind === 'docker' && parsed.config.environments.sandbox.initialVersion, '2.3.0');
    assert.equal(parsed.config.database.declared, undefined, 'no database unless the project has one');
    assert.match(result.text, /artifact: dist\/web-shop-\{\{version\}\}\.tar\.gz +# check/);
  });

  it('asks for what it cannot find when it can ask, else writes a default marked "# check"', async () => {
    const dir = tmp();
    await fs.writeFile(path.join(dir, 'package.json'), JSON.stringify({ name: 'tool', bin: { tool: 'cli.js' } }));
    const asked: string[] = [];
    const answered = await initConfig(dir, { ask: async (question) => { asked.push(question); return question.startsWith('Port') ? '4000' : '/up'; } });
    assert.deepEqual(asked, ['Port tool listens on', 'Path tool answers 2xx on when healthy']);
    assert.deepEqual(answered.apps.map((a) => [a.port, a.portFrom, a.health, a.healthFrom]), [[4000, 'asked', '/up', 'asked']]);
    const defaults = await initConfig(dir);
    assert.deepEqual(defaults.apps.map((a) => [a.port, a.portFrom, a.health, a.healthFrom, a.needsCheck]), [[3000, 'default', '/', 'default', true]]);
    assert.match(defaults.text, /port: 3000 +# check/);
    assert.ok(parseConfig(defaults.text, defaults.file).ok);
  });

  it('finds Java apps: pom.xml with server.port and the actuator, a runnable jar, build.gradle — one folder down too', async () => {
    const dir = tmp();
    await fs.mkdir(path.join(dir, 'api/src/main/resources'), { recursive: true });
    await fs.writeFile(path.join(dir, 'api/pom.xml'), '<project><parent><artifactId>spring-boot-starter-parent</artifactId></parent><artifactId>orders-api</artifactId><version>1.4.0</version><dependencies><dependency><artifactId>spring-boot-starter-actuator</artifactId></dependency></dependencies></project>');
    await fs.writeFile(path.join(dir, 'api/src/main/resources/application.properties'), 'server.port=8181\n');
    await fs.mkdir(path.join(dir, 'worker/build/libs'), { recursive: true });
    await fs.writeFile(path.join(dir, 'worker/build.gradle'), "plugins { id 'java' }\nversion = '0.9.1'\n");
    await fs.mkdir(path.join(dir, 'jarapp'));
    await fs.writeFile(path.join(dir, 'jarapp/billing-2.0.jar'), zipWith('META-INF/MANIFEST.MF', 'Manifest-Version: 1.0\nMain-Class: acme.Billing\n'));
    await fs.writeFile(path.join(dir, 'web.txt'), 'not an app');
    const apps = detectApps(dir);
    assert.deepEqual(apps.map((a) => [a.name, a.runtime, a.folder, a.port?.value, a.health?.value, a.version]), [
      ['orders-api', 'java', 'api', 8181, '/actuator/health', '1.4.0'],
      ['billing', 'java', 'jarapp', undefined, undefined, undefined],
      ['worker', 'java', 'worker', undefined, undefined, '0.9.1'],
    ]);
    assert.match(jarManifest(path.join(dir, 'jarapp/billing-2.0.jar')) ?? '', /Main-Class: acme.Billing/);
    const result = await initConfig(dir);
    assert.deepEqual(result.apps.map((a) => [a.name, a.route, a.port]), [['orders-api', '/', 8181], ['billing', '/billing/', 8080], ['worker', '/worker/', 8080]]);
    const parsed = parseConfig(result.text, result.file);
    assert.ok(parsed.ok, parsed.ok ? '' : parsed.errors.map(formatConfigError).join('\n'));
  });

  it('never overwrites a file, and says what it looks for in a folder with nothing it recognises', async () => {
    const empty = tmp();
    await fs.writeFile(path.join(empty, 'notes.txt'), 'hello');
    await assert.rejects(writeInitConfig(empty), (error: InputError) =>
      error instanceof InputError && error.message.startsWith(`nothing in ${empty} that init recognises as an app; it looks for:\n  - package.json with a "start" script`));
    assert.deepEqual(await fs.readdir(empty), ['notes.txt'], 'nothing written');

    const dir = tmp();
    await fs.writeFile(path.join(dir, 'package.json'), JSON.stringify({ name: 'web', scripts: { start: 'node s.js' } }));
    await fs.writeFile(path.join(dir, 'bluegreen.yaml'), 'mine\n');
    await assert.rejects(writeInitConfig(dir), new RegExp(`^InputError: ${path.join(dir, 'bluegreen.yaml').replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} exists already: init never overwrites a file`));
    assert.equal(await fs.readFile(path.join(dir, 'bluegreen.yaml'), 'utf8'), 'mine\n');
  });

  it('ports and names: what the start script and the package say', () => {
    assert.equal(portIn('http-server . -p ${PORT:-8080}'), 8080);
    assert.equal(portIn('PORT=3001 node server.js'), 3001);
    assert.equal(portIn('next start --port 4000'), 4000);
    assert.equal(portIn('const port = process.env.PORT ?? "5000"'), 5000);
    assert.equal(portIn('node server.js'), undefined);
    assert.equal(appNameFrom('@scope/My_App.js'), 'my-app-js');
    assert.equal(appNameFrom('123'), 'app');
  });
});

/** A one-entry zip (deflated), as a jar is. */
function zipWith(name: string, content: string): Buffer {
  const data = deflateRawSync(Buffer.from(content));
  const nameBytes = Buffer.from(name);
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0); local.writeUInt16LE(20, 4); local.writeUInt16LE(8, 8);
  local.writeUInt32LE(data.length, 18); local.writeUInt32LE(content.length, 22); local.writeUInt16LE(nameBytes.length, 26);
  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0); central.writeUInt16LE(20, 4); central.writeUInt16LE(20, 6); central.writeUInt16LE(8, 10);
  central.writeUInt32LE(data.length, 20); central.writeUInt32LE(content.length, 24); central.writeUInt16LE(nameBytes.length, 28);
  central.writeUInt32LE(0, 42);
  const centralAt = local.length + nameBytes.length + data.length;
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0); end.writeUInt16LE(1, 8); end.writeUInt16LE(1, 10);
  end.writeUInt32LE(central.length + nameBytes.length, 12); end.writeUInt32LE(centralAt, 16);
  return Buffer.concat([local, nameBytes, data, central, nameBytes, end]);
}
