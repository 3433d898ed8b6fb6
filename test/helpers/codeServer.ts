// A real VS Code for the extension-host and e2e suites: code-server (installed by
// scripts/install-code-server.sh, cached outside the clone) with the packaged extension
// installed into a temporary extensions folder, opened by Debian's headless Chromium.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Browser } from 'playwright-core';
import { writeIsolatedSsh } from './isolatedSsh';

export const REPO_ROOT = path.resolve(__dirname, '..', '..');
export const EXTENSION_ID = 'bluegreen-releases.bluegreen';
export const CHROMIUM = process.env.BLUEGREEN_CHROMIUM ?? '/usr/bin/chromium';

/** Flags that keep headless Chromium quiet and offline. */
export const CHROMIUM_ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

function run(command: string, args: string[], options: { cwd?: string; what: string }): string {
  const result = spawnSync(command, args, { cwd: options.cwd ?? REPO_ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 * 1024 * 1024 });
  if (result.status !== 0) {
    throw new Error(`${options.what} failed (exit ${result.status ?? result.signal}):\n${result.stdout}\n${result.stderr}`.trim());
  }
  return result.stdout;
}

/** The code-server binary: BLUEGREEN_CODE_SERVER_BIN, or the cached install (installed if absent). */
export function ensureCodeServer(): string {
  if (process.env.BLUEGREEN_CODE_SERVER_BIN) return process.env.BLUEGREEN_CODE_SERVER_BIN;
  const script = path.join(REPO_ROOT, 'scripts', 'install-code-server.sh');
  const result = spawnSync('bash', [script], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  if (result.status !== 0) throw new Error(`scripts/install-code-server.sh failed (exit ${result.status})`);
  return result.stdout.trim().split('\n').pop() ?? '';
}

export function ensureChromium(): string {
  if (!fs.existsSync(CHROMIUM)) run('bash', [path.join(REPO_ROOT, 'scripts', 'install-chromium.sh')], { what: 'install-chromium.sh' });
  return CHROMIUM;
}

let built = false;

/** Builds dist/ with the project's build script, once per test process. */
export function buildExtension(): void {
  if (built) return;
  run(process.execPath, [path.join(REPO_ROOT, 'scripts', 'build.mjs')], { what: 'npm run build' });
  built = true;
}

/**
 * `vsce package --no-dependencies` into `vsixFile`; dist/ must be built. README's relative links
 * point at docs/ shipped inside the VSIX, and the repository is not on GitHub, so vsce is told
 * to leave them as they are (otherwise it refuses).
 */
export function packageExtension(vsixFile: string): string {
  const vsce = path.join(REPO_ROOT, 'node_modules', '.bin', 'vsce');
  run(vsce, ['package', '--no-dependencies', '--no-rewrite-relative-links', '--out', vsixFile], { what: 'vsce package' });
  return vsixFile;
}

export function installExtension(codeServer: string, vsixFile: string, dirs: { extensionsDir: string; userDataDir: string }): void {
  const out = run(codeServer, ['--extensions-dir', dirs.extensionsDir, '--user-data-dir', dirs.userDataDir, '--install-extension', vsixFile],
    { what: 'code-server --install-extension' });
  if (!/successfully installed/i.test(out)) throw new Error(`code-server did not install ${vsixFile}:\n${out}`);
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `bluegreen-${prefix}-`));
}

/** Copies a folder of files (not recursive into node_modules) to a new place. */
export function copyFolder(from: string, to: string): void {
  fs.cpSync(from, to, { recursive: true });
}

export interface CodeServerOptions {
  codeServer: string;
  extensionsDir: string;
  userDataDir: string;
  /** Extra environment for the server, inherited by the extension host. */
  env?: Record<string, string>;
  logFile: string;
  startTimeoutMs?: number;
  /** Keep VS Code's workspace trust on (the default turns it off, so every folder is trusted). */
  workspaceTrust?: boolean;
}

export interface RunningCodeServer {
  port: number;
  url: string;
  process: ChildProcess;
  /** The workbench URL that opens `folder`. */
  workbenchUrl(folder: string): string;
  stop(): Promise<void>;
}

/** Settings that keep the workbench free of welcome pages, tips and prompts. */
export function writeUserSettings(userDataDir: string, extra: Record<string, unknown> = {}): void {
  const dir = path.join(userDataDir, 'User');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'settings.json'), JSON.stringify({
    'workbench.startupEditor': 'none',
    'workbench.tips.enabled': false,
    'workbench.enableExperiments': false,
    'telemetry.telemetryLevel': 'off',
    'security.workspace.trust.enabled': false,
    'extensions.autoCheckUpdates': false,
    'extensions.autoUpdate': false,
    'update.mode': 'none',
    ...extra,
  }, null, 2));
}

