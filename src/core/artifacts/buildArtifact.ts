// Release artifacts: the `artifact` target of an app's Dockerfile built for a version, and the
// tarball it holds copied to a local cache, from where the stages `put` it to hosts.
import type Docker from 'dockerode';
import { existsSync, promises as fs } from 'node:fs';
import path from 'node:path';
import { AppSpec, BluegreenConfig } from '../model';
import { InputError, StageError } from '../errors';
import { requireVersion } from '../version';
import { connectDocker } from '../docker/connect';
import { getFile } from '../docker/containers';
import { AppSources, appSources, ensureArtifactImage } from '../sandbox/images';
import { SandboxRunOptions, report } from '../sandbox/progress';

export interface Artifact {
  app: string;
  version: string;
  /** Absolute path of `<app>-<version>.tar.gz` in the local cache. */
  file: string;
  /** Content hash of the sources it was built from. */
  sourceHash: string;
}

export interface BuildArtifactOptions extends SandboxRunOptions {
  docker?: Docker;
  /** Already computed sources (saves hashing the context twice during `up`). */
  sources?: AppSources;
}

/** `.bluegreen/artifacts/` beside the config file. */
export function artifactCacheDir(config: BluegreenConfig): string {
  return path.join(path.dirname(config.file), '.bluegreen', 'artifacts');
}

/**
 * Builds (or reuses) the artifact of `app` at `version` and returns its cached tarball. The
 * cache is keyed by the sources' hash, so changed sources never reuse a stale tarball.
 */
/** Where the artifact of `app` at `version` is (or would be) cached, and whether it is there: a dry run builds nothing. */
export async function plannedArtifact(config: BluegreenConfig, app: AppSpec, version: string): Promise<{ file: string; cached: boolean }> {
  requireVersion(version);
  const sources = await appSources(config, app);
  const file = path.join(artifactCacheDir(config), sources.hash, `${app.name}-${version}.tar.gz`);
  return { file, cached: existsSync(file) };
}

export async function buildArtifact(
  config: BluegreenConfig,
  app: AppSpec | string,
  version: string,
  options: BuildArtifactOptions = {},
): Promise<Artifact> {
  requireVersion(version);
  const spec = typeof app === 'string' ? config.apps.find((a) => a.name === app) : app;
  if (!spec) throw new InputError(`No app "${String(app)}" in ${config.file}`);
  const sources = options.sources ?? (await appSources(config, spec));
  const fileName = `${spec.name}-${version}.tar.gz`;
  const file = path.join(artifactCacheDir(config), sources.hash, fileName);
  const artifact = { app: spec.name, version, file, sourceHash: sources.hash };
  if (existsSync(file) && !options.rebuild) return artifact;

  const docker = options.docker ?? connectDocker();
  const image = await ensureArtifactImage(docker, sources, version, options);
  report(options, 'artifact', `copying /artifact/${fileName} out of ${image}`);
  // A created (never started) container is enough to read the image's filesystem.
  const container = await docker.createContainer({ Image: image, Cmd: ['true'], Labels: { 'bluegreen.artifact': spec.name } });
  try {
    const bytes = await getFile(container, `/artifact/${fileName}`).catch((error: Error) => {
      throw new StageError(`The artifact target of ${spec.name} holds no /artifact/${fileName}: ${error.message}`);
    });
    await fs.mkdir(path.dirname(file), { recursive: true });
    // Write then rename, so an interrupted copy never looks like a cached artifact.
    await fs.writeFile(`${file}.partial`, bytes);
    await fs.rename(`${file}.partial`, file);
  } finally {
    await container.remove({ force: true }).catch(() => undefined);
  }
  return artifact;
}
