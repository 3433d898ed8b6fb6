// A real nginx for tests: a temp prefix, a wrapper nginx.conf (optionally loading njs) that
// includes whatever http-context config the test gives, started in the foreground on loopback
// ports, reloaded with SIGHUP (waiting until the old workers are gone), stopped by its pid.

import { execFile, spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

export const NGINX_BINARY = '/usr/sbin/nginx';
export const NJS_MODULE = '/usr/lib/nginx/modules/ngx_http_js_module.so';

export function nginxAvailable(): boolean {
  return fs.existsSync(NGINX_BINARY);
}

export function njsAvailable(): boolean {
  return fs.existsSync(NJS_MODULE);
}

/**
 * A temp folder readable by nginx's workers (they drop root and run as `nobody`), like the
 * 0755 folders a real router has.
 */
export function makePrefix(label = 'nginx'): string {
  const prefix = fs.mkdtempSync(path.join(os.tmpdir(), `bluegreen-${label}-`));
  fs.chmodSync(prefix, 0o755);
  fs.mkdirSync(path.join(prefix, 'logs'), { mode: 0o755 });
  return prefix;
}

/** Writes a file the way a router holds it: readable by everyone, written by root. */
export function writeReadable(file: string, text: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o755 });
  fs.writeFileSync(file, text, { mode: 0o644 });
}

/** Replaces a file atomically (temp file + rename), as the stages write the state document. */
export function replaceFile(file: string, text: string): void {
  const temp = `${file}.tmp-${process.pid}`;
  writeReadable(temp, text);
  fs.renameSync(temp, file);
}

export interface WrapperOptions {
  /** Text inside `http { }`, e.g. `include "/tmp/x/bluegreen.conf";`. */
  httpConfig: string;
  workers?: number;
  /** Add `load_module` for njs (Debian loads it from modules-enabled; a bare wrapper must). */
  njs?: boolean;
}

/** The nginx.conf a test runs: everything (pid, logs, temp folders) under `prefix`. */
export function wrapperConfig(prefix: string, options: WrapperOptions): string {
  const temp = (name: string) => path.join(prefix, name);
  return [
    options.njs ? `load_module ${NJS_MODULE};` : '',
    `worker_processes ${options.workers ?? 2};`,
    `pid ${temp('nginx.pid')};`,
    `error_log ${temp('logs/error.log')} warn;`,
    'events { worker_connections 1024; }',
    'http {',
    `    client_body_temp_path ${temp('client_body')};`,
    `    proxy_temp_path ${temp('proxy')};`,
    `    fastcgi_temp_path ${temp('fastcgi')};`,
    `    uwsgi_temp_path ${temp('uwsgi')};`,
    `    scgi_temp_path ${temp('scgi')};`,
    `    access_log ${temp('logs/access.log')};`,
    options.httpConfig,
    '}',
    '',
  ].join('\n');
}

/** `nginx -t` on a config; never throws, returns nginx's own words. */
export async function checkConfig(prefix: string, confPath: string): Promise<{ ok: boolean; output: string }> {
  try {
    const { stdout, stderr } = await execFileAsync(NGINX_BINARY, ['-t', '-p', prefix, '-c', confPath], { timeout: 20_000 });
    return { ok: true, output: `${stdout}${stderr}` };
  } catch (error) {
    const failure = error as { stdout?: string; stderr?: string; message: string };
    return { ok: false, output: `${failure.stdout ?? ''}${failure.stderr ?? failure.message}` };
  }
}

/** A free TCP port on loopback (asked from the kernel, then released). */
export async function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, host, () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function childPids(parent: number): number[] {
  const pids: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      // Fields after the parenthesised command: state, ppid, …
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[1]) === parent && fields[0] !== 'Z') pids.push(Number(entry));
    } catch {
      // the process went away while we looked
    }
  }
  return pids.sort((a, b) => a - b);
}

async function waitFor(what: string, timeoutMs: number, check: () => boolean | Promise<boolean>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}

export interface RunningNginx {
  prefix: string;
  confPath: string;
  /** The master's pid. */
  pid: number;
  workers: number;
  /** Current worker pids (a change means nginx reloaded). */
  workerPids(): number[];
  /** `nginx -t` on the running config. */
  check(): Promise<{ ok: boolean; output: string }>;
  /** SIGHUP, then wait until every old worker has exited and new ones run. */
  reload(timeoutMs?: number): Promise<void>;
  errorLog(): string;
  stop(): Promise<void>;
}

export interface StartOptions extends WrapperOptions {
  /** A prefix from makePrefix(); a new one when absent. */
  prefix?: string;
  /** Ports to wait for (accepting connections on 127.0.0.1) before returning. */
  waitForPorts?: number[];
  timeoutMs?: number;
}

export async function startNginx(options: StartOptions): Promise<RunningNginx> {
  const prefix = options.prefix ?? makePrefix();
  const workers = options.workers ?? 2;
  const confPath = path.join(prefix, 'nginx.conf');
  writeReadable(confPath, wrapperConfig(prefix, { ...options, workers }));
  const checked = await checkConfig(prefix, confPath);
  if (!checked.ok) throw new Error(`nginx -t failed:\n${checked.output}`);

  const child: ChildProcess = spawn(NGINX_BINARY, ['-p', prefix, '-c', confPath, '-g', 'daemon off;'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const pid = child.pid;
  if (pid === undefined) throw new Error('nginx did not start');
  const errorLogPath = path.join(prefix, 'logs/error.log');
  const timeoutMs = options.timeoutMs ?? 10_000;

  const instance: RunningNginx = {
    prefix,
    confPath,
    pid,
    workers,
    workerPids: () => childPids(pid),
    check: () => checkConfig(prefix, confPath),
    errorLog: () => (fs.existsSync(errorLogPath) ? fs.readFileSync(errorLogPath, 'utf8') : ''),
    async reload(reloadTimeoutMs = timeoutMs) {
      const before = childPids(pid);
      process.kill(pid, 'SIGHUP');
      await waitFor('nginx to replace its workers after a reload', reloadTimeoutMs, () => {
        const now = childPids(pid);
        return now.length === workers && now.every((worker) => !before.includes(worker));
      });
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      process.kill(pid, 'SIGQUIT');
      const timer = setTimeout(() => child.exitCode === null && process.kill(pid, 'SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    },
  };

  try {
    await waitFor('nginx workers to start', timeoutMs, () => {
      if (child.exitCode !== null) throw new Error(`nginx exited with ${child.exitCode}: ${stderr}${instance.errorLog()}`);
      return childPids(pid).length === workers;
    });
    for (const port of options.waitForPorts ?? []) {
      await waitFor(`nginx to accept on port ${port}`, timeoutMs, () => canConnect(port));
    }
  } catch (error) {
    await instance.stop();
    throw error;
  }
  return instance;
}

function canConnect(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
