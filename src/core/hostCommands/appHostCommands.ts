// Every command a stage runs on an app host (setup's are in appHostSetupCommands.ts): the probe
// that proves what answers on an app's port, reading `hosts setup`'s record, and a deploy — the
// artifact put in place, then the config's own deploy lines (by default the host tooling's
// `deploy`, host/bin/deploy).
import type { AppSpec } from '../model';
import { shellQuote as q } from '../transport/shellQuote';
import { HostAccess, HostCommand, HostFileWrite, asRoot, fileWrite, hostCommand } from './hostCommand';
import { PROBE_TOOL, TOOLING_RECORD_PATH, appLayout, artifactPath } from './layout';

/**
 * What answers on the app's port, proved on the host by the host tool bluegreen-probe
 * (host/bin/bluegreen-probe): health status, the release `current` names, the release the
 * supervisor started, its app pid, and each process listening on the port with whether it is that
 * pid or a child of it. Output: `key=value` lines (stages/appProbe.ts reads them). Root is needed
 * to see other users' sockets: under the narrow sudo rule it runs as `sudo -n` + the tool.
 */
export function appProbeCommand(app: AppSpec, access: HostAccess, assumeRelease?: string): HostCommand {
  const script = asRoot(access, `${PROBE_TOOL} ${q(app.name)} ${app.port} ${q(app.health)}`);
  // A dry run after a planned deploy assumes the deploy works: the release answers, from its supervisor.
  const assumed = assumeRelease === undefined ? undefined : {
    stdout: `status=200\nversion=${assumeRelease}\nrelease=${assumeRelease}\napppid=1\nlistener=1 yes ${appLayout(app.name).releases}/${assumeRelease} (assumed by the dry run)\n`,
  };
  return hostCommand(`probe ${app.name}: health, release, who listens on port ${app.port}`, script, { sudo: false, effect: 'read', timeoutMs: 20_000, assumed });
}

/** `hosts setup`'s record on the host (readable by anyone: no sudo). */
export function readToolingRecordCommand(): HostCommand {
  return hostCommand('read the tooling record', `cat ${q(TOOLING_RECORD_PATH)} 2>/dev/null || true`, { sudo: false, effect: 'read', timeoutMs: 15_000 });
}

/**
 * The artifact folder (`hosts setup` makes it, writable by the product's group, so neither this
 * nor the put needs root).
 */
export function makeArtifactDirCommand(app: string): HostCommand {
  return hostCommand(`make ${app}'s artifact folder`, `mkdir -p ${q(appLayout(app).artifacts)}`, { sudo: false, effect: 'record', timeoutMs: 30_000 });
}

export function putArtifactFile(app: string, version: string, bytes: Buffer): HostFileWrite {
  return fileWrite(`put the ${app} ${version} artifact`, artifactPath(app, version), bytes, { sudo: false, effect: 'record' });
}

/**
 * The config's deploy lines for one app with `{{version}}` and `{{artifact}}` filled in,
 * shell-quoted (the lines themselves are the operator's shell, from bluegreen.yaml). They run as
 * the login user: the host tooling's `deploy` runs itself again through `sudo -n` when it is not
 * root (the narrow sudo rule lists it); a line of the operator's own that needs root says `sudo -n`.
 */
export function configDeployCommands(app: AppSpec, version: string, artifact: string | undefined): HostCommand[] {
  return app.deploy.map((line) => hostCommand(`deploy ${app.name} ${version} (bluegreen.yaml)`, line
    .replaceAll('{{version}}', q(version))
    .replaceAll('{{artifact}}', artifact ? q(artifact) : "''"), { sudo: false, effect: 'change', timeoutMs: 180_000 }));
}

/** The release `current` points at, as the link's last part (`.` or empty when there is none). */
export function currentReleaseCommand(app: string): HostCommand {
  return hostCommand(`read which ${app} release is current`, `basename "$(readlink ${q(appLayout(app).current)})"`, { sudo: false, effect: 'read', timeoutMs: 10_000 });
}
