// Every image a sandbox runs, built at the same time: the database's, the routers', and each
// app's chain (its runtime and its release, then the host image with that release installed). A
// first build spends most of its time in dpkg, which keeps one core busy: built together, the
// images use every core, and one's downloads overlap another's unpacking. A Dockerfile's
// artifact target waits for its runtime target, whose stage it starts from in the layer cache; a
// user's own build runs beside the runtime image's. One failed build stops the others: its error
// is the one reported.
import type Docker from 'dockerode';
import { AppRuntime, AppSpec, BluegreenConfig, DockerEnvironment } from '../model';
import { InputError } from '../errors';
import { buildArtifact } from '../artifacts/buildArtifact';
import { resolveArtifact } from '../artifacts/resolveArtifact';
import { ProductFiles } from '../productFiles';
import { AppSources, ensureAppImage, ensureDbImage, ensureRouterImage, ensureRuntimeImage } from './images';
import { ensureStockRuntimeImage } from './runtimes';
import { SandboxRunOptions } from './progress';

export interface SandboxImages {
  /** '' when the config has no database. */
  db: string;
  router: string;
  /** App name → its host image with the sandbox's initial version installed. */
  apps: Record<string, string>;
}

export async function buildSandboxImages(
  docker: Docker,
  config: BluegreenConfig,
  sandbox: DockerEnvironment,
  assets: ProductFiles,
  sources: Map<string, AppSources>,
  withDatabase: boolean,
  options: SandboxRunOptions,
): Promise<SandboxImages> {
  const stopAll = new AbortController();
  const signal = options.signal ? AbortSignal.any([options.signal, stopAll.signal]) : stopAll.signal;
  const run: SandboxRunOptions = { ...options, signal };
  let firstFailure: unknown;
  const job = <T>(work: () => Promise<T>): Promise<T> => work().catch((error: unknown) => {
    if (firstFailure === undefined) {
      firstFailure = error;
      stopAll.abort(error);
    }
    throw error;
  });

  // A user's own build commands (`artifact.build`) run one at a time, as they would by hand: two
  // of them may share a folder (`mvn package` for two modules), and were never meant to run at once.
  let userBuilds: Promise<unknown> = Promise.resolve();
  const oneUserBuildAtATime = <T>(work: () => Promise<T>): Promise<T> => {
    const turn = userBuilds.then(work);
    userBuilds = turn.catch(() => undefined);
    return turn;
  };

  const appImage = async (app: AppSpec): Promise<string> => {
    const source = sources.get(app.name);
    const runtime = source ? ensureRuntimeImage(docker, source, run) : ensureStockRuntimeImage(docker, app as AppSpec & { runtime: AppRuntime }, run);
    // The user's tarball (`artifact:`), built beside the runtime image; or the Dockerfile's
    // artifact target, after it, since it starts from the runtime stage in the layer cache.
    const release = app.artifact || !source
      ? oneUserBuildAtATime(() => resolveArtifact(config, app, sandbox.initialVersion, { ...run, docker }))
      : runtime.then(() => buildArtifact(config, app, sandbox.initialVersion, { ...run, docker, sources: source }));
    const [runtimeTag, artifact] = await Promise.all([runtime, release]);
    if (!artifact) throw new InputError(`apps.${app.name}: the sandbox needs a release of it: give artifact (your build's tarball) or build (a Dockerfile)`, 'see docs/your-app.md');
    return ensureAppImage(docker, assets, { app }, runtimeTag, artifact.file, sandbox.initialVersion, run);
  };

  const db = job(() => (withDatabase ? ensureDbImage(docker, assets, run) : Promise.resolve('')));
  const router = job(() => ensureRouterImage(docker, assets, run));
  const apps = config.apps.map((app) => job(() => appImage(app)));
  const settled = await Promise.allSettled([db, router, ...apps]);
  if (firstFailure !== undefined) throw firstFailure;
  const value = (index: number) => (settled[index] as PromiseFulfilledResult<string>).value;
  return { db: value(0), router: value(1), apps: Object.fromEntries(config.apps.map((app, i) => [app.name, value(2 + i)])) };
}
