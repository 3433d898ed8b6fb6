// The built CLI (node dist/cli.js) as the suites that drive it like a user run it: built here
// from the current sources when it is missing or older than them.
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

export const ROOT = path.resolve(__dirname, '../..');
export const CLI = path.join(ROOT, 'dist/cli.js');

export function ensureCliBuilt(): void {
  const newest = (dir: string): number => readdirSync(dir, { withFileTypes: true }).reduce((max, e) => {
    const full = path.join(dir, e.name);
    return Math.max(max, e.isDirectory() ? newest(full) : statSync(full).mtimeMs);
  }, 0);
  if (existsSync(CLI) && statSync(CLI).mtimeMs >= newest(path.join(ROOT, 'src'))) return;
  execFileSync(process.execPath, [path.join(ROOT, 'scripts/build.mjs')], { cwd: ROOT, stdio: 'ignore' });
}

export interface CliRun { code: number | null; stdout: string; stderr: string }

export interface CliRunner {
  /** `bluegreen --config FILE --env ENV --yes ARGS…`, as an operator types it. */
  run(...args: string[]): Promise<CliRun>;
  /** The same, asserting exit 0 (the output is in the failure message). */
  ok(...args: string[]): Promise<CliRun>;
}

/** Runs the built CLI with `args` (nothing added), in `cwd`, with `env` added to the process's. */
export function runCli(args: string[], options: { cwd?: string; env?: Record<string, string> } = {}): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      cwd: options.cwd, env: { ...process.env, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Runs the built CLI against one config file and environment, with `env` added to the process's. */
export function cliRunner(configFile: () => string, envName: string, env: Record<string, string> = {}): CliRunner {
  const run = (...args: string[]): Promise<CliRun> => runCli(['--config', configFile(), '--env', envName, '--yes', ...args], { env });
  const ok = async (...args: string[]): Promise<CliRun> => {
    const result = await run(...args);
    assert.equal(result.code, 0, `bluegreen ${args.join(' ')} exited ${result.code}:\n${result.stderr}\n${result.stdout}`);
    return result;
  };
  return { run, ok };
}
