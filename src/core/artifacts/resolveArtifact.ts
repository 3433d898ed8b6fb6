// The release artifact of an app at a version, whichever way the config says it is made:
//   - `artifact:` — the user's own build: a tarball path template (relative to the config file),
//     maybe after a build command run on this machine in the config's folder. No Docker at all.
//   - `build:` alone — the Dockerfile's `artifact` target (buildArtifact.ts, cached by sources).
// Either way the tarball is checked (an executable `run` at its root) before any host sees it.
import { spawn } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { AppSpec, BluegreenConfig } from '../model';
import { InputError, StageError } from '../errors';
import { requireVersion } from '../version';
import { substituteVersion } from '../config/values';
import { BuildArtifactOptions, buildArtifact, plannedArtifact } from './buildArtifact';
import { checkReleaseTarball } from './tarball';
import { report } from '../sandbox/progress';
import { shorten } from '../docker/buildProgress';

export interface ResolvedArtifact {
  app: string;
  version: string;
  /** Absolute path of the tarball on this machine. */
  file: string;
  /** `user`: from `artifact:`; `docker`: the Dockerfile's artifact target. */
  from: 'user' | 'docker';
}

/** Whether deploy puts a tarball on the hosts for this app (it has `artifact` or `build`). */
export const hasArtifact = (app: AppSpec): boolean => Boolean(app.artifact || app.build);

/** `apps.web.artifact in bluegreen.yaml:12`: where a user artifact is configured, for messages. */
export function artifactOrigin(config: BluegreenConfig, app: AppSpec): string {
  const line = app.artifact?.line ? `:${app.artifact.line}` : '';
  return `from apps.${app.name}.artifact in ${path.basename(config.file)}${line}`;
}

/** The user artifact's path for a version: as written (relative) and absolute. */
export function userArtifactPath(config: BluegreenConfig, app: AppSpec, version: string): { written: string; file: string } {
  if (!app.artifact) throw new InputError(`app ${app.name} has no artifact in ${config.file}`);
  const written = substituteVersion(app.artifact.path, version);
  return { written, file: path.resolve(path.dirname(config.file), written) };
}

/** The build command of a user artifact for a version, or undefined when it has none. */
export function userArtifactBuild(app: AppSpec, version: string): string | undefined {
  return app.artifact?.build === undefined ? undefined : substituteVersion(app.artifact.build, version);
}

/** Runs the user's build command in the config's folder; output goes to `onLine`. */
async function runLocalBuild(command: string, cwd: string, version: string, onLine: (line: string) => void, signal?: AbortSignal): Promise<void> {
  signal?.throwIfAborted();
  const tail: string[] = [];
  const code = await new Promise<number | string>((resolve, reject) => {
    // The operator's own command on the operator's machine (not a host command): their shell runs it.
    const child = spawn(command, {
      cwd,
      shell: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, BLUEGREEN_VERSION: version },
      ...(signal ? { signal } : {}),
    });
    const lines = (chunk: Buffer) => {
      for (const line of chunk.toString('utf8').split(/\r?\n/)) {
        if (!line.trim()) continue;
        tail.push(line);
        if (tail.length > 20) tail.shift();
        onLine(line);
      }
    };
    child.stdout.on('data', lines);
    child.stderr.on('data', lines);
    child.on('error', reject);
    child.on('close', (exit, sig) => resolve(exit ?? sig ?? 'unknown'));
  });
  if (code !== 0) {
    throw new StageError(`the artifact build \`${command}\` (in ${cwd}) exited ${code}${tail.length ? `:\n    ${tail.slice(-12).join('\n    ')}` : ''}`,
      'fix the build and try again; nothing was put on any host');
  }
}

/**
 * The tarball of `app` at `version`, built or found, and checked. Throws InputError naming the
 * file and the config line when the tarball is missing or breaks the contract, StageError when
 * the user's build command fails. Returns undefined for an app with neither `artifact` nor `build`.
 */
export async function resolveArtifact(
  config: BluegreenConfig,
  app: AppSpec,
  version: string,
  options: BuildArtifactOptions = {},
): Promise<ResolvedArtifact | undefined> {
  requireVersion(version);
  const key = `${config.file}\0${app.name}\0${version}`;
  const known = resolved.get(key);
  if (known && !options.rebuild && unchanged(known)) return known.artifact;
  const artifact = await resolveOnce(config, app, version, options);
  if (artifact) resolved.set(key, { artifact, ...stamp(artifact.file) });
  return artifact;
}

