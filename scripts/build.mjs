// Bundles the two faces with esbuild: the extension (loaded by VS Code) and the CLI.
// Dependencies are bundled so the VSIX ships no node_modules; native optional bits stay external.
import { build } from 'esbuild';
import { createHash } from 'node:crypto';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';

const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));

/**
 * The config schema's validator, compiled at build time (src/core/config/schemaStandalone.ts) in
 * place of src/core/config/schemaValidator.ts, so a bundle does not run ajv's compiler when it
 * validates a config (about a third of `bluegreen status`'s time before its first host call).
 */
let validatorModule;
const precompiledSchema = {
  name: 'precompiled-schema',
  setup(b) {
    b.onResolve({ filter: /^\.\/schemaValidator$/ }, (args) =>
      (args.importer.endsWith(path.join('src', 'core', 'config', 'schemaCheck.ts')) ? { path: 'schemaValidator', namespace: 'bluegreen-schema' } : undefined));
    b.onLoad({ filter: /.*/, namespace: 'bluegreen-schema' }, async () => {
      validatorModule ??= generateValidator();
      // ajv's standalone code is CommonJS; the module returns it as schemaValidator.ts does.
      return { contents: `const module = { exports: {} };\n${await validatorModule}\nconst validate = module.exports;\nexport function schemaValidator() { return validate; }\n`, loader: 'js', resolveDir: path.resolve('src/core/config') };
    });
  },
};

