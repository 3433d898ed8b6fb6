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
import { buildImage, imageExists, repositoryHasImages, tryPull } from '../docker/build';
import { formatBuildStep, shorten } from '../docker/buildProgress';
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

/** Which of the sandbox's images a build makes: what its first build costs depends on it. */
export type ImageKind = 'router' | 'db' | 'runtime-node' | 'runtime-java' | 'runtime-image' | 'app-runtime' | 'app-artifact' | 'app';

/**
 * How long a first build of each kind takes at most on a 2-core machine, rounded up: each built
 * here once without the layer cache (`--no-cache`) from debian:bookworm-slim, packages from
 * Debian's mirror, on 2026-12-01 while other sessions kept the machine busy (load average 5–17),
 * so a quiet machine is faster (docs/benchmarks.md, "Cold sandbox up": the sample sandbox's, its
 * images built at the same time, 141 s; its images alone took 18–42 s each there). Measured:
 * router 58 s, db 230 s, stock node 76 s, stock java 261 s, the sample apps' runtime targets
 * (sandbox/node-app, sandbox/java-app, standing for an app's own Dockerfile) 185 s and 237 s,
 * their artifact targets 85 s and 444 s (with their runtime stage; a first build reuses it),
 * an app image 9 s. Re-measure with `sandbox up` after `docker image rm` of a repository.
 */
export const FIRST_BUILD_SECONDS: Record<ImageKind, number> = {
  // 68 s when built beside the sandbox's other images, on a quiet machine.
  router: 70,
  db: 230,
  'runtime-node': 80,
  'runtime-java': 260,
  'runtime-image': 80,
  'app-runtime': 240,
  'app-artifact': 210,
  app: 10,
};

/** What a first build of each kind does, for the line that announces it. */
const FIRST_BUILD_WORK: Record<ImageKind, string> = {
  router: 'installs nginx, njs, sshd and sudo from the Debian mirror',
  db: 'installs PostgreSQL 15 from the Debian mirror',
  'runtime-node': 'installs Node.js, curl, sshd and sudo from the Debian mirror',
  'runtime-java': 'installs a Java 17 runtime, curl, sshd and sudo from the Debian mirror',
  'runtime-image': 'installs curl, sshd and sudo on your image',
  'app-runtime': 'runs every step of your Dockerfile\'s runtime target',
  'app-artifact': 'runs every step of your Dockerfile\'s artifact target',
  app: 'adds the host tooling and installs the release',
};

/** `bluegreen/router:72936407fcc7` → `bluegreen/router`, `bluegreen/web:1.0.0-4d7f9ffcf151` → `bluegreen/web:1.0.0`: the content hash says nothing to a person. */
export function imageDisplayName(tag: string): string {
  return tag.replace(/:[0-9a-f]{12}$/, '').replace(/-[0-9a-f]{12}$/, '');
}

/** The line that says a build will be slow: a first build (no image of its repository yet) or one without the cache. */
export function slowBuildNotice(kind: ImageKind, repository: string, reason: 'first' | 'no-cache'): string {
  const why = reason === 'first' ? `first build of ${repository} (none on this engine yet, nothing cached)` : 'building without the layer cache';
  // An app's own Dockerfile is measured by the sample apps': its own time depends on what it does.
  const whose = kind === 'app-runtime' || kind === 'app-artifact' ? 'the sample apps\' take' : 'this takes';
  return `${why}: it ${FIRST_BUILD_WORK[kind]}; ${whose} up to about ${FIRST_BUILD_SECONDS[kind]} s on 2 cores`;
}

/**
 * Builds `tag` from `context` unless an image with that tag exists already. The build's steps
 * are reported as `build-step` (`[image bluegreen/router] step 3/9 (cached)`), the builder's
 * raw lines as `build`: the stages forward the first and drop the second.
 */
export async function ensureBuilt(
  docker: Docker,
  context: BuildContext,
  tag: string,
  build: { kind: ImageKind; dockerfile?: string; target?: string; buildArgs?: Record<string, string> },
  options: SandboxRunOptions,
): Promise<string> {
  // The sandbox builds its images at the same time: two apps on one stock runtime share its build.
  const building = buildsInFlight.get(docker) ?? new Map<string, Promise<string>>();
  buildsInFlight.set(docker, building);
  const running = building.get(tag);
  if (running) return running;
  const done = buildUnlessPresent(docker, context, tag, build, options).finally(() => building.delete(tag));
  building.set(tag, done);
  return done;
}

const buildsInFlight = new WeakMap<Docker, Map<string, Promise<string>>>();

async function buildUnlessPresent(
  docker: Docker,
  context: BuildContext,
  tag: string,
  build: { kind: ImageKind; dockerfile?: string; target?: string; buildArgs?: Record<string, string> },
  options: SandboxRunOptions,
): Promise<string> {
  if (!options.rebuild && (await imageExists(docker, tag))) return tag;
  const name = imageDisplayName(tag);
  const say = (line: string) => report(options, 'build-step', `[image ${name}] ${line}`);
  say(`building ${tag}${build.target ? ` (target ${build.target})` : ''}`);
  const repository = tag.slice(0, tag.lastIndexOf(':'));
  // Said at the first command that really runs: a new repository whose layers are all in the
  // cache (another app's identical steps) builds in seconds and is not announced as slow.
  let slow: string | undefined = options.noCache ? slowBuildNotice(build.kind, repository, 'no-cache')
    : !(await repositoryHasImages(docker, repository)) ? slowBuildNotice(build.kind, repository, 'first') : undefined;
  options.signal?.throwIfAborted();
  const summary = await buildImage(docker, context, {
    tag,
    dockerfile: build.dockerfile,
    target: build.target,
    buildArgs: { BASE_IMAGE, ...build.buildArgs },
    labels: { 'bluegreen.image': tag },
    noCache: options.noCache,
    // Named: the sandbox builds several images at once, and their lines interleave.
    onOutput: (line) => report(options, 'build', `${name} | ${line}`),
    onStep: (step) => {
      if (slow && !step.cached && /^RUN /.test(step.instruction)) {
        say(slow);
        slow = undefined;
      }
      say(formatBuildStep(step));
    },
    onStillRunning: (step, seconds, last) => say(`step ${step.index}/${step.total} still running (${seconds} s)${last ? `: ${shorten(last, 70)}` : ''}`),
    signal: options.signal,
  });
  say(`built in ${summary.seconds} s (${summary.steps} steps, ${summary.cached} from the cache)`);
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
  return ensureBuilt(docker, sources.context, tag, { kind: 'app-runtime', dockerfile: sources.dockerfile, target: 'runtime' }, options);
}

export async function ensureArtifactImage(docker: Docker, sources: AppSources, version: string, options: SandboxRunOptions): Promise<string> {
  const tag = `${IMAGE_PREFIX}${sources.app.name}-artifact:${tagSafe(version)}-${sources.hash}`;
  return ensureBuilt(docker, sources.context, tag, { kind: 'app-artifact', dockerfile: sources.dockerfile, target: 'artifact', buildArgs: { VERSION: version } }, options);
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
  return ensureBuilt(docker, context, tag, { kind: 'app' }, options);
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
  return ensureBuilt(docker, context, `${IMAGE_PREFIX}router:${await context.hash()}`, { kind: 'router', dockerfile: 'router/Dockerfile' }, options);
}

export async function ensureDbImage(docker: Docker, assets: ProductFiles, options: SandboxRunOptions): Promise<string> {
  const context = await BuildContext.fromFolder(assets.db);
  return ensureBuilt(docker, context, `${IMAGE_PREFIX}db:${await context.hash()}`, { kind: 'db' }, options);
}