export async function startCodeServer(options: CodeServerOptions): Promise<RunningCodeServer> {
  const port = await freePort();
  const log = fs.openSync(options.logFile, 'a');
  const child = spawn(options.codeServer, [
    '--auth', 'none',
    '--bind-addr', `127.0.0.1:${port}`,
    ...(options.workspaceTrust ? [] : ['--disable-workspace-trust']),
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-getting-started-override',
    '--extensions-dir', options.extensionsDir,
    '--user-data-dir', options.userDataDir,
  ], {
    env: { ...process.env, ...options.env },
    stdio: ['ignore', log, log],
    // Its own process group, so stop() ends the server and the extension host it forks.
    detached: true,
  });
  fs.closeSync(log);
  const url = `http://127.0.0.1:${port}`;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    signalGroup(child, 'SIGTERM');
    const killed = await Promise.race([exited.then(() => true), sleep(5000).then(() => false)]);
    if (!killed) signalGroup(child, 'SIGKILL');
    await exited;
  };
  try {
    await waitFor(async () => {
      if (child.exitCode !== null) throw new Error(`code-server exited with ${child.exitCode}; see ${options.logFile}`);
      return (await httpStatus(`${url}/healthz`)) === 200;
    }, options.startTimeoutMs ?? 60_000, `code-server on ${url} (log: ${options.logFile})`);
  } catch (error) {
    await stop();
    throw error;
  }
  return { port, url, process: child, stop, workbenchUrl: (folder) => `${url}/?folder=${encodeURIComponent(folder)}` };
}

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    if (child.pid) process.kill(-child.pid, signal);
  } catch {
    // already gone
  }
}

function httpStatus(url: string): Promise<number | undefined> {
  return new Promise((resolve) => {
    const request = http.get(url, { timeout: 2000 }, (response) => {
      response.resume();
      resolve(response.statusCode);
    });
    request.on('error', () => resolve(undefined));
    request.on('timeout', () => request.destroy());
  });
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls `check` every 200 ms until it returns true; throws after `timeoutMs`. */
export async function waitFor(check: () => Promise<boolean> | boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(200);
  }
}

export async function launchChromium(): Promise<Browser> {
  const { chromium } = await import('playwright-core');
  return chromium.launch({ executablePath: ensureChromium(), headless: true, args: CHROMIUM_ARGS });
}

/**
 * Everything up to a running server: build (unless told not to), package, install into a
 * fresh extensions folder, copy the workspace, start code-server. `cleanup()` undoes it all.
 */
export interface Workbench {
  server: RunningCodeServer;
  root: string;
  workspace: string;
  vsix: string;
  logFile: string;
  cleanup(options?: { keep?: boolean }): Promise<void>;
}

export async function startWorkbench(options: {
  /** Folder copied as the workspace; none gives an empty workspace. */
  workspaceTemplate?: string;
  env?: (paths: { root: string; workspace: string }) => Record<string, string>;
  build?: boolean;
  label: string;
  /**
   * Open the workspace in Restricted Mode: trust stays on and is never granted (no prompt at
   * start-up), as when someone opens a folder they have not trusted.
   */
  restricted?: boolean;
}): Promise<Workbench> {
  const codeServer = ensureCodeServer();
  const root = tempDir(options.label);
  const workspace = path.join(root, 'workspace');
  const extensionsDir = path.join(root, 'extensions');
  const userDataDir = path.join(root, 'user-data');
  const logFile = path.join(root, 'code-server.log');
  if (options.workspaceTemplate) copyFolder(options.workspaceTemplate, workspace);
  else fs.mkdirSync(workspace);
  writeUserSettings(userDataDir, {
    // The test workspace names hosts (lb1, app1, …) that a developer's ~/.ssh/config may define.
    'bluegreen.sshPath': writeIsolatedSsh(fs.mkdtempSync(path.join(root, 'ssh-'))),
    ...(options.restricted ? {
      'security.workspace.trust.enabled': true,
      'security.workspace.trust.startupPrompt': 'never',
      'security.workspace.trust.emptyWindow': false,
    } : {}),
  });
  if (options.build !== false) buildExtension();
  const vsix = packageExtension(path.join(root, 'bluegreen.vsix'));
  installExtension(codeServer, vsix, { extensionsDir, userDataDir });
  const server = await startCodeServer({ codeServer, extensionsDir, userDataDir, logFile, env: options.env?.({ root, workspace }), workspaceTrust: options.restricted });
  return {
    server, root, workspace, vsix, logFile,
    async cleanup({ keep = false } = {}) {
      await server.stop();
      if (!keep) fs.rmSync(root, { recursive: true, force: true });
    },
  };
}
