// What answers on an app's port, proved on the host itself: the health answer, the release the
// `current` link names, the release the supervisor started (/run/bluegreen/<app>/release), and
// every process listening on the port — each must be the app the supervisor started (its pid in
// app.pid, or a child of it). A 200 from anything else is an impostor, however healthy it looks.
import { AppSpec } from '../model';
import { shellQuote } from '../transport';
import { APP_USER } from '../hosts/hostTooling';

/** Where the supervisor keeps its state on every app host (host/bin/bluegreen-supervise). */
export const SUPERVISOR_STATE_DIR = '/run/bluegreen';

/** One shell script; its output is `key=value` lines that parseAppProbe reads. */
export function appProbeCommand(app: AppSpec): string {
  const url = `http://127.0.0.1:${app.port}${app.health}`;
  const state = `${SUPERVISOR_STATE_DIR}/${app.name}`;
  const hex = app.port.toString(16).toUpperCase().padStart(4, '0');
  return [
    `code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 3 ${shellQuote(url)} 2>/dev/null || true)`,
    'echo "status=${code:-000}"',
    `echo "version=$(basename "$(readlink ${shellQuote(`/opt/${app.name}/current`)} 2>/dev/null)" 2>/dev/null)"`,
    `echo "release=$(cat ${shellQuote(`${state}/release`)} 2>/dev/null)"`,
    `app=$(cat ${shellQuote(`${state}/app.pid`)} 2>/dev/null)`,
    'echo "apppid=$app"',
    // Listening sockets on the port (state 0A), IPv4 and IPv6, by inode; then the process holding each.
    `for inode in $(awk '$4 == "0A" && substr($2, length($2) - 4) == ":${hex}" { print $10 }' /proc/net/tcp /proc/net/tcp6 2>/dev/null | sort -u); do`,
    '  fd=$(find /proc/[0-9]*/fd -maxdepth 1 -lname "socket:\\[$inode\\]" 2>/dev/null | head -n 1)',
    // Root without CAP_SYS_PTRACE (in a container) cannot read another user's fd links: look
    // again as the user the supervisor runs apps as, which sees its own processes.
    `  if [ -z "$fd" ] && [ "$(id -u)" = 0 ] && id -u ${APP_USER} >/dev/null 2>&1 && command -v setpriv >/dev/null 2>&1; then`,
    `    fd=$(setpriv --reuid=${APP_USER} --regid=${APP_USER} --clear-groups find /proc/[0-9]*/fd -maxdepth 1 -lname "socket:\\[$inode\\]" 2>/dev/null | head -n 1)`,
    '  fi',
    '  pid=${fd#/proc/}; pid=${pid%%/*}',
    '  [ -n "$fd" ] || { echo "listener=?"; continue; }',
    // Walk up the parents: owned when the supervisor's app pid is the listener or an ancestor of it.
    '  owned=no; p=$pid; n=0',
    '  while [ -n "$p" ] && [ "$p" -gt 1 ] && [ "$n" -lt 64 ]; do',
    '    if [ -n "$app" ] && [ "$p" = "$app" ]; then owned=yes; break; fi',
    "    p=$(sed 's/.*) //' /proc/$p/stat 2>/dev/null | cut -d' ' -f2); n=$((n + 1))",
    '  done',
    `  echo "listener=$pid $owned $(readlink /proc/$pid/cwd 2>/dev/null | tr ' ' _) $(tr '\\0' ' ' < /proc/$pid/cmdline 2>/dev/null | cut -c1-160)"`,
    'done',
  ].join('\n');
}

export interface Listener {
  /** Undefined when the socket's process could not be seen (not root?). */
  pid?: number;
  owned: boolean;
  cwd: string;
  command: string;
}

export interface AppProbe {
  /** HTTP status of the health path; 0 when nothing answered. */
  status: number;
  /** The release `current` names. */
  version?: string;
  /** The release the supervisor started. */
  release?: string;
  appPid?: number;
  listeners: Listener[];
}

export function parseAppProbe(output: string): AppProbe {
  const field = (key: string) => new RegExp(`^${key}=(.*)$`, 'm').exec(output)?.[1].trim() || undefined;
  const listeners = [...output.matchAll(/^listener=(.*)$/gm)].map(([, rest]): Listener => {
    if (rest.trim() === '?') return { owned: false, cwd: '', command: '' };
    const [pid, owned, cwd, ...command] = rest.split(' ');
    return { pid: Number(pid), owned: owned === 'yes', cwd: cwd ?? '', command: command.join(' ').trim() };
  });
  return {
    status: Number(field('status') ?? 0) || 0,
    version: field('version'),
    release: field('release'),
    appPid: field('apppid') ? Number(field('apppid')) : undefined,
    listeners,
  };
}

/** Healthy only when the health path answers 2xx from the app the supervisor started, on the release `current` names. */
export function judgeAppProbe(probe: AppProbe, app: AppSpec): { healthy: boolean; detail: string } {
  const { status } = probe;
  if (!status) return { healthy: false, detail: `${app.health}: no answer on port ${app.port}` };
  if (!/^2\d\d$/.test(String(status))) return { healthy: false, detail: `${app.health} answered ${status}` };
  const strangers = probe.listeners.filter((l) => !l.owned);
  if (!probe.appPid) {
    const who = strangers.map(describeListener).join('; ') || 'a process this user cannot see';
    return { healthy: false, detail: `impostor: port ${app.port} answers ${status}, but the supervisor runs no ${app.name} (no ${SUPERVISOR_STATE_DIR}/${app.name}/app.pid); it is answered by ${who}` };
  }
  if (!probe.listeners.length) return { healthy: false, detail: `impostor check: nothing is seen listening on port ${app.port} though it answered` };
  if (strangers.length) {
    return { healthy: false, detail: `impostor: port ${app.port} is answered by ${strangers.map(describeListener).join('; ')}, not by the ${app.name} the supervisor started (pid ${probe.appPid})` };
  }
  if (probe.release !== probe.version) {
    return { healthy: false, detail: `the supervisor runs release ${probe.release ?? 'none'} but current is ${probe.version ?? 'none'} (not restarted after the deploy?)` };
  }
  const releaseDir = `/opt/${app.name}/releases/`;
  const elsewhere = probe.listeners.find((l) => l.cwd.startsWith(releaseDir) && l.cwd.slice(releaseDir.length).split('/')[0] !== probe.release);
  if (elsewhere) return { healthy: false, detail: `pid ${elsewhere.pid} on port ${app.port} runs from ${elsewhere.cwd}, not release ${probe.release}` };
  return { healthy: true, detail: `${app.health} ${status} from pid ${probe.listeners.map((l) => l.pid).join(',')} (release ${probe.release})` };
}

function describeListener(l: Listener): string {
  return l.pid === undefined ? 'a process this user cannot see (run the check as root: ssh.sudo)' : `pid ${l.pid} (${l.command || 'unknown command'})`;
}
