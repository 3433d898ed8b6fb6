// Every command a stage runs on an app host (setup's are in appHostSetupCommands.ts): the probe
// that proves what answers on an app's port, reading `hosts setup`'s record, and a deploy — the
// artifact put in place, then the config's own deploy lines (by default the host tooling's
// `deploy`, host/bin/deploy).
import type { AppSpec } from '../model';
import { shellQuote as q } from '../transport/shellQuote';
import { HostCommand, HostFileWrite, fileWrite, hostCommand } from './hostCommand';
import { APP_USER, TOOLING_RECORD_PATH, appLayout, artifactPath } from './layout';

/**
 * What answers on the app's port, proved on the host: health status, the release `current` names,
 * the release the supervisor started, its app pid, and each process listening on the port with
 * whether it is that pid or a child of it. Output: `key=value` lines (stages/appProbe.ts reads them).
 * Root is needed to see other users' sockets, hence `sudo` where stages use it.
 */
export function appProbeCommand(app: AppSpec, sudo: boolean, assumeRelease?: string): HostCommand {
  const url = `http://127.0.0.1:${app.port}${app.health}`;
  const layout = appLayout(app.name);
  const hex = app.port.toString(16).toUpperCase().padStart(4, '0');
  const script = [
    `code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 3 ${q(url)} 2>/dev/null || true)`,
    'echo "status=${code:-000}"',
    `echo "version=$(basename "$(readlink ${q(layout.current)} 2>/dev/null)" 2>/dev/null)"`,
    `echo "release=$(cat ${q(`${layout.supervisorState}/release`)} 2>/dev/null)"`,
    `app=$(cat ${q(`${layout.supervisorState}/app.pid`)} 2>/dev/null)`,
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
  // A dry run after a planned deploy assumes the deploy works: the release answers, from its supervisor.
  const assumed = assumeRelease === undefined ? undefined : {
    stdout: `status=200\nversion=${assumeRelease}\nrelease=${assumeRelease}\napppid=1\nlistener=1 yes ${appLayout(app.name).releases}/${assumeRelease} (assumed by the dry run)\n`,
  };
  return hostCommand(`probe ${app.name}: health, release, who listens on port ${app.port}`, script, { sudo, effect: 'read', timeoutMs: 10_000, assumed });
}

/** `hosts setup`'s record on the host (readable by anyone: no sudo). */
export function readToolingRecordCommand(): HostCommand {
  return hostCommand('read the tooling record', `cat ${q(TOOLING_RECORD_PATH)} 2>/dev/null || true`, { sudo: false, effect: 'read', timeoutMs: 15_000 });
}

export function makeArtifactDirCommand(app: string, sudo: boolean): HostCommand {
  return hostCommand(`make ${app}'s artifact folder`, `mkdir -p ${q(appLayout(app).artifacts)}`, { sudo, effect: 'record', timeoutMs: 30_000 });
}

export function putArtifactFile(app: string, version: string, bytes: Buffer, sudo: boolean): HostFileWrite {
  return fileWrite(`put the ${app} ${version} artifact`, artifactPath(app, version), bytes, { sudo, effect: 'record' });
}

/**
 * The config's deploy lines for one app with `{{version}}` and `{{artifact}}` filled in,
 * shell-quoted (the lines themselves are the operator's shell, from bluegreen.yaml).
 */
export function configDeployCommands(app: AppSpec, version: string, artifact: string | undefined, sudo: boolean): HostCommand[] {
  return app.deploy.map((line) => hostCommand(`deploy ${app.name} ${version} (bluegreen.yaml)`, line
    .replaceAll('{{version}}', q(version))
    .replaceAll('{{artifact}}', artifact ? q(artifact) : "''"), { sudo, effect: 'change', timeoutMs: 180_000 }));
}

/** The release `current` points at, as the link's last part (`.` or empty when there is none). */
export function currentReleaseCommand(app: string): HostCommand {
  return hostCommand(`read which ${app} release is current`, `basename "$(readlink ${q(appLayout(app).current)})"`, { sudo: false, effect: 'read', timeoutMs: 10_000 });
}
