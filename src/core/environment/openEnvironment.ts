// Opens an environment: one transport per host (Docker exec for the sandbox, system ssh for real
// hosts) behind the same interface, so every stage below runs the same commands in both.
import { BluegreenConfig, Environment, SiteSpec, Topology, findEnvironment, plainSite } from '../model';
import { DEFAULT_ROUTER_PATHS } from '../hostCommands/layout';
import { DockerTransport, SshTransport, Transport, withLog, HostLogSink } from '../transport';
import { connectDocker } from '../docker/connect';
import { topologyOf } from '../topology';
import { RouterHandle } from '../fleet/routerHandle';
import { InputError, RefusedError } from '../errors';
import { PlanRecorder } from '../plan/planRecorder';
import { PlanningTransport } from '../plan/planningTransport';

export interface EnvironmentHandle {
  config: BluegreenConfig;
  env: Environment;
  topology: Topology;
  routers: RouterHandle[];
  /** The transport of an app host (or a router) by its topology name. */
  host(name: string): Transport;
  /** Starts connecting to these hosts at once (Transport.connect), without waiting. */
  connectAhead(names: string[]): void;
  /** Whether commands on app hosts need sudo (real hosts reached as a non-root user). */
  sudo: boolean;
  /** The port routers listen on, reached from the router itself for smoke checks. */
  routerPort: number;
  /** How users reach the routers: verify and the probes request through it. */
  site: SiteSpec;
  /**
   * Set for a dry run (`--dry-run`, the editor's Show Plan): reads run, everything else is only
   * planned here. Stages also skip their waits and builds when it is set.
   */
  plan?: PlanRecorder;
  /**
   * Routers left out on purpose (`--without`): one is lost, and the stages act on the routers
   * that answer. Not in `routers`; the lock and the audit line say which.
   */
  without: string[];
  close(): Promise<void>;
}

export interface OpenOptions {
  /** Every command and its output, per host (the CLI's --verbose, the editor's output channel). */
  hostLog?: HostLogSink;
  /** ssh binary; the editor's setting. */
  sshPath?: string;
  /** A dry run: every host step goes to this recorder, which runs only reads. */
  plan?: PlanRecorder;
  /** Routers to leave out (`--without`): refused when unknown or when none would be left. */
  without?: string[];
}

export function openEnvironment(config: BluegreenConfig, envName: string, options: OpenOptions = {}): EnvironmentHandle {
  const env = findEnvironment(config, envName);
  if (!env) {
    throw new InputError(`unknown environment "${envName}"`, `environments in the config: ${Object.keys(config.environments).join(', ')}`);
  }
  const topology = topologyOf(config, env);
  const without = routersLeftOut(topology.routers, options.without ?? [], envName);
  const transports = new Map<string, Transport>();
  const make = makeTransportFactory(env, options);
  const host = (name: string): Transport => {
    let transport = transports.get(name);
    if (!transport) {
      transport = make(name);
      if (options.hostLog) transport = withLog(transport, options.hostLog);
      if (options.plan) transport = new PlanningTransport(transport, options.plan);
      transports.set(name, transport);
    }
    return transport;
  };
  const sudo = env.kind === 'ssh' && env.ssh.sudo;
  // A sandbox router listens on 80 inside its container (published on another port); real
  // routers listen as the environment's site says.
  const site = env.kind === 'ssh' ? env.site : plainSite();
  const routerPort = site.http ?? site.https?.port ?? 80;
  return {
    config,
    env,
    topology,
    routers: topology.routers.filter((name) => !without.includes(name))
      .map((name) => ({ name, transport: host(name), paths: DEFAULT_ROUTER_PATHS, sudo, listenPort: routerPort, site })),
    host,
    connectAhead: (names) => {
      for (const name of new Set(names)) host(name).connect?.();
    },
    sudo,
    routerPort,
    site,
    plan: options.plan,
    without,
    close: async () => {
      await Promise.all([...transports.values()].map((t) => t.close().catch(() => undefined)));
    },
  };
}

/** `--without` checked against the environment's routers: each one known, at least one left. */
function routersLeftOut(routers: string[], named: string[], envName: string): string[] {
  const without = [...new Set(named.flatMap((n) => n.split(',')).map((n) => n.trim()).filter(Boolean))];
  const unknown = without.filter((n) => !routers.includes(n));
  if (unknown.length) {
    throw new InputError(`--without names ${unknown.map((n) => `"${n}"`).join(', ')}, which ${unknown.length > 1 ? 'are not routers' : 'is not a router'} of ${envName}`, `the routers of ${envName} are ${routers.join(', ')}`);
  }
  if (without.length && without.length === routers.length) {
    throw new RefusedError(`--without leaves out every router of ${envName}: no router would carry the change; nothing was changed`,
      'leave out only the routers that do not answer (bluegreen status names them)');
  }
  return without;
}

function makeTransportFactory(env: Environment, options: OpenOptions): (name: string) => Transport {
  if (env.kind === 'docker') {
    const docker = connectDocker(env.dockerHost);
    return (name) => new DockerTransport(docker, name);
  }
  return (name) => {
    const spec = env.hosts[name];
    return new SshTransport({
      host: name,
      target: spec?.sshTarget ?? name,
      user: env.ssh.user,
      port: spec?.port ?? env.ssh.port,
      identityFile: env.ssh.identityFile,
      options: env.ssh.options,
      sshPath: options.sshPath,
    });
  };
}