async function generateValidator() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bluegreen-schema-'));
  try {
    const file = path.join(dir, 'schemaStandalone.cjs');
    await build({ bundle: true, platform: 'node', format: 'cjs', logLevel: 'warning', entryPoints: ['src/core/config/schemaStandalone.ts'], outfile: file });
    const { standaloneValidatorCode } = createRequire(import.meta.url)(file);
    return standaloneValidatorCode(path.resolve('src/core/config/schemaFormats.ts'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

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
  plugins: [precompiledSchema],
};

/**
 * Modules the CLI requires only on some paths, each bundled on its own as CommonJS beside the
 * chunks and required at run time, so a run that does not need one neither reads nor compiles it
 * (an `import()` would be the ES way, but these are required where the code is synchronous).
 * dockerode (with ssh2 and grpc-js, 1.2 MB): only Docker environments (src/core/docker/connect.ts).
 * The yaml package's document: only a config with an error to point at (src/core/config/parseConfig.ts).
 * js-yaml: only a config that src/core/config/plainYaml.ts declines (src/core/config/fastYaml.ts).
 */
const lazyBundles = [
  { request: 'dockerode', file: 'dockerode.cjs', stdin: "module.exports = require('dockerode');", plugins: () => [dockerodeShims] },
  { request: './yamlSource', file: 'yamlSource.cjs', entry: 'src/core/config/yamlSource.ts' },
  { request: './jsYamlData', file: 'jsYamlData.cjs', entry: 'src/core/config/jsYamlData.ts' },
  // Inside dockerode.cjs: an ssh:// engine's client (ssh2) and BuildKit's session (grpc-js,
  // protobufjs) are four fifths of dockerode's evaluation, and a local socket needs neither.
  { file: 'dockerode-ssh.cjs', entry: 'node_modules/docker-modem/lib/ssh.js' },
  { file: 'dockerode-session.cjs', entry: 'node_modules/dockerode/lib/session.js' },
  // BuildKit's progress decoder (protobufjs): dockerode already requires it only when used.
  { file: 'dockerode-buildkit.cjs', entry: 'node_modules/dockerode/lib/buildkit.js' },
];
/**
 * docker-modem's `./ssh` and dockerode's `./session` (each one exported function) required on
 * first call; dockerode's `./buildkit`, which it requires where it uses it, from its own file.
 */
const dockerodeShims = {
  name: 'dockerode-shims',
  setup(b) {
    const shims = { 'docker-modem/lib/modem.js': ['./ssh', 'dockerode-ssh.cjs'], 'dockerode/lib/docker.js': ['./session', 'dockerode-session.cjs'] };
    b.onResolve({ filter: /^\.\/(ssh|session)$/ }, (args) => {
      const shim = Object.entries(shims).find(([importer, [request]]) => args.importer.endsWith(importer) && args.path === request);
      return shim ? { path: shim[1][1], namespace: 'dockerode-shim' } : undefined;
    });
    b.onLoad({ filter: /.*/, namespace: 'dockerode-shim' }, (args) => ({
      contents: `module.exports = function () { return require('./${args.path}').apply(this, arguments); };`,
      loader: 'js',
    }));
    b.onResolve({ filter: /^\.\/dockerode-(ssh|session)\.cjs$/ }, (args) => ({ path: args.path, external: true }));
    b.onResolve({ filter: /^\.\/buildkit$/ }, (args) => (args.importer.endsWith('dockerode/lib/docker.js') ? { path: './dockerode-buildkit.cjs', external: true } : undefined));
    // docker-modem requires Node's https (and so tls) at load for an https:// engine; a local socket
    // never uses it, and loading it is 6 ms of `status` before its first host call. It only reads
    // the module's properties (as its clients' prototype), so a proxy that requires it on first read
    // serves it.
    b.onResolve({ filter: /^https$/ }, (args) => (args.importer.endsWith('docker-modem/lib/http.js') ? { path: 'https', namespace: 'lazy-https' } : undefined));
    b.onLoad({ filter: /.*/, namespace: 'lazy-https' }, () => ({
      contents: "module.exports = new Proxy({}, { get: (_, key) => require('node:https')[key], has: (_, key) => key in require('node:https') });",
      loader: 'js',
    }));
  },
};
const lazyRequires = {
  name: 'lazy-requires',
  setup(b) {
    b.onResolve({ filter: /^(dockerode|\.\/yamlSource|\.\/jsYamlData)$/ }, (args) => {
      if (args.kind !== 'require-call') return undefined;
      const lazy = lazyBundles.find((l) => l.request === args.path);
      return lazy ? { path: `./${lazy.file}`, external: true } : undefined;
    });
  },
};

// What VS Code compiles at activation: extension-side code only. The engine (dockerode, ssh2, yaml,
// ajv, the SQL parser, …) is dist/engine.js, which src/extension/engine.ts requires on first use.
const EXTENSION_BUDGET_BYTES = 150 * 1024;

const [extension] = await Promise.all([
  build({ ...common, entryPoints: ['src/extension/extension.ts'], outfile: 'dist/extension.js', metafile: true }),
  build({ ...common, entryPoints: ['src/extension/engineModules.ts'], outfile: 'dist/engine.js' }),
  buildCli(),
  // The traffic panel's webview script with uPlot bundled in, its CSS beside it: no remote content.
  build({ bundle: true, platform: 'browser', format: 'iife', target: 'es2022', minify: common.minify, logLevel: 'warning', entryPoints: { panel: 'media/panel/src/main.ts' }, outdir: 'media/panel/dist' }),
]);

checkExtensionBundle(extension.metafile);

/**
 * The CLI: dist/cli/program.cjs, one CommonJS file. A command's module in it is evaluated only when
 * the command runs (commandLoaders.ts), and dist/cli.js (src/cli/bin.ts) compiles the file with
 * V8's code cache (compileCache.ts), so a run neither parses nor compiles what an earlier run did;
 * that beat splitting into ES modules (the earlier build) by 40–60 ms of `status` here
 * (docs/benchmarks.md). The bin prints help and the version from dist/cli/help.json without it.
 * commands.json holds the commands' outlines, from the real commands; help.json their help.
 */
async function buildCli() {
  const cliBuild = {
    ...common,
    // Less text for Node to read and V8 to scan at every start; names stay, so stack traces read.
    minifyWhitespace: true,
    minifySyntax: true,
    plugins: [...common.plugins, lazyRequires],
  };
  await Promise.all([
    build({ ...cliBuild, entryPoints: ['src/cli/start.ts'], outfile: 'dist/cli/program.cjs' }),
    // The outlines and help texts, rendered by the real registrars: a build step, not shipped.
    build({ ...cliBuild, entryPoints: ['src/cli/specDump.ts'], outfile: 'dist/cli/outlines.cjs' }),
    ...lazyBundles.map((lazy) => build({
      ...common,
      minifyWhitespace: true,
      minifySyntax: true,
      ...(lazy.entry ? { entryPoints: [lazy.entry] } : { stdin: { contents: lazy.stdin, resolveDir: process.cwd(), loader: 'js' } }),
      outfile: `dist/cli/${lazy.file}`,
      plugins: [...common.plugins, ...(lazy.plugins?.() ?? [])],
    })),
  ]);
  const { commandOutlines, helpAnswers } = createRequire(import.meta.url)(path.resolve('dist/cli/outlines.cjs'));
  const outlines = await commandOutlines();
  writeFileSync('dist/cli/commands.json', JSON.stringify(outlines));
  writeFileSync('dist/cli/help.json', JSON.stringify(await helpAnswers(version, outlines)));
  // Files of earlier builds go (the ES-module chunks of older ones too).
  const current = new Set(['program.cjs', 'commands.json', 'help.json', ...lazyBundles.map((l) => l.file)]);
  for (const file of readdirSync('dist/cli')) if (!current.has(file)) rmSync(`dist/cli/${file}`);
  const program = readFileSync('dist/cli/program.cjs', 'utf8');
  // The bin runs the program in a vm.Script (src/cli/compileCache.ts), which has no import().
  const dynamicImport = /\bimport\(\s*["'`]/.exec(program);
  if (dynamicImport) throw new Error(`dist/cli/program.cjs has an import() the bundle kept (${program.slice(dynamicImport.index, dynamicImport.index + 60)}…): require the module instead`);
  // The hash of the program and the bundles beside it names their compile caches, so a rebuilt
  // program (or dockerode, which has a cache of its own) never meets an old cache.
  const hasher = createHash('sha256').update(program);
  for (const lazy of lazyBundles) hasher.update(readFileSync(`dist/cli/${lazy.file}`));
  const programHash = hasher.digest('hex').slice(0, 16);
  await build({
    ...common,
    entryPoints: ['src/cli/bin.ts'],
    outfile: 'dist/cli.js',
    define: { ...common.define, BLUEGREEN_PROGRAM_HASH: JSON.stringify(programHash) },
    banner: { js: '#!/usr/bin/env node\n// The `bluegreen` CLI (scripts/build.mjs, src/cli/bin.ts): the program is dist/cli/program.cjs.' },
  });
  chmodSync('dist/cli.js', 0o755);
}

/** Fails the build when a heavy module slips back into dist/extension.js (`--report` lists its inputs). */
function checkExtensionBundle(metafile) {
  const output = metafile.outputs['dist/extension.js'];
  const inputs = Object.entries(output.inputs).map(([file, { bytesInOutput }]) => ({ file, bytes: bytesInOutput })).sort((a, b) => b.bytes - a.bytes);
  const packages = new Map();
  for (const i of inputs) {
    const name = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(i.file)?.[1];
    if (name) packages.set(name, (packages.get(name) ?? 0) + i.bytes);
  }
  const problems = [
    ...[...packages].map(([name, bytes]) => `${name} (${bytes} B): packages belong in dist/engine.js; reach them through engine()`),
    ...(output.bytes > EXTENSION_BUDGET_BYTES ? [`dist/extension.js is ${output.bytes} B, over its ${EXTENSION_BUDGET_BYTES} B budget`] : []),
  ];
  if (process.argv.includes('--report') || problems.length) {
    process.stderr.write(`dist/extension.js: ${output.bytes} B from ${inputs.length} inputs; the largest:\n`);
    for (const i of inputs.slice(0, 15)) process.stderr.write(`  ${String(i.bytes).padStart(7)}  ${i.file}\n`);
  }
  if (problems.length) {
    process.stderr.write(`dist/extension.js must stay small (activation compiles all of it):\n${problems.map((p) => `  ${p}`).join('\n')}\n`);
    process.exit(1);
  }
}
