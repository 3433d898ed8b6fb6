// `sandbox up`: builds what is missing, then creates (or adopts) the network, the db, the app
// hosts and the routers of a Docker sandbox and waits until every one is healthy. Idempotent: a
// second run changes nothing; after a crash it adopts healthy leftovers and replaces the rest.
import type Docker from 'dockerode';
import { createHash } from 'node:crypto';
import { BluegreenConfig, COLORS, Color, DockerEnvironment, RouterState } from '../model';
import { DEFAULT_ROUTER_PATHS } from '../hostCommands/layout';
import { StageError } from '../errors';
import { defaultActor } from '../actor';
import { requireEngine } from '../docker/connect';
import { execIn, getFile, putFiles } from '../docker/containers';
import { ensureNetwork, ensureVolume, listContainersByLabel, containerName, publishedPorts, removeContainer } from '../docker/resources';
import { RenderInput, initialState, parseState, renderBaseConfig, renderRouterFiles, renderRoutingScript } from '../router';
import { ProductFiles, productFiles } from '../productFiles';
import { ContainerSpec, containerSpec, createOptions, hasSsh } from './containerSpec';
import { waitHealthy, pollUntil } from './health';
import { describeProbe, probeFor, readVersion } from './hostChecks';
import { appSources, ensureBaseImage } from './images';
import { buildSandboxImages } from './buildImages';
import { LABEL_PROJECT, LABEL_ROLE, LABEL_SANDBOX, LABEL_SPEC, SSH_PORT, SandboxHost, dbVolumeName, hasSandboxDatabase, dockerEnvironment, networkName, sandboxHosts, sandboxTopology } from './naming';
import { ownerOf, projectOf, refuseForeign } from './ownership';
import { requirePortsFree } from './ports';
import { SandboxRunOptions, report } from './progress';
import { ensureSshKey, pinHostKeys, readHostKey } from './ssh';
import { SandboxStatus, status } from './status';

export interface UpOptions extends SandboxRunOptions {
  /** How long an app host may take to answer its health path (default 120 s: a JVM on 2 cores). */
  appHealthTimeoutMs?: number;
  /** How long the db and each router may take to get healthy (default 60 s). */
  healthTimeoutMs?: number;
  /** Where router/, db/ and host/ are; found next to the engine by default. */
  assets?: ProductFiles;
}

export interface UpResult {
  status: SandboxStatus;
  /** Container names created by this run (new or replacing a leftover). */
  created: string[];
  /** Leftover containers kept as they were. */
  adopted: string[];
  /** Containers removed (unhealthy or outdated leftovers, or no longer in the topology). */
  removed: string[];
}

interface Placed {
  spec: ContainerSpec;
  container: Docker.Container;
  ports: Record<number, number>;
  adopted: boolean;
}

/**
 * Brings the Docker sandbox `envName` up and waits until every container is healthy.
 * Progress goes to `options.onProgress`; `options.signal` cancels between steps, stops builds
 * and health waits (containers made so far stay; `down` removes them, a new `up` adopts them).
 * Throws PrerequisiteError (no engine, no base image), InputError (bad config, a taken port) or
 * StageError (a failed build; a host never healthy, with its last log lines).
 */