/**
 * Tarballs already built and checked in this process, by config, app and version: a release
 * builds each once (before its first step) and its deploy steps put the same bytes on both colors.
 * A file changed since (size or time) is built and checked again.
 */
const resolved = new Map<string, { artifact: ResolvedArtifact; size: number; mtimeMs: number }>();
const stamp = (file: string) => { const stat = statSync(file); return { size: stat.size, mtimeMs: stat.mtimeMs }; };
function unchanged(known: { artifact: ResolvedArtifact; size: number; mtimeMs: number }): boolean {
  try {
    const now = stamp(known.artifact.file);
    return now.size === known.size && now.mtimeMs === known.mtimeMs;
  } catch {
    return false;
  }
}

/**
 * Before a release's first step: every app's tarball for the version, built and checked, so a
 * missing or broken one stops the release before it moves any traffic.
 */
export async function prepareArtifacts(config: BluegreenConfig, version: string, options: BuildArtifactOptions = {}): Promise<ResolvedArtifact[]> {
  const artifacts: ResolvedArtifact[] = [];
  for (const app of config.apps.filter(hasArtifact)) {
    const artifact = await resolveArtifact(config, app, version, options);
    if (artifact) artifacts.push(artifact);
  }
  return artifacts;
}

async function resolveOnce(config: BluegreenConfig, app: AppSpec, version: string, options: BuildArtifactOptions): Promise<ResolvedArtifact | undefined> {
  if (app.artifact) {
    const { written, file } = userArtifactPath(config, app, version);
    const command = userArtifactBuild(app, version);
    const cwd = path.dirname(config.file);
    if (command) {
      report(options, 'artifact', `running \`${command}\` in ${cwd}`);
      // Its lines are raw build output (`build`, which the faces keep out of sight); say that it
      // still runs, with its last line, and how long it took.
      const started = Date.now();
      let last = '';
      const heartbeat = setInterval(() => report(options, 'artifact', `\`${command}\` still running (${Math.round((Date.now() - started) / 1000)} s)${last ? `: ${shorten(last.trim(), 70)}` : ''}`), 15_000);
      try {
        await runLocalBuild(command, cwd, version, (line) => { last = line; report(options, 'build', line); }, options.signal);
      } finally {
        clearInterval(heartbeat);
      }
      report(options, 'artifact', `\`${command}\` done in ${Math.round((Date.now() - started) / 1000)} s`);
    }
    requireFile(config, app, written, file, command);
    await checkReleaseTarball(file, artifactOrigin(config, app));
    return { app: app.name, version, file, from: 'user' };
  }
  if (!app.build) return undefined;
  const built = await buildArtifact(config, app, version, options);
  await checkReleaseTarball(built.file, `the artifact target of ${app.name}'s Dockerfile`);
  return { app: app.name, version, file: built.file, from: 'docker' };
}

function requireFile(config: BluegreenConfig, app: AppSpec, written: string, file: string, command: string | undefined): void {
  const origin = artifactOrigin(config, app);
  if (!existsSync(file)) {
    throw new InputError(
      `no file matches ${written} (${origin})${command ? ` after \`${command}\`` : ''}`,
      command ? `the build command must leave ${file}` : `build it first (or give artifact: { build: COMMAND, path: ${app.artifact?.path} }), looked for ${file}`,
    );
  }
  if (!statSync(file).isFile()) throw new InputError(`${written} (${origin}) is not a file`);
}

/** What a dry run says about an app's artifact: nothing is built or run, a file already there is checked. */
export async function plannedResolvedArtifact(
  config: BluegreenConfig,
  app: AppSpec,
  version: string,
): Promise<{ file: string; ready: boolean; note: string } | undefined> {
  requireVersion(version);
  if (app.artifact) {
    const { written, file } = userArtifactPath(config, app, version);
    const command = userArtifactBuild(app, version);
    if (command) return { file, ready: false, note: `would run \`${command}\` in ${path.dirname(config.file)}, then put ${written} (${artifactOrigin(config, app)})` };
    requireFile(config, app, written, file, undefined);
    await checkReleaseTarball(file, artifactOrigin(config, app));
    return { file, ready: true, note: `would put ${written} (${artifactOrigin(config, app)})` };
  }
  if (!app.build) return undefined;
  const planned = await plannedArtifact(config, app, version);
  return { file: planned.file, ready: planned.cached, note: `${planned.cached ? 'would reuse' : 'would build (not cached yet)'} the ${app.name} ${version} artifact: ${planned.file}` };
}
