// Turns a config that passed every check into the model's BluegreenConfig, filling the defaults.
// Only called on valid data, so the casts below describe what the schema has already ensured.

import * as path from 'node:path';
import type {
  AppArtifact,
  AppRuntime,
  AppSpec,
  BluegreenConfig,
  Color,
  DockerEnvironment,
  Environment,
  RunbookStep,
  SegmentMatch,
  SiteSpec,
  SshEnvironment,
  SshHost,
  StockRuntime,
  TrafficSpec,
} from '../model';
import { plainSite } from '../model';
import { parseDurationMs, parsePercent, splitRegexFlags } from './values';
import { RawWebhook, toWebhookSpecs } from '../notify/webhookSpec';

/** The defaults the docs and the schema promise; one place so they cannot drift apart. */
export const DEFAULTS = {
  initial: { blue: 100, green: 0 },
  previewHeader: 'X-Bluegreen-Preview',
  previewCookie: 'bluegreen_preview',
  stickyCookie: 'bluegreen_split',
  canaryWindow: '60s',
  canaryMaxErrorRate: '1%',
  canaryMaxP95: '800ms',
  drainTimeout: '30s',
  smokeExpect: 200,
  dockerfile: 'Dockerfile',
  zombieAfter: '5m',
  maxZombies: 5,
  maxConnectionShare: '80%',
  docker: { routers: 2, hostsPerColor: 1, ssh: false, basePort: 0, version: '1.0.0', host: '' },
  sshSudo: true,
} as const;

interface RawApp {
  port: number;
  health: string;
  route: string;
  build?: { context: string; dockerfile?: string };
  artifact?: string | { build?: string; path: string };
  runtime?: string | { image: string };
  deploy: string[];
}
type RawNameOrPair = string | { name: string; value?: string };
type RawSegment = { userAgent?: string; cookie?: RawNameOrPair; header?: RawNameOrPair };
type RawStep = string | Record<string, unknown>;
interface RawDocker { routers?: number; hostsPerColor?: number; ssh?: boolean; basePort?: number; version?: string; host?: string }
interface RawSsh { user?: string; port?: number; sudo?: boolean; identityFile?: string; options?: Record<string, string | number | boolean> }
interface RawEnvironment {
  docker?: RawDocker | null;
  ssh?: RawSsh | null;
  hosts?: Record<string, { ssh?: string; address?: string; port?: number } | null>;
  routers?: string[];
  colors?: Record<Color, Record<string, string[]>>;
  database?: { host?: string; url?: string };
  site?: RawSite;
}
interface RawSite { serverName?: string[]; http?: number | boolean; https?: { port?: number; certificate: string; key: string }; include?: boolean }
interface RawConfig {
  apps: Record<string, RawApp>;
  traffic?: {
    initial?: { blue: number; green: number };
    segments?: Record<string, RawSegment>;
    preview?: { header?: string; cookie?: string };
    stickyCookie?: string;
    canary?: { window?: string; maxErrorRate?: string; maxP95?: string };
    drainTimeout?: string;
  };
  smoke?: { path: string; expect?: number; contains?: string }[];
  release?: RawStep[];
  database?: { migrations?: string; zombieAfter?: string; maxZombies?: number; maxConnectionShare?: string };
  environments: Record<string, RawEnvironment>;
  notify?: RawWebhook[];
}