export async function up(config: BluegreenConfig, envName: string | DockerEnvironment, options: UpOptions = {}): Promise<UpResult> {
  const sandbox = dockerEnvironment(config, envName);
  const env = sandbox.name;
  report(options, 'engine', `Docker engine at ${sandbox.dockerHost || process.env.DOCKER_HOST || 'the default socket'}`);
  const docker = await requireEngine(sandbox.dockerHost);
  // Before anything is built or removed: another project's sandbox of the same name stays as it is.
  await refuseForeign(docker, config, sandbox);
  const assets = options.assets ?? productFiles();
  const appTimeout = options.appHealthTimeoutMs ?? 120_000;
  const otherTimeout = options.healthTimeoutMs ?? 60_000;
  const result: UpResult = { status: undefined as unknown as SandboxStatus, created: [], adopted: [], removed: [] };

  // Check every app's sources before building anything: a wrong path fails in a second. An app
  // with a stock `runtime` has no Dockerfile: the product builds its runtime image.
  const sources = new Map(await Promise.all(config.apps.filter((app) => app.build || !app.runtime).map(async (app) => [app.name, await appSources(config, app)] as const)));
  await ensureBaseImage(docker, options);
  const withDatabase = hasSandboxDatabase(config);
  const images = await buildSandboxImages(docker, config, sandbox, assets, sources, withDatabase, options);
  const sshPublicKey = sandbox.ssh ? await ensureSshKey(config) : undefined;
  options.signal?.throwIfAborted();

  const labels = { [LABEL_SANDBOX]: env };
  const owned = { ...labels, [LABEL_PROJECT]: projectOf(config) };
  if (await ensureNetwork(docker, networkName(env), owned)) report(options, 'network', `created ${networkName(env)}`);
  if (withDatabase && await ensureVolume(docker, dbVolumeName(env), owned)) report(options, 'db', `created volume ${dbVolumeName(env)}`);

  const routerFilesHash = createHash('sha256').update(renderBaseConfig(routerRenderInput(config, sandbox))).update(renderRoutingScript()).digest('hex').slice(0, 12);
  const specs = sandboxHosts(config, sandbox).map((host) => containerSpec(host, { config, sandbox, images, sshPublicKey, routerFiles: routerFilesHash }));
  const leftovers = await listContainersByLabel(docker, labels);
  for (const info of leftovers) {
    const owner = ownerOf(info.Labels, projectOf(config));
    // Foreign ones were refused above; these were made before sandboxes had owners, or by a
    // project whose config file no longer exists.
    if (owner.kind === 'unowned') report(options, 'owner', `${containerName(info)} has no living owner (${owner.project ? `${owner.project} is gone` : 'made before sandboxes had owners'}); this project takes it over`);
  }
  for (const info of leftovers) {
    if (!specs.some((s) => s.host.name === containerName(info))) {
      report(options, 'remove', `${containerName(info)} is no longer part of the sandbox`);
      await removeContainer(docker, info.Id);
      result.removed.push(containerName(info));
    }
  }
  const leftoverOf = (spec: ContainerSpec) => leftovers.find((info) => containerName(info) === spec.host.name);
  const timeoutOf = (host: SandboxHost) => (host.role === 'app' ? appTimeout : otherTimeout);

  /** Adopts a running leftover made from the same spec that gets healthy; otherwise (re)creates. */
  const place = async (spec: ContainerSpec, beforeStart?: (c: Docker.Container) => Promise<void>): Promise<Placed> => {
    options.signal?.throwIfAborted();
    const leftover = leftoverOf(spec);
    if (leftover) {
      const container = docker.getContainer(leftover.Id);
      const info = await container.inspect();
      if (leftover.Labels[LABEL_SPEC] === spec.hash && info.State.Running) {
        const ports = publishedPorts(info);
        // A leftover still starting gets the rest of its start-up window; an old one must answer now.
        const age = Date.now() - Date.parse(info.State.StartedAt);
        const reason = await pollUntil(probeFor(config, spec.host, container, ports), {
          timeoutMs: Math.max(3000, timeoutOf(spec.host) - age),
          signal: options.signal,
          onWaiting: (seconds, why) => report(options, 'health', `still waiting for the running ${spec.host.name} (${seconds} s): ${why}`),
        });
        if (reason === undefined) {
          report(options, spec.host.role, `${spec.host.name} is up already; kept`);
          result.adopted.push(spec.host.name);
          return { spec, container, ports, adopted: true };
        }
        report(options, spec.host.role, `${spec.host.name} is unhealthy (${reason}); replacing it`);
      } else {
        report(options, spec.host.role, `${spec.host.name} is outdated or stopped; replacing it`);
      }
      await removeContainer(docker, leftover.Id);
      result.removed.push(spec.host.name);
    }
    await requirePortsFree(docker, Object.values(spec.host.ports));
    report(options, spec.host.role, `creating ${spec.host.name} from ${spec.image}`);
    const container = await docker.createContainer(createOptions(spec, sandbox));
    await beforeStart?.(container);
    await container.start();
    result.created.push(spec.host.name);
    return { spec, container, ports: publishedPorts(await container.inspect()), adopted: false };
  };
  const waitFor = async (placed: Placed) => {
    if (placed.adopted) return;
    const { name } = placed.spec.host;
    const limit = Math.round(timeoutOf(placed.spec.host) / 1000);
    // Say what it waits for and, every 10 s, for how long and why not yet: a JVM takes its time.
    report(options, 'health', `waiting for ${name}: ${describeProbe(config, placed.spec.host, placed.ports)} (up to ${limit} s)`);
    await waitHealthy(placed.container, name, placed.spec.host.role === 'db' ? 'pg_isready' : 'health check',
      probeFor(config, placed.spec.host, placed.container, placed.ports), {
        timeoutMs: timeoutOf(placed.spec.host), signal: options.signal,
        onWaiting: (seconds, reason) => report(options, 'health', `still waiting for ${name} (${seconds} s of ${limit} s): ${reason}`),
      });
    report(options, 'health', `${name} is healthy`);
  };

  // The db first (the apps retry, but start cleaner with it), then the apps, then the routers:
  // nginx resolves its upstream names when it loads the config, so the app hosts must exist.
  const dbSpec = specs.find((s) => s.host.role === 'db');
  const db = dbSpec ? await place(dbSpec) : undefined;
  const appPlaced = await Promise.all(specs.filter((s) => s.host.role === 'app').map((spec) => place(spec)));
  const healthy = new Map<Placed, Promise<void>>();
  const appsHealthy = () => {
    for (const placed of [...(db ? [db] : []), ...appPlaced]) if (!healthy.has(placed)) healthy.set(placed, waitFor(placed));
    return Promise.all(healthy.values());
  };

  const routerSpecs = specs.filter((s) => s.host.role === 'router');
  const runningRouters = routerSpecs.map(leftoverOf).filter((info) => info?.State === 'running') as Docker.ContainerInfo[];
  if (appPlaced.some((p) => !p.adopted) && runningRouters.length > 0) {
    // Running routers resolved the app hosts' addresses when they loaded their config; replaced
    // app hosts have new ones. Reload once those answer, before judging (and keeping) the routers.
    await appsHealthy();
    for (const info of runningRouters) await reloadRouter(docker.getContainer(info.Id), containerName(info), options);
  }
  // New routers start while the app hosts start: nginx needs their names to resolve, not answer.
  const routerFiles = await routerFilesFor(config, sandbox, docker, routerSpecs, appPlaced);
  const routersPlaced = await Promise.all(
    routerSpecs.map((spec) =>
      place(spec, (container) =>
        putFiles(container, [
          { path: DEFAULT_ROUTER_PATHS.baseConfig, content: routerFiles.baseConfig },
          { path: DEFAULT_ROUTER_PATHS.state, content: routerFiles.state },
          ...(routerFiles.routingScript ? [{ path: DEFAULT_ROUTER_PATHS.routingScript, content: routerFiles.routingScript }] : []),
        ])),
    ),
  );
  // Routers are judged after the apps, so a broken app host is reported as itself, not as a 502.
  await appsHealthy();
  await Promise.all(routersPlaced.map(waitFor));

  if (sandbox.ssh) {
    report(options, 'ssh', 'pinning host keys in .bluegreen/ssh/known_hosts');
    const keys = [];
    for (const placed of [...routersPlaced, ...appPlaced].filter((p) => hasSsh(p.spec.host))) {
      const key = await readHostKey(placed.container, placed.spec.host.name, otherTimeout, options.signal);
      keys.push({ port: placed.ports[SSH_PORT], key });
    }
    await pinHostKeys(config, keys);
  }
  // Every host was just seen healthy: the status reads what runs (versions, ports) without probing again.
  result.status = await status(config, sandbox, { docker, skipHealth: true });
  report(options, 'done', `${env} is up: ${result.created.length} created, ${result.adopted.length} kept`);
  return result;
}

