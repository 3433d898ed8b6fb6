// What each sandbox container is created from, as plain data: image, environment, published
// ports, labels. Its hash goes on the container as a label, so `up` can tell a leftover it may
// adopt from one it must replace.
import type Docker from 'dockerode';
import { createHash } from 'node:crypto';
import { AppSpec, BluegreenConfig, DockerEnvironment } from '../model';
import { LABEL_SPEC, SSH_PORT, SandboxHost, databaseUrl, hasSandboxDatabase, dbVolumeName, networkName, routerContainerName } from './naming';

export interface ContainerSpec {
  host: SandboxHost;
  image: string;
  env: Record<string, string>;
  /** Named volume → mount point. */
  volumes: Record<string, string>;
  /** Short hash of everything above; stored as the `bluegreen.spec` label. */
  hash: string;
}

export interface SpecInputs {
  config: BluegreenConfig;
  sandbox: DockerEnvironment;
  images: { db: string; router: string; apps: Record<string, string> };
  /** The public key put into the hosts' authorized_keys when `ssh` is on. */
  sshPublicKey?: string;
  /**
   * Hash of the files a new router starts with (base config, routing script): part of a router's
   * spec, so a router made from an older base config is replaced (its state carried over).
   */
  routerFiles?: string;
}

export function containerSpec(host: SandboxHost, inputs: SpecInputs): ContainerSpec {
  const { sandbox } = inputs;
  const env: Record<string, string> = {};
  const volumes: Record<string, string> = {};
  let image: string;
  if (host.role === 'db') {
    image = inputs.images.db;
    volumes[dbVolumeName(sandbox.name)] = '/var/lib/postgresql/data';
  } else {
    if (sandbox.ssh) {
      env.BLUEGREEN_SSH = '1';
      env.BLUEGREEN_SSH_AUTHORIZED_KEYS = inputs.sshPublicKey ?? '';
    }
    if (host.role === 'router') image = inputs.images.router;
    else {
      const app = inputs.config.apps.find((a) => a.name === host.app) as AppSpec;
      image = inputs.images.apps[app.name];
      Object.assign(env, {
        BLUEGREEN_APPS: app.name,
        PORT: String(app.port),
        HEALTH: app.health,
        BLUEGREEN_COLOR: host.color ?? '',
        ...(hasSandboxDatabase(inputs.config) ? { DATABASE_URL: databaseUrl(sandbox.name) } : {}),
        // The web app calls the API through a router, as a browser would.
        ROUTER_URL: `http://${routerContainerName(sandbox.name, 1)}`,
      });
    }
  }
  const hash = createHash('sha256')
    .update(JSON.stringify({
      image, env: sorted(env), volumes: sorted(volumes), ports: host.ports, labels: sorted(host.labels),
      ...(host.role === 'router' && inputs.routerFiles ? { routerFiles: inputs.routerFiles } : {}),
    }))
    .digest('hex')
    .slice(0, 12);
  return { host, image, env, volumes, hash };
}

export function createOptions(spec: ContainerSpec, sandbox: DockerEnvironment): Docker.ContainerCreateOptions {
  const exposed: Record<string, object> = {};
  const bindings: Record<string, { HostIp: string; HostPort: string }[]> = {};
  for (const [containerPort, hostPort] of Object.entries(spec.host.ports)) {
    exposed[`${containerPort}/tcp`] = {};
    // Loopback only: the sandbox is never reachable from other machines.
    bindings[`${containerPort}/tcp`] = [{ HostIp: '127.0.0.1', HostPort: hostPort > 0 ? String(hostPort) : '' }];
  }
  return {
    name: spec.host.name,
    Hostname: spec.host.name,
    Image: spec.image,
    Env: Object.entries(spec.env).map(([k, v]) => `${k}=${v}`),
    Labels: { ...spec.host.labels, [LABEL_SPEC]: spec.hash },
    ExposedPorts: exposed,
    HostConfig: {
      Init: true,
      RestartPolicy: { Name: 'no' },
      NetworkMode: networkName(sandbox.name),
      PortBindings: bindings,
      Mounts: Object.entries(spec.volumes).map(([source, target]) => ({ Type: 'volume' as const, Source: source, Target: target })),
    },
  };
}

export const hasSsh = (host: SandboxHost) => SSH_PORT in host.ports;

function sorted(record: Record<string, string>): [string, string][] {
  return Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}
