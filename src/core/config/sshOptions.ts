// `ssh.options` is an allow-list: options that only tune a connection the product makes anyway.
// Anything that weakens host-key checking or runs a command is refused by name, so `validate`
// reports it at its line and the transport refuses it again whoever builds the options.
import * as path from 'node:path';
import type { ConfigIssue, PathSegment } from './configPath';

type ValueRule = (value: string) => string | undefined;

const integer = (min: number, max: number): ValueRule => (v) =>
  /^\d+$/.test(v) && Number(v) >= min && Number(v) <= max ? undefined : `must be a whole number from ${min} to ${max}`;
const oneOf = (...choices: string[]): ValueRule => (v) =>
  choices.includes(v.toLowerCase()) ? undefined : `must be one of ${choices.join(', ')}`;
const yesNo = oneOf('yes', 'no');

/** Known-hosts files must be real files: /dev/null in any spelling, a device or `none` stops checking. */
const knownHostsFiles: ValueRule = (v) => {
  const files = v.trim().split(/\s+/);
  for (const file of files) {
    const normal = path.posix.normalize(file.replace(/\/+/g, '/'));
    if (file.toLowerCase() === 'none' || /^\/(dev|proc|sys)(\/|$)/.test(normal)) {
      return `"${file}" is refused: a known-hosts file that is not a real file switches host-key checking off; point it at a real known_hosts file`;
    }
  }
  return undefined;
};

/** `[user@]host[:port]`, comma-separated: where a jump goes, never a command. */
const jumpHosts: ValueRule = (v) =>
  /^([A-Za-z0-9_.-]+@)?[A-Za-z0-9_.:[\]-]+(,([A-Za-z0-9_.-]+@)?[A-Za-z0-9_.:[\]-]+)*$/.test(v) && !v.startsWith('-')
    ? undefined
    : 'must be [user@]host[:port], comma-separated';

/** Canonical name → rule for its value. The product's own defaults among these yield to the user's. */
export const ALLOWED_SSH_OPTIONS: Record<string, ValueRule> = {
  ConnectTimeout: integer(1, 3600),
  ConnectionAttempts: integer(1, 10),
  ServerAliveInterval: integer(0, 3600),
  ServerAliveCountMax: integer(1, 100),
  TCPKeepAlive: yesNo,
  Compression: yesNo,
  IdentitiesOnly: yesNo,
  AddressFamily: oneOf('any', 'inet', 'inet6'),
  LogLevel: oneOf('quiet', 'fatal', 'error', 'info', 'verbose', 'debug', 'debug1', 'debug2', 'debug3'),
  // Only the strictest value: `no`, `off`, `accept-new` and `ask` all let an unknown key through
  // (or would prompt in batch mode).
  StrictHostKeyChecking: (v) => (v.toLowerCase() === 'yes' ? undefined
    : `"${v}" is refused: host-key checking is never weakened (accept-new trusts any key on first contact); add the host key to known_hosts (ssh-keyscan, after checking its fingerprint) and leave this option out`),
  UserKnownHostsFile: knownHostsFiles,
  GlobalKnownHostsFile: knownHostsFiles,
  ProxyJump: jumpHosts,
};

/** Options refused with their own reason, because they run commands or weaken checking. */
const REFUSED: Record<string, string> = {
  proxycommand: 'it runs a local command',
  localcommand: 'it runs a local command',
  permitlocalcommand: 'it lets ssh run local commands',
  knownhostscommand: 'it runs a local command to decide which host keys to trust',
  remotecommand: 'the product decides what runs on the host',
  proxyusefdpass: 'it only makes sense with ProxyCommand',
  verifyhostkeydns: 'it can trust host keys published in DNS instead of known_hosts',
  checkhostip: 'host-key checking is never weakened',
  hostkeyalias: 'it makes ssh check another host\'s key',
  updatehostkeys: 'it lets a host change what known_hosts trusts',
  batchmode: 'the product needs it on: a prompt would hang a CI job or the editor',
};

const canonical = new Map(Object.keys(ALLOWED_SSH_OPTIONS).map((name) => [name.toLowerCase(), name]));

/** Why `name=value` may not be given to ssh; undefined when it may. */
export function sshOptionProblem(name: string, value: string): string | undefined {
  if (/[\r\n]/.test(name) || /[\r\n]/.test(value) || !/^[A-Za-z][A-Za-z0-9]*$/.test(name)) {
    return `invalid ssh option ${JSON.stringify(name)}=${JSON.stringify(value)}`;
  }
  const key = name.toLowerCase();
  if (REFUSED[key]) return `ssh option ${name} is refused: ${REFUSED[key]}`;
  const known = canonical.get(key);
  if (!known) return `ssh option ${name} is not allowed; allowed: ${Object.keys(ALLOWED_SSH_OPTIONS).join(', ')} (anything else goes in your ~/.ssh/config)`;
  const problem = ALLOWED_SSH_OPTIONS[known](value.trim());
  return problem && `ssh option ${known}: ${problem}`;
}

/** The canonical spelling of an allowed option (ssh reads names case-insensitively). */
export function canonicalSshOption(name: string): string {
  return canonical.get(name.toLowerCase()) ?? name;
}

/** `validate`: one issue per refused option, at its key. */
export function checkSshOptions(at: PathSegment[], options: unknown, issues: ConfigIssue[]): void {
  if (options === null || typeof options !== 'object' || Array.isArray(options)) return;
  for (const [name, value] of Object.entries(options as Record<string, unknown>)) {
    if (!['string', 'number', 'boolean'].includes(typeof value)) continue; // the schema reports it
    const problem = sshOptionProblem(name, String(value));
    if (problem) issues.push({ path: [...at, name], message: problem, at: 'key' });
  }
}
