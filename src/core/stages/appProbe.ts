// What answers on an app's port, proved on the host itself: the health answer, the release the
// `current` link names, the release the supervisor started (/run/bluegreen/<app>/release), and
// every process listening on the port — each must be the app the supervisor started (its pid in
// app.pid, or a child of it). A 200 from anything else is an impostor, however healthy it looks.
// The probe itself is built in hostCommands/appHostCommands.ts; this file reads and judges it.
import { AppSpec } from '../model';
import { appLayout } from '../hostCommands/layout';

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
    return { healthy: false, detail: `impostor: port ${app.port} answers ${status}, but the supervisor runs no ${app.name} (no ${appLayout(app.name).supervisorState}/app.pid); it is answered by ${who}` };
  }
  if (!probe.listeners.length) return { healthy: false, detail: `impostor check: nothing is seen listening on port ${app.port} though it answered` };
  if (strangers.length) {
    return { healthy: false, detail: `impostor: port ${app.port} is answered by ${strangers.map(describeListener).join('; ')}, not by the ${app.name} the supervisor started (pid ${probe.appPid})` };
  }
  if (probe.release !== probe.version) {
    return { healthy: false, detail: `the supervisor runs release ${probe.release ?? 'none'} but current is ${probe.version ?? 'none'} (not restarted after the deploy?)` };
  }
  const releaseDir = `${appLayout(app.name).releases}/`;
  const elsewhere = probe.listeners.find((l) => l.cwd.startsWith(releaseDir) && l.cwd.slice(releaseDir.length).split('/')[0] !== probe.release);
  if (elsewhere) return { healthy: false, detail: `pid ${elsewhere.pid} on port ${app.port} runs from ${elsewhere.cwd}, not release ${probe.release}` };
  return { healthy: true, detail: `${app.health} ${status} from pid ${probe.listeners.map((l) => l.pid).join(',')} (release ${probe.release})` };
}

function describeListener(l: Listener): string {
  return l.pid === undefined ? 'a process this user cannot see (run the check as root: ssh.sudo)' : `pid ${l.pid} (${l.command || 'unknown command'})`;
}
