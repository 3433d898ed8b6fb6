// The exact argv handed to the system `ssh`: kept pure so unit tests can assert it word for word.

export interface SshConnectionOptions {
  /** What `ssh` connects to: an alias from ~/.ssh/config or a host name. */
  target: string;
  user?: string;
  port?: number;
  identityFile?: string;
  /** Extra `-o Key=Value` options, e.g. a test's UserKnownHostsFile. */
  options?: Record<string, string>;
  /** Seconds to wait for the TCP connection and handshake; default 10. */
  connectTimeoutSeconds?: number;
  /** How long an idle master connection stays up; default 60s. */
  controlPersist?: string;
}

export const DEFAULT_CONNECT_TIMEOUT_SECONDS = 10;
export const DEFAULT_CONTROL_PERSIST = '60s';

/** The host-key settings that would switch checking off; refused whoever asks for them. */
export function assertHostKeyCheckingKept(options: Record<string, string> = {}): void {
  for (const [key, value] of Object.entries(options)) {
    const name = key.toLowerCase();
    const v = value.trim().toLowerCase();
    if (name === 'stricthostkeychecking' && (v === 'no' || v === 'off')) {
      throw new Error('StrictHostKeyChecking=no is refused: host-key checking protects every release. Add the host key to known_hosts instead (ssh-keyscan, after checking its fingerprint).');
    }
    if ((name === 'userknownhostsfile' || name === 'globalknownhostsfile') && /(^|\s)\/dev\/null(\s|$)/.test(v)) {
      throw new Error(`${key}=/dev/null is refused: it disables host-key checking. Point it at a real known_hosts file.`);
    }
    if (/[\r\n]/.test(key) || /[\r\n]/.test(value) || key.includes('=') || key.trim() === '') {
      throw new Error(`invalid ssh option ${JSON.stringify(key)}=${JSON.stringify(value)}`);
    }
  }
}

/**
 * Options come first because ssh keeps the first value it sees for each setting: ours
 * (BatchMode, the control socket) cannot be overridden, while everything we do not set is
 * left to the user's ~/.ssh/config.
 */
export function buildSshOptions(connection: SshConnectionOptions, controlPath: string): string[] {
  assertHostKeyCheckingKept(connection.options);
  const args = [
    '-T', // no terminal: commands are scripted, output is data
    '-o', 'BatchMode=yes', // never prompt: a prompt would hang a CI job or the editor
    '-o', 'ControlMaster=auto',
    '-o', `ControlPath=${controlPath}`,
    '-o', `ControlPersist=${connection.controlPersist ?? DEFAULT_CONTROL_PERSIST}`,
    '-o', `ConnectTimeout=${connection.connectTimeoutSeconds ?? DEFAULT_CONNECT_TIMEOUT_SECONDS}`,
    '-o', 'ServerAliveInterval=15', // notice a dead link during a long `tail -F`
    '-o', 'ServerAliveCountMax=3',
  ];
  if (connection.user !== undefined) args.push('-l', connection.user);
  if (connection.port !== undefined) args.push('-p', String(connection.port));
  if (connection.identityFile !== undefined) args.push('-i', connection.identityFile);
  for (const [key, value] of Object.entries(connection.options ?? {})) args.push('-o', `${key}=${value}`);
  return args;
}

/** argv (without the ssh binary) running one remote command line. `--` keeps the target from being read as an option. */
export function buildSshExecArgs(connection: SshConnectionOptions, controlPath: string, remoteCommandLine: string): string[] {
  return [...buildSshOptions(connection, controlPath), '--', connection.target, remoteCommandLine];
}

/** argv for a control request to the master (`ssh -O exit|check`). */
export function buildSshControlArgs(connection: SshConnectionOptions, controlPath: string, operation: 'exit' | 'check'): string[] {
  return [...buildSshOptions(connection, controlPath), '-O', operation, '--', connection.target];
}