/**
 * The files a new router starts with. The state comes from a router that is already up when
 * there is one (the routers are the source of truth); otherwise from `traffic.initial` and the
 * versions the app hosts really run.
 */
async function routerFilesFor(config: BluegreenConfig, sandbox: DockerEnvironment, docker: Docker, routerSpecs: ContainerSpec[], apps: Placed[]) {
  // Every router's document, running or stopped (a stopped container's files can still be read);
  // the newest one wins.
  let state: RouterState | undefined;
  const leftovers = await listContainersByLabel(docker, { [LABEL_SANDBOX]: sandbox.name, [LABEL_ROLE]: 'router' });
  for (const info of leftovers.filter((i) => routerSpecs.some((s) => s.host.name === containerName(i)))) {
    try {
      const found = parseState((await getFile(docker.getContainer(info.Id), DEFAULT_ROUTER_PATHS.state)).toString());
      if (!state || found.serial > state.serial) state = found;
    } catch {
      // No readable document there: that router adds nothing to go on.
    }
  }
  if (!state) {
    const versions = { blue: {}, green: {} } as Record<Color, Record<string, string>>;
    for (const color of COLORS) {
      for (const app of config.apps) {
        const host = apps.find((p) => p.spec.host.color === color && p.spec.host.app === app.name);
        const version = host && (await readVersion(host.container, app.name));
        if (!version) throw new StageError(`${host?.spec.host.name ?? `${color} ${app.name}`} runs no release of ${app.name}`);
        versions[color][app.name] = version;
      }
    }
    state = initialState(config.traffic, versions, defaultActor(), 'sandbox up');
  }
  return renderRouterFiles(routerRenderInput(config, sandbox), state);
}

/** How the sandbox's routers are rendered: njs, port 80, the access log mirrored to Docker's log. */
function routerRenderInput(config: BluegreenConfig, sandbox: DockerEnvironment): RenderInput {
  return { apps: config.apps, traffic: config.traffic, topology: sandboxTopology(config, sandbox), mode: 'njs', paths: DEFAULT_ROUTER_PATHS, listenPort: 80, mirrorAccessLog: '/dev/stdout' };
}

/** `nginx -t` then reload; a router that fails either is left to its health check (and replaced). */
async function reloadRouter(container: Docker.Container, name: string, options: SandboxRunOptions): Promise<void> {
  report(options, 'router', `reloading ${name} (app hosts were replaced)`);
  const test = await execIn(container, ['nginx', '-t', '-q']).catch(() => undefined);
  if (test?.exitCode === 0) await execIn(container, ['nginx', '-s', 'reload']).catch(() => undefined);
}