export function toModel(data: unknown, configFile: string): BluegreenConfig {
  const raw = data as RawConfig;
  const database = raw.database ?? {};
  return {
    file: path.resolve(configFile),
    apps: Object.entries(raw.apps).map(([name, app]) => toApp(name, app)),
    traffic: toTraffic(raw.traffic ?? {}),
    smoke: (raw.smoke ?? []).map((check) => ({
      path: check.path,
      expect: check.expect ?? DEFAULTS.smokeExpect,
      ...(check.contains !== undefined ? { contains: check.contains } : {}),
    })),
    release: (raw.release ?? []).map(toStep),
    database: {
      ...(database.migrations !== undefined ? { migrations: database.migrations } : {}),
      zombieAfterSeconds: parseDurationMs(database.zombieAfter ?? DEFAULTS.zombieAfter) / 1000,
      maxZombies: database.maxZombies ?? DEFAULTS.maxZombies,
      maxConnectionShare: parsePercent(database.maxConnectionShare ?? DEFAULTS.maxConnectionShare),
      ...(raw.database !== undefined ? { declared: true } : {}),
    },
    environments: Object.fromEntries(Object.entries(raw.environments).map(([name, env]) => [name, toEnvironment(name, env)])),
    ...(raw.notify?.length ? { notify: toWebhookSpecs(raw.notify) } : {}),
  };
}

function toApp(name: string, app: RawApp): AppSpec {
  return {
    name,
    port: app.port,
    health: app.health,
    route: app.route,
    ...(app.build ? { build: { context: app.build.context, dockerfile: app.build.dockerfile ?? DEFAULTS.dockerfile } } : {}),
    ...(app.artifact !== undefined ? { artifact: toArtifact(app.artifact) } : {}),
    ...(app.runtime !== undefined ? { runtime: toRuntime(app.runtime) } : {}),
    deploy: [...app.deploy],
  };
}

function toArtifact(artifact: NonNullable<RawApp['artifact']>): AppArtifact {
  if (typeof artifact === 'string') return { path: artifact, line: 0 };
  return { path: artifact.path, ...(artifact.build !== undefined ? { build: artifact.build } : {}), line: 0 };
}

function toRuntime(runtime: NonNullable<RawApp['runtime']>): AppRuntime {
  return typeof runtime === 'string' ? { kind: 'stock', name: runtime as StockRuntime } : { kind: 'image', image: runtime.image };
}

function toTraffic(traffic: NonNullable<RawConfig['traffic']>): TrafficSpec {
  const canary = traffic.canary ?? {};
  return {
    initial: { ...(traffic.initial ?? DEFAULTS.initial) },
    segments: Object.entries(traffic.segments ?? {}).map(([name, segment]) => ({ name, match: toMatch(segment) })),
    preview: {
      header: traffic.preview?.header ?? DEFAULTS.previewHeader,
      cookie: traffic.preview?.cookie ?? DEFAULTS.previewCookie,
    },
    canary: {
      windowSeconds: parseDurationMs(canary.window ?? DEFAULTS.canaryWindow) / 1000,
      maxErrorRate: parsePercent(canary.maxErrorRate ?? DEFAULTS.canaryMaxErrorRate),
      maxP95Ms: parseDurationMs(canary.maxP95 ?? DEFAULTS.canaryMaxP95),
    },
    stickyCookie: traffic.stickyCookie ?? DEFAULTS.stickyCookie,
    drainTimeoutSeconds: parseDurationMs(traffic.drainTimeout ?? DEFAULTS.drainTimeout) / 1000,
  };
}

function toMatch(segment: RawSegment): SegmentMatch {
  if (segment.userAgent !== undefined) return { kind: 'userAgent', ...splitRegexFlags(segment.userAgent) };
  const kind = segment.cookie !== undefined ? 'cookie' : 'header';
  const spec = (segment.cookie ?? segment.header) as RawNameOrPair;
  if (typeof spec === 'string') return { kind, name: spec };
  return { kind, name: spec.name, ...(spec.value !== undefined ? { value: spec.value } : {}) };
}

