// A command the product runs on a host, as data: the exact shell text, whether it runs as root,
// what it feeds on stdin, and what it does to the host. Built only by the pure functions in this
// folder (docs/architecture.md, "Host commands"), run by runHostCommand, and shown as they are by
// a dry run — so what a plan shows is what runs.

/**
 * `read`: changes nothing (a dry run runs it for real, until the host has a planned change).
 * `record`: the product's own bookkeeping on the host (lock, audit, history): users see no change.
 * `change`: changes what the host serves or runs (router state, nginx config, releases).
 */
export type CommandEffect = 'read' | 'record' | 'change';

/** What a dry run takes as a command's result when it does not run it. */
export interface AssumedResult {
  code?: number;
  stdout?: string;
}

export interface HostCommand {
  kind: 'exec';
  /** A few words on why it runs ("write the next state document"), shown in plans. */
  purpose: string;
  /** Run through `sh -c` on the host. */
  script: string;
  /**
   * Run the whole script as root: `sudo -n sh -c …` over SSH, user root in a container. Only
   * `hosts setup` does (it needs an administrator once); a stage's commands run as the login user
   * and name the few command lines that need root themselves (asRoot).
   */
  sudo: boolean;
  effect: CommandEffect;
  /** Bytes fed on stdin (a plan shows their size, never their content). */
  input?: string;
  timeoutMs?: number;
  assumed?: AssumedResult;
}

/** A whole file written atomically by the transport (temp file + rename). */
export interface HostFileWrite {
  kind: 'put';
  purpose: string;
  path: string;
  data: string | Buffer;
  mode?: number;
  sudo: boolean;
  effect: Exclude<CommandEffect, 'read'>;
}

export type HostStep = HostCommand | HostFileWrite;

/**
 * How a stage's commands get root where they need it, from the environment's `ssh.sudo`
 * (EnvironmentHandle.sudo, RouterHandle.sudo):
 * - `root`: the login may do it all itself — the sandbox's containers run commands as root, and
 *   an ssh user root (or one that needs no sudo: `ssh.sudo: false`) runs them as they are;
 * - `sudo`: the ssh user has only the sudo rule of docs/hosts.md. A stage's command runs as that
 *   user (the product's files are writable by group `bluegreen`), and each line that needs root is
 *   `sudo -n` followed by a command line the rule lists, word for word.
 */
export type HostAccess = 'root' | 'sudo';

/** `ssh.sudo` as a HostAccess. */
export function hostAccess(sudo: boolean): HostAccess {
  return sudo ? 'sudo' : 'root';
}

/** A command line that needs root: under `sudo -n` where the ssh user has the narrow rule. */
export function asRoot(access: HostAccess, commandLine: string): string {
  return access === 'sudo' ? `sudo -n ${commandLine}` : commandLine;
}

export function hostCommand(purpose: string, script: string, options: Omit<HostCommand, 'kind' | 'purpose' | 'script'>): HostCommand {
  return { kind: 'exec', purpose, script, ...options };
}

export function fileWrite(purpose: string, path: string, data: string | Buffer, options: { sudo: boolean; mode?: number; effect?: HostFileWrite['effect'] }): HostFileWrite {
  return { kind: 'put', purpose, path, data, sudo: options.sudo, mode: options.mode, effect: options.effect ?? 'change' };
}

/** The step as one line, the way a transport's log shows it (a put by size, never content). */
export function stepText(step: HostStep): string {
  if (step.kind === 'put') {
    return `put ${step.path} (${Buffer.byteLength(step.data)} bytes, mode ${(step.mode ?? 0o644).toString(8)}${step.sudo ? ', sudo' : ''})`;
  }
  const notes = [step.sudo ? 'sudo' : '', step.input !== undefined ? `stdin ${Buffer.byteLength(step.input)} bytes` : ''].filter(Boolean);
  return notes.length ? `${step.script}  (${notes.join(', ')})` : step.script;
}
