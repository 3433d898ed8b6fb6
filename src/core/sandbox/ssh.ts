// SSH into sandbox hosts, so the SSH transport can be rehearsed against them: one key pair per
// project (`.bluegreen/ssh/id_ed25519`), and a known_hosts file pinning each container's host
// key on its published port, so host-key checking stays on.
import type Docker from 'dockerode';
import { execFile } from 'node:child_process';
import { existsSync, promises as fs } from 'node:fs';
import path from 'node:path';
import { BluegreenConfig } from '../model';
import { PrerequisiteError, StageError } from '../errors';
import { execIn } from '../docker/containers';
import { pollUntil } from './health';

export function sshDir(config: BluegreenConfig): string {
  return path.join(path.dirname(config.file), '.bluegreen', 'ssh');
}

export interface SandboxSshFiles {
  privateKey: string;
  publicKey: string;
  knownHosts: string;
}

export function sshFiles(config: BluegreenConfig): SandboxSshFiles {
  const dir = sshDir(config);
  return { privateKey: path.join(dir, 'id_ed25519'), publicKey: path.join(dir, 'id_ed25519.pub'), knownHosts: path.join(dir, 'known_hosts') };
}

/** The project's sandbox public key, generated with `ssh-keygen` when absent. */
export async function ensureSshKey(config: BluegreenConfig): Promise<string> {
  const files = sshFiles(config);
  if (!existsSync(files.privateKey) || !existsSync(files.publicKey)) {
    await fs.mkdir(path.dirname(files.privateKey), { recursive: true, mode: 0o700 });
    await fs.rm(files.privateKey, { force: true });
    await fs.rm(files.publicKey, { force: true });
    await new Promise<void>((resolve, reject) =>
      execFile('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'bluegreen-sandbox', '-f', files.privateKey], (error) =>
        error
          ? reject(new PrerequisiteError(`ssh-keygen failed: ${error.message}`, 'Install OpenSSH (Debian: apt-get install openssh-client)'))
          : resolve(),
      ),
    );
  }
  return (await fs.readFile(files.publicKey, 'utf8')).trim();
}

/** Reads the container's ed25519 host key (waiting for host-init to generate it). */
export async function readHostKey(container: Docker.Container, name: string, timeoutMs: number, signal?: AbortSignal): Promise<string> {
  let key = '';
  const reason = await pollUntil(async () => {
    const result = await execIn(container, ['cat', '/etc/ssh/ssh_host_ed25519_key.pub']);
    if (result.exitCode !== 0) return 'no host key yet';
    key = result.stdout.trim().split(/\s+/).slice(0, 2).join(' ');
    return key.startsWith('ssh-ed25519 ') ? undefined : `unexpected host key: ${key}`;
  }, { timeoutMs, signal });
  if (reason !== undefined) throw new StageError(`${name} has no SSH host key after ${Math.round(timeoutMs / 1000)} s: ${reason}`);
  return key;
}

/** Replaces the lines for these `[127.0.0.1]:PORT` entries in known_hosts, keeping the others. */
export async function pinHostKeys(config: BluegreenConfig, keys: { port: number; key: string }[]): Promise<void> {
  const file = sshFiles(config).knownHosts;
  const existing = await fs.readFile(file, 'utf8').catch(() => '');
  const pinned = new Set(keys.map((k) => `[127.0.0.1]:${k.port}`));
  const kept = existing.split('\n').filter((line) => line.trim() && !pinned.has(line.split(' ')[0]));
  const lines = [...kept, ...keys.map((k) => `[127.0.0.1]:${k.port} ${k.key}`)];
  await fs.mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  await fs.writeFile(file, `${lines.join('\n')}\n`, { mode: 0o644 });
}
