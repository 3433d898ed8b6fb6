// A real OpenSSH server for tests: /usr/sbin/sshd in the foreground on 127.0.0.1 and a free port,
// with its own host key and a client key allowed for the current user. The client side gets a
// known_hosts that pins exactly that host key, so tests run with host-key checking ON.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';

export const SSHD_PATH = '/usr/sbin/sshd';

export interface TestSshd {
  host: '127.0.0.1';
  port: number;
  user: string;
  /** Private key the server accepts. */
  identityFile: string;
  /** known_hosts holding exactly this server's host key. */
  knownHostsFile: string;
  /** `ssh-ed25519 AAAA…` of the server. */
  hostPublicKey: string;
  /** Client `-o` options that use the temp known_hosts and only the temp identity. */
  clientOptions: Record<string, string>;
  dir: string;
  /** What sshd wrote to stderr (its log, with -e). */
  log(): string;
  stop(): Promise<void>;
}

/** Installs Debian packages that are missing (root only); apt-get update first, as on a bare CI machine. */
export function ensureDebianPackages(packages: Record<string, string>): void {
  const missing = Object.entries(packages).filter(([, binary]) => !existsSync(binary)).map(([pkg]) => pkg);
  if (missing.length === 0) return;
  if (process.getuid?.() !== 0) throw new Error(`missing ${missing.join(', ')}; install them (apt-get install ${missing.join(' ')})`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'ignore', env, timeout: 180_000 });
  execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing], { stdio: 'ignore', env, timeout: 300_000 });
}

/** A port on 127.0.0.1 that nothing listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

function keygen(file: string, comment: string): void {
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', comment, '-f', file], { stdio: 'ignore' });
}

export async function startSshd(options: { readyTimeoutMs?: number } = {}): Promise<TestSshd> {
  ensureDebianPackages({ 'openssh-server': SSHD_PATH, 'openssh-client': '/usr/bin/ssh-keygen' });
  // sshd refuses to start without its privilege-separation directory (normally made by the service).
  if (process.getuid?.() === 0) mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });

  const dir = mkdtempSync(join(tmpdir(), 'bluegreen-sshd-'));
  const user = userInfo().username;
  const hostKey = join(dir, 'host_ed25519');
  const identityFile = join(dir, 'client_ed25519');
  keygen(hostKey, 'bluegreen-test-host');
  keygen(identityFile, 'bluegreen-test-client');
  writeFileSync(join(dir, 'authorized_keys'), readFileSync(`${identityFile}.pub`), { mode: 0o600 });
  const hostPublicKey = readFileSync(`${hostKey}.pub`, 'utf8').trim().split(/\s+/).slice(0, 2).join(' ');

  const port = await freePort();
  const knownHostsFile = join(dir, 'known_hosts');
  writeFileSync(knownHostsFile, `[127.0.0.1]:${port} ${hostPublicKey}\n`, { mode: 0o600 });

  const config = join(dir, 'sshd_config');
  writeFileSync(
    config,
    [
      `Port ${port}`,
      'ListenAddress 127.0.0.1',
      `HostKey ${hostKey}`,
      `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
      `AllowUsers ${user}`,
      'PidFile none',
      'UsePAM no',
      'PermitRootLogin prohibit-password',
      'PubkeyAuthentication yes',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      // The keys live under /tmp (world-writable), which StrictModes would reject.
      'StrictModes no',
      'MaxSessions 50',
      'MaxStartups 50',
      'LogLevel VERBOSE',
      '',
    ].join('\n'),
  );

  const child: ChildProcess = spawn(SSHD_PATH, ['-D', '-e', '-f', config], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  child.stderr?.on('data', (chunk: Buffer) => (log += chunk.toString('utf8')));

  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => fail(new Error(`sshd did not start within ${options.readyTimeoutMs ?? 10_000} ms:\n${log}`)), options.readyTimeoutMs ?? 10_000);
    const check = () => {
      if (log.includes(`Server listening on 127.0.0.1 port ${port}`)) done();
    };
    const onExit = (code: number | null) => fail(new Error(`sshd exited (${code}) before listening:\n${log}`));
    function done() {
      clearTimeout(timer);
      child.stderr?.off('data', check);
      child.off('exit', onExit);
      resolve();
    }
    function fail(error: Error) {
      clearTimeout(timer);
      child.kill('SIGTERM');
      reject(error);
    }
    child.stderr?.on('data', check);
    child.once('exit', onExit);
    child.once('error', (error) => fail(error));
  });

  return {
    host: '127.0.0.1',
    port,
    user,
    identityFile,
    knownHostsFile,
    hostPublicKey,
    clientOptions: { UserKnownHostsFile: knownHostsFile, IdentitiesOnly: 'yes' },
    dir,
    log: () => log,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
