// The Transport contract on this machine, for a loopback nginx router: commands run in bash with
// a `nginx` wrapper first on PATH that points at this router's prefix and config — so the
// product's own router changes (`nginx -t`, `nginx -s reload`, renames) run unchanged.
import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { ExecOptions, ExecResult, PutOptions, Transport } from '../../src/core/transport';

let inputCounter = 0;

export class LocalTransport implements Transport {
  constructor(readonly host: string, private readonly binDir: string) {}

  /** Writes `binDir/nginx` so `nginx …` means this router's nginx. */
  static async forNginx(host: string, binDir: string, prefix: string, confPath: string): Promise<LocalTransport> {
    await fs.mkdir(binDir, { recursive: true });
    await fs.writeFile(path.join(binDir, 'nginx'), `#!/bin/sh\nexec /usr/sbin/nginx -p '${prefix}' -c '${confPath}' "$@"\n`, { mode: 0o755 });
    return new LocalTransport(host, binDir);
  }

  async exec(command: string, options: ExecOptions = {}): Promise<ExecResult> {
    const started = performance.now();
    // stdin from a file: Node's stdin pipes are sockets, and `cmp … /dev/stdin` cannot open a socket.
    const inputFile = path.join(this.binDir, `stdin-${process.pid}-${++inputCounter}`);
    await fs.writeFile(inputFile, options.input ?? '');
    const stdin = await fs.open(inputFile, 'r');
    try {
      return await this.run(command, options, stdin.fd, started);
    } finally {
      await stdin.close();
      await fs.rm(inputFile, { force: true });
    }
  }

  private run(command: string, options: ExecOptions, stdinFd: number, started: number): Promise<ExecResult> {
    return new Promise((resolve, reject) => {
      const child = spawn('bash', ['-c', command], {
        env: { ...process.env, PATH: `${this.binDir}:${process.env.PATH}` },
        stdio: [stdinFd, 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      let timedOut = false;
      const timer = options.timeoutMs ? setTimeout(() => { timedOut = true; child.kill('SIGKILL'); }, options.timeoutMs) : undefined;
      child.stdout?.on('data', (c: Buffer) => { stdout += c; options.onOutput?.('stdout', c.toString()); });
      child.stderr?.on('data', (c: Buffer) => { stderr += c; options.onOutput?.('stderr', c.toString()); });
      child.on('error', reject);
      child.on('close', (code) => {
        if (timer) clearTimeout(timer);
        resolve({ code: timedOut ? 124 : code ?? 1, stdout, stderr, durationMs: performance.now() - started, timedOut: timedOut || undefined });
      });
    });
  }

  async put(file: string, data: string | Buffer, options: PutOptions = {}): Promise<void> {
    await fs.mkdir(path.dirname(file), { recursive: true });
    const temp = `${file}.put-${process.pid}-${Date.now()}`;
    await fs.writeFile(temp, data, { mode: options.mode ?? 0o644 });
    await fs.rename(temp, file);
  }

  async close(): Promise<void> {
    // nothing held open
  }
}
