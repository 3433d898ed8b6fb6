// The exact argv handed to the system `ssh`: kept pure so unit tests can assert it word for word.
import { canonicalSshOption, sshOptionProblem } from '../config/sshOptions';

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

/**
 * Refuses every option outside the allow-list of src/core/config/sshOptions.ts (anything that
 * weakens host-key checking or runs a command), whoever builds the options: a config that skipped
 * `validate`, a test, the editor.
 */
export function assertHostKeyCheckingKept(options: Record<string, string> = {}): void {
  for (const [key, value] of Object.entries(options)) {
    const problem = sshOptionProblem(key, value);
    if (problem) throw new Error(problem);
  }
}

/**
 * ssh keeps the first value it sees for each setting. Ours that must hold (BatchMode, the control
 * socket) come first and are not in the allow-list, so no user option can name them; a default the
 * user may change (ConnectTimeout, ServerAlive*) is left out when the user gives it, so the user's
 * value is the one that takes effect. Everything neither sets is left to ~/.ssh/config.
 */
export function buildSshOptions(connection: SshConnectionOptions, controlPath: string): string[] {
  assertHostKeyCheckingKept(connection.options);
  const user = new Map(Object.entries(connection.options ?? {}).map(([key, value]) => [canonicalSshOption(key), value]));
  const defaults: Array<[string, string]> = [
    ['ConnectTimeout', String(connection.connectTimeoutSeconds ?? DEFAULT_CONNECT_TIMEOUT_SECONDS)],
    ['ServerAliveInterval', '15'], // notice a dead link during a long `tail -F`
    ['ServerAliveCountMax', '3'],
  ];
  const args = [
    '-T', // no terminal: commands are scripted, output is data
    '-o', 'BatchMode=yes', // never prompt: a prompt would hang a CI job or the editor
    '-o', 'ControlMaster=auto',
    '-o', `ControlPath=${controlPath}`,
    '-o', `ControlPersist=${connection.controlPersist ?? DEFAULT_CONTROL_PERSIST}`,
  ];
  for (const [key, value] of defaults) if (!user.has(key)) args.push('-o', `${key}=${value}`);
  if (connection.user !== undefined) args.push('-l', connection.user);
  if (connection.port !== undefined) args.push('-p', String(connection.port));
  if (connection.identityFile !== undefined) args.push('-i', connection.identityFile);
  for (const [key, value] of user) args.push('-o', `${key}=${value}`);
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
