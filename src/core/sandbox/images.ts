// The sandbox's images, tagged by content hash so changed sources rebuild and unchanged ones
// are reused: bluegreen/<app>-runtime:<hash>, bluegreen/<app>-artifact:<version>-<hash>,
// bluegreen/<app>:<version>-<hash> (runtime + host tooling + that version installed),
// bluegreen/router:<hash>, bluegreen/db:<hash>.
import type Docker from 'dockerode';
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { AppSpec, BluegreenConfig } from '../model';
import { InputError, PrerequisiteError } from '../errors';
import { BuildContext } from '../docker/buildContext';
import { buildImage, imageExists, tryPull } from '../docker/build';
import { ProductFiles } from '../productFiles';
import { SandboxRunOptions, report } from './progress';
import { TOOLING_RECORD_PATH, currentRecord } from '../hosts/hostTooling';

export const BASE_IMAGE = 'debian:bookworm-slim';
/** Every image the sandbox builds lives under this repository prefix (the bench removes them by it). */
export const IMAGE_PREFIX = 'bluegreen/';

/** Docker tags allow `[A-Za-z0-9_.-]`; versions may also hold `+`. */
export const tagSafe = (version: string) => version.replace(/\+/g, '_');

export async function ensureBaseImage(docker: Docker, options: SandboxRunOptions): Promise<void> {
  if (await imageExists(docker, BASE_IMAGE)) return;
  report(options, 'base-image', `${BASE_IMAGE} is missing; trying to pull it`);
  if (await tryPull(docker, BASE_IMAGE, options.signal)) return;
  throw new PrerequisiteError(
    `The base image ${BASE_IMAGE} is missing and cannot be pulled (no registry reachable)`,
    'Run scripts/make-base-image.sh to make it offline from the Debian mirror, then try again',
  );
}

/** Where an app's build sources are, checked so a wrong path is a clear config error. */
export function appBuildSource(config: BluegreenConfig, app: AppSpec): { context: string; dockerfile: string } {
  if (!app.build) {
    throw new InputError(`apps/${app.name}: the sandbox needs a runtime or a build context for every app`, 'Add `runtime: node` (or java), or `build: { context: <folder with a Dockerfile> }` (docs/your-app.md)');
  }
  const context = path.resolve(path.dirname(config.file), app.build.context);
  if (!existsSync(context) || !statSync(context).isDirectory()) {
    throw new InputError(`apps/${app.name}/build/context: folder ${context} does not exist`);
  }
  const dockerfile = app.build.dockerfile || 'Dockerfile';
  if (!existsSync(path.join(context, dockerfile))) {
    throw new InputError(`apps/${app.name}/build/dockerfile: ${path.join(context, dockerfile)} does not exist`);
  }
  return { context, dockerfile: dockerfile.split(path.sep).join('/') };
}

/** Builds `tag` from `context` unless an image with that tag exists already. */
export async function ensureBuilt(
  docker: Docker,
  context: BuildContext,
  tag: string,
  build: { dockerfile?: string; target?: string; buildArgs?: Record<string, string> },
  options: SandboxRunOptions,
): Promise<string> {
  if (!options.rebuild && (await imageExists(docker, tag))) return tag;
  report(options, 'build', `building ${tag}`);
  options.signal?.throwIfAborted();
  await buildImage(docker, context, {
    tag,
    ...build,
    buildArgs: { BASE_IMAGE, ...build.buildArgs },
    labels: { 'bluegreen.image': tag },
    noCache: options.noCache,
    onOutput: (line) => report(options, 'build', line),
    signal: options.signal,
  });
  return tag;
}

export interface AppSources {
  app: AppSpec;
  context: BuildContext;
  dockerfile: string;
  /** Content hash of the app's build context and Dockerfile name. */
  hash: string;
}

export async function appSources(config: BluegreenConfig, app: AppSpec): Promise<AppSources> {
  const source = appBuildSource(config, app);
  const context = await BuildContext.fromFolder(source.context);
  context.addFile('.bluegreen-dockerfile-name', Buffer.from(source.dockerfile));
  const hash = await context.hash();
  return { app, context, dockerfile: source.dockerfile, hash };
}

export async function ensureRuntimeImage(docker: Docker, sources: AppSources, options: SandboxRunOptions): Promise<string> {
  const tag = `${IMAGE_PREFIX}${sources.app.name}-runtime:${sources.hash}`;
  return ensureBuilt(docker, sources.context, tag, { dockerfile: sources.dockerfile, target: 'runtime' }, options);
}

export async function ensureArtifactImage(docker: Docker, sources: AppSources, version: string, options: SandboxRunOptions): Promise<string> {
  const tag = `${IMAGE_PREFIX}${sources.app.name}-artifact:${tagSafe(version)}-${sources.hash}`;
  return ensureBuilt(docker, sources.context, tag, { dockerfile: sources.dockerfile, target: 'artifact', buildArgs: { VERSION: version } }, options);
}

/**
 * The app host image: the runtime plus the host tooling plus `version` installed (not started),
 * exactly as a deploy on a real host would leave it.
 */
export async function ensureAppImage(
  docker: Docker,
  assets: ProductFiles,
  sources: Pick<AppSources, 'app'>,
  runtimeTag: string,
  artifactFile: string,
  version: string,
  options: SandboxRunOptions,
): Promise<string> {
  const app = sources.app.name;
  const artifactName = `${app}-${version}.tar.gz`;
  const dockerfile = [
    `FROM ${runtimeTag}`,
    'COPY host/ /opt/bluegreen/',
    `COPY ${artifactName} /opt/${app}/artifacts/${artifactName}`,
    `RUN /opt/bluegreen/bin/deploy ${app} ${version} --install-only`,
    // ENTRYPOINT also clears any CMD inherited from the runtime, so host-init waits as PID 1.
    'ENTRYPOINT ["/opt/bluegreen/bin/bluegreen-host-init"]',
    '',
  ].join('\n');
  const context = (await BuildContext.fromFolder(assets.host, 'host'))
    .addFile(`host/${path.posix.basename(TOOLING_RECORD_PATH)}`, imageToolingRecord())
    .addFile(artifactName, artifactFile)
    .addFile('Dockerfile', Buffer.from(dockerfile));
  const tag = `${IMAGE_PREFIX}${app}:${tagSafe(version)}-${await context.hash()}`;
  return ensureBuilt(docker, context, tag, {}, options);
}

/** The record `hosts setup` would write, baked into sandbox images (no time: the image hash stays stable). */
function imageToolingRecord(): Buffer {
  const record = currentRecord('sandbox image');
  delete record.setupAt;
  return Buffer.from(`${JSON.stringify(record)}\n`);
}

/**
 * The router, built as `docker build -f sandbox/router/Dockerfile sandbox` would, with only the
 * two folders it uses (router/ and host/) in the context.
 */
export async function ensureRouterImage(docker: Docker, assets: ProductFiles, options: SandboxRunOptions): Promise<string> {
  const context = (await (await BuildContext.fromFolder(assets.router, 'router')).addFolder(assets.host, 'host'))
    .addFile(`host/${path.posix.basename(TOOLING_RECORD_PATH)}`, imageToolingRecord());
  return ensureBuilt(docker, context, `${IMAGE_PREFIX}router:${await context.hash()}`, { dockerfile: 'router/Dockerfile' }, options);
}

export async function ensureDbImage(docker: Docker, assets: ProductFiles, options: SandboxRunOptions): Promise<string> {
  const context = await BuildContext.fromFolder(assets.db);
  return ensureBuilt(docker, context, `${IMAGE_PREFIX}db:${await context.hash()}`, {}, options);
}
