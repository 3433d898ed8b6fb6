// The built CLI as a child process, for the CLI benchmarks: its wall time, and its CPU time and
// peak memory as it saw them at exit (exitProbe.cjs); a config folder the sample apps' build
// contexts exist in; the CPU time a running process has used so far (/proc).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';

export const ROOT = path.resolve(__dirname, '..', '..');
export const CLI = path.join(ROOT, 'dist/cli.js');

/** Builds the bundles when dist/cli.js is missing; `--build` rebuilds them anyway. */
export function ensureBuilt(rebuild: boolean): void {
  if (!rebuild && existsSync(CLI)) return;
  const out = spawnSync('npm', ['run', 'build'], { cwd: ROOT, encoding: 'utf8' });
  if (out.status !== 0) throw new Error(`npm run build failed:\n${out.stderr}`);
}

export interface ChildRun {
  /** Wall time from spawn to exit, as a person waits for it. */
  ms: number;
  code: number | null;
  /** The child's own CPU time (all its threads), peak RSS and uptime at exit (exitProbe.cjs). */
  cpuMs: number;
  maxRssMb: number;
  uptimeMs: number;
  stdout: string;
  stderr: string;
}

const EXIT_PROBE = path.join(__dirname, 'exitProbe.cjs');

/** Runs `node ARGS` to its end, with exitProbe.cjs preloaded. */
export function runNode(args: string[], options: { cwd?: string; env?: Record<string, string> } = {}): Promise<ChildRun> {
  const probeFile = path.join(os.tmpdir(), `bluegreen-bench-exit-${process.pid}`);
  rmSync(probeFile, { force: true });
  return new Promise((resolve, reject) => {
    const began = performance.now();
    const child = spawn(process.execPath, ['--require', EXIT_PROBE, ...args], { cwd: options.cwd, env: { ...process.env, ...options.env, BLUEGREEN_EXIT_PROBE: probeFile }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = performance.now() - began;
      if (!existsSync(probeFile)) return reject(new Error(`node ${args.join(' ')} wrote no exit figures (exit ${code}):\n${stderr}`));
      const figures = JSON.parse(readFileSync(probeFile, 'utf8').trim()) as { cpuMs: number; maxRssMb: number; uptimeMs: number };
      resolve({ ms, code, ...figures, stdout, stderr });
    });
  });
}

/**
 * A folder with `bluegreen.yaml` = the repository's sample apps and runbook, `environments`
 * replaced by `environments` (YAML text, indented two spaces), and the apps' build contexts.
 */
export function configFolder(name: string, environments: string): { dir: string; file: string } {
  const dir = path.join(os.tmpdir(), `bluegreen-bench-${name}`);
  for (const app of ['java-app', 'node-app']) mkdirSync(path.join(dir, 'sandbox', app), { recursive: true });
  const sample = readFileSync(path.join(ROOT, 'bluegreen.yaml'), 'utf8');
  const head = sample.slice(0, sample.indexOf('\nenvironments:') + 1);
  if (!head) throw new Error('bluegreen.yaml has no environments: section to replace');
  const file = path.join(dir, 'bluegreen.yaml');
  writeFileSync(file, `${head}environments:\n${environments}`);
  return { dir, file };
}

/** An ssh: environment of real-host shape: 2 routers and `apps` hosts per color. */
export function sshEnvironment(name: string, index: number, hostsPerColor = 5): string {
  const hosts = Array.from({ length: 2 + 2 * hostsPerColor }, (_, h) => `h${h}`);
  const net = `10.${index % 250}.${Math.floor(index / 250) % 250}`;
  const lines = [
    `  ${name}:`,
    '    ssh:',
    '      user: deploy',
    '      options: { ConnectTimeout: 5 }',
    '    hosts:',
    ...hosts.map((h, i) => `      ${h}: { ssh: ${h}.${name}.example.com, address: ${net}.${i + 1} }`),
    '    routers: [h0, h1]',
    '    colors:',
    `      blue:  { api: [${hosts.slice(2, 2 + hostsPerColor).join(', ')}], web: [${hosts.slice(2, 2 + hostsPerColor).join(', ')}] }`,
    `      green: { api: [${hosts.slice(2 + hostsPerColor).join(', ')}], web: [${hosts.slice(2 + hostsPerColor).join(', ')}] }`,
  ];
  return `${lines.join('\n')}\n`;
}

/** CPU time a running process has used so far, all threads (each task's schedstat under /proc, in ns). */
export function cpuMsOf(pid: number): number {
  const tasks = readdirSync(`/proc/${pid}/task`);
  return tasks.reduce((sum, task) => {
    try {
      return sum + Number(readFileSync(`/proc/${pid}/task/${task}/schedstat`, 'utf8').split(' ')[0]) / 1e6;
    } catch {
      return sum; // a thread that ended meanwhile
    }
  }, 0);
}
