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

/** How a deploy runs on the hosts. */
export interface DeployLineOptions {
  /**
   * The stage's `--force`: `DEPLOY_FORCE=1` is exported for the lines, so the host tooling's
   * `deploy` replaces a release folder of this version that holds different content (it refuses
   * otherwise, exit 4) and takes it along as `--force` through `sudo -n`. Off by default.
   */
  force?: boolean;
}

/**
 * The config's deploy lines for one app with `{{version}}` and `{{artifact}}` filled in,
 * shell-quoted (the lines themselves are the operator's shell, from bluegreen.yaml). They run as
 * the login user: the host tooling's `deploy` runs itself again through `sudo -n` when it is not
 * root (the narrow sudo rule lists it); a line of the operator's own that needs root says `sudo -n`.
 * Forced, each line starts with `export DEPLOY_FORCE=1; ` (export, not a prefix assignment, so a
 * line of several commands passes it to each of them).
 */
export function configDeployCommands(app: AppSpec, version: string, artifact: string | undefined, options: DeployLineOptions = {}): HostCommand[] {
  const prefix = options.force ? 'export DEPLOY_FORCE=1; ' : '';
  return app.deploy.map((line) => hostCommand(`deploy ${app.name} ${version} (bluegreen.yaml)${options.force ? ', forced' : ''}`, prefix + line
    .replaceAll('{{version}}', q(version))
    .replaceAll('{{artifact}}', artifact ? q(artifact) : "''"), { sudo: false, effect: 'change', timeoutMs: 180_000 }));
}

/** The line host/bin/deploy prints when --force replaced a release folder holding other content. */
/** host/bin/deploy's exit code when the host already has this version with other content. */
export const CONTENT_DIFFERS_EXIT = 4;

const REPLACED_LINE = /^deploy (\S+) (\S+): replaced \S+ \(--force\): content sha256 ([0-9a-f]{64}) -> ([0-9a-f]{64})$/m;

/**
 * What a deploy's output says about a release it replaced with --force (for the stage's summary
 * and so its audit line): `web 1.4.0: replaced content sha256 1a2b3c4d… with 5e6f7a8b…`, or
 * undefined when nothing was replaced.
 */
export function forcedReplacement(output: string): string | undefined {
  const m = REPLACED_LINE.exec(output);
  return m ? `${m[1]} ${m[2]}: replaced content sha256 ${m[3].slice(0, 12)}… with ${m[4].slice(0, 12)}… (--force)` : undefined;
}

/** The release `current` points at, as the link's last part (`.` or empty when there is none). */
export function currentReleaseCommand(app: string): HostCommand {
  return hostCommand(`read which ${app} release is current`, `basename "$(readlink ${q(appLayout(app).current)})"`, { sudo: false, effect: 'read', timeoutMs: 10_000 });
}