function toStep(step: RawStep): RunbookStep {
  if (step === 'migrate' || step === 'restore') return { stage: step };
  const [stage, value] = Object.entries(step as Record<string, unknown>)[0];
  switch (stage) {
    case 'deploy': {
      // `deploy: green`, or a per-app deploy `deploy: { color: green, apps: [web] }`.
      if (typeof value === 'string') return { stage, color: value as Color };
      const deploy = value as { color: Color; apps: string[] };
      return { stage, color: deploy.color, apps: [...deploy.apps] };
    }
    case 'drain':
    case 'verify':
    case 'switch':
      return { stage, color: value as Color };
    case 'pause':
      return { stage, message: value as string };
    default: {
      const canary = value as { color: Color; segment?: string; percent?: number };
      return {
        stage: 'canary',
        color: canary.color,
        ...(canary.segment !== undefined ? { segment: canary.segment } : {}),
        ...(canary.percent !== undefined ? { percent: canary.percent } : {}),
      };
    }
  }
}

function toEnvironment(name: string, env: RawEnvironment): Environment {
  if (env.docker !== undefined) {
    const docker = env.docker ?? {};
    const defaults = DEFAULTS.docker;
    const environment: DockerEnvironment = {
      kind: 'docker',
      name,
      routers: docker.routers ?? defaults.routers,
      hostsPerColor: docker.hostsPerColor ?? defaults.hostsPerColor,
      ssh: docker.ssh ?? defaults.ssh,
      basePort: docker.basePort ?? defaults.basePort,
      initialVersion: docker.version ?? defaults.version,
      dockerHost: docker.host ?? defaults.host,
    };
    return environment;
  }
  // Built by assignment rather than spreads and entries: this runs once per environment, and a
  // large config has thousands (bench/validate-large.ts).
  const ssh = env.ssh ?? {};
  const routers = [...(env.routers ?? [])];
  const colors = {
    blue: copyHostsByApp(env.colors?.blue ?? {}),
    green: copyHostsByApp(env.colors?.green ?? {}),
  };
  const hosts: Record<string, SshHost> = {};
  for (const hostName in env.hosts) {
    const spec = env.hosts[hostName];
    const host: SshHost = { name: hostName, sshTarget: spec?.ssh ?? hostName, address: spec?.address ?? hostName };
    if (spec?.port !== undefined) host.port = spec.port;
    hosts[hostName] = host;
  }
  // Every host the environment names gets an entry, so callers never meet an unknown host.
  const named = (hostName: string) => { hosts[hostName] ??= { name: hostName, sshTarget: hostName, address: hostName }; };
  routers.forEach(named);
  for (const byApp of [colors.blue, colors.green]) for (const app in byApp) byApp[app].forEach(named);
  if (env.database?.host) named(env.database.host);
  const sshSettings: SshEnvironment['ssh'] = { sudo: ssh.sudo ?? DEFAULTS.sshSudo, options: {} };
  if (ssh.user !== undefined) sshSettings.user = ssh.user;
  if (ssh.port !== undefined) sshSettings.port = ssh.port;
  if (ssh.identityFile !== undefined) sshSettings.identityFile = ssh.identityFile;
  for (const key in ssh.options) sshSettings.options[key] = String(ssh.options[key]);
  const environment: SshEnvironment = {
    kind: 'ssh',
    name,
    ssh: sshSettings,
    site: toSite(env.site),
    hosts,
    routers,
    colors,
  };
  if (env.database) environment.database = { ...env.database };
  return environment;
}

/** Plain HTTP on 80 unless the site says otherwise; with https given, plain HTTP only when asked for. */
function toSite(site: RawSite | undefined): SiteSpec {
  if (!site) return plainSite();
  const https = site.https ? { port: site.https.port ?? 443, certificate: site.https.certificate, key: site.https.key } : undefined;
  const http = typeof site.http === 'number' ? site.http : site.http === true || (site.http === undefined && !https) ? 80 : undefined;
  return {
    serverNames: [...(site.serverName ?? [])],
    ...(http !== undefined ? { http } : {}),
    ...(https ? { https } : {}),
    include: site.include ?? false,
  };
}

function copyHostsByApp(byApp: Record<string, string[]>): Record<string, string[]> {
  const copy: Record<string, string[]> = {};
  for (const app in byApp) copy[app] = byApp[app].slice();
  return copy;
}
