// The environments tree as plain data: the config's shape (which routers, which hosts per color)
// filled in with what was read from the routers and hosts. Kept free of vscode so the shape can be
// reasoned about on its own; the provider turns nodes into TreeItems.
import type { ConfigError } from '../../core/config';
import { COLORS, type BluegreenConfig, type Color, type Environment, type RouterState } from '../../core/model';
import type { LockInfo } from '../../core/fleet/lock';
import { topologyOf } from '../../core/topology';
import type { DatabaseReading, EnvironmentProblem, EnvironmentReading } from './environmentReading';
import type { PendingPause } from '../stages/pausePoints';

export interface RouterRow {
  name: string;
  address: string;
  /** Undefined until read. */
  reachable?: boolean;
  mode?: string;
  serial?: number;
  /** False when the router is reachable but its nginx gives no answer. */
  answering?: boolean;
  probe?: string;
  error?: string;
}

export interface HostRow {
  host: string;
  app: string;
  healthy?: boolean;
  version?: string;
  detail?: string;
}

export interface ColorRow {
  color: Color;
  /** Undefined until read. */
  live?: boolean;
  weight?: number;
  segments: string[];
  /** app → versions its hosts run. */
  versions: Record<string, string[]>;
  healthyHosts?: number;
  hosts: HostRow[];
}

export type EnvironmentNode =
  | { kind: 'environment'; envName: string; env: Environment; reading: EnvironmentReading; selected: boolean; paused: boolean; children: EnvironmentNode[] }
  | { kind: 'problem'; envName: string; problem: EnvironmentProblem }
  | { kind: 'pause'; envName: string; pause: PendingPause }
  | { kind: 'lock'; envName: string; lock: LockInfo }
  | { kind: 'routers'; envName: string; routers: RouterRow[]; state?: RouterState; children: EnvironmentNode[] }
  | { kind: 'router'; envName: string; row: RouterRow }
  | { kind: 'color'; envName: string; row: ColorRow; children: EnvironmentNode[] }
  | { kind: 'host'; envName: string; color: Color; row: HostRow }
  | { kind: 'database'; envName: string; summary: string; detail?: string; problem?: boolean }
  | { kind: 'configError'; error: ConfigError };

export interface TreeInputs {
  reading: (envName: string) => EnvironmentReading;
  pause: (envName: string) => PendingPause | undefined;
  selected: string;
}

export function environmentNodes(config: BluegreenConfig, inputs: TreeInputs): EnvironmentNode[] {
  return Object.values(config.environments).map((env) => environmentNode(config, env, inputs));
}

function environmentNode(config: BluegreenConfig, env: Environment, inputs: TreeInputs): EnvironmentNode {
  const envName = env.name;
  const reading = inputs.reading(envName);
  const pause = inputs.pause(envName);
  const topology = topologyOf(config, env);
  const status = reading.kind === 'read' ? reading.status : undefined;

  const routers: RouterRow[] = topology.routers.map((name) => {
    const r = status?.routers.find((x) => x.router === name);
    return { name, address: topology.addresses[name] ?? name, reachable: r?.reachable, mode: r?.mode, serial: r?.state?.serial, answering: r?.answering, probe: r?.probe, error: r?.error };
  });
  const colors: ColorRow[] = COLORS.map((color) => {
    const read = status?.colors.find((c) => c.color === color);
    const hosts: HostRow[] = [];
    for (const app of config.apps) {
      for (const host of topology.colors[color][app.name] ?? []) {
        const h = read?.hosts.find((x) => x.host === host && x.app === app.name);
        hosts.push({ host, app: app.name, healthy: h?.healthy, version: h?.version, detail: h?.detail });
      }
    }
    return {
      color,
      live: read?.live,
      weight: read?.weight,
      segments: read?.segments ?? [],
      versions: read?.versions ?? {},
      healthyHosts: read ? read.hosts.filter((h) => h.healthy).length : undefined,
      hosts,
    };
  });

  const children: EnvironmentNode[] = [];
  if (pause) children.push({ kind: 'pause', envName, pause });
  if (reading.kind === 'problem') children.push({ kind: 'problem', envName, problem: reading.problem });
  if (status?.lock) children.push({ kind: 'lock', envName, lock: status.lock });
  children.push({
    kind: 'routers', envName, routers, state: status?.state,
    children: routers.map((row) => ({ kind: 'router', envName, row })),
  });
  for (const row of colors) {
    children.push({ kind: 'color', envName, row, children: row.hosts.map((h) => ({ kind: 'host', envName, color: row.color, row: h })) });
  }
  children.push(databaseNode(env, reading.kind === 'read' ? reading.database : undefined));
  return { kind: 'environment', envName, env, reading, selected: inputs.selected === envName, paused: Boolean(pause), children };
}

function databaseNode(env: Environment, read: DatabaseReading | undefined): EnvironmentNode {
  const envName = env.name;
  if (read?.ok) return { kind: 'database', envName, summary: read.summary, detail: read.detail };
  if (read && !read.ok) return { kind: 'database', envName, summary: `not read: ${read.message}`, problem: true };
  if (env.kind === 'docker') return { kind: 'database', envName, summary: 'sandbox PostgreSQL (shared by both colors)' };
  if (!env.database) return { kind: 'database', envName, summary: 'not configured' };
  // A URL here is an `env:NAME` reference in the config, never the secret itself.
  return { kind: 'database', envName, summary: env.database.host ?? 'shared by both colors', detail: env.database.url ? `url: ${env.database.url}` : undefined };
}

export function childrenOf(node: EnvironmentNode): EnvironmentNode[] {
  return 'children' in node ? node.children : [];
}

/**
 * `viewItem` for menus, composed from state: kind first, then facts, so `when` clauses match
 * with `viewItem =~ /^color:green:idle/`. Colors: `color:<color>:<live|idle|unknown>:<healthy|unhealthy|unknown>`.
 */
export function contextValueOf(node: EnvironmentNode): string {
  switch (node.kind) {
    case 'environment': {
      const state = node.reading.kind === 'read' ? 'read' : node.reading.kind === 'problem' ? `problem-${node.reading.problem.reason}` : 'pending';
      const facts = [
        node.reading.kind === 'read' && node.reading.status.lock ? 'locked' : '',
        node.paused ? 'paused' : '',
        node.selected ? 'selected' : '',
      ].filter(Boolean);
      return [`environment:${node.env.kind}:${state}`, ...facts].join(':');
    }
    case 'color': {
      const { row } = node;
      const live = row.live === undefined ? 'unknown' : row.live ? 'live' : 'idle';
      const health = row.healthyHosts === undefined ? 'unknown' : row.healthyHosts === row.hosts.length && row.hosts.length > 0 ? 'healthy' : 'unhealthy';
      return `color:${row.color}:${live}:${health}`;
    }
    case 'host': return `host:${node.color}:${node.row.healthy === undefined ? 'unknown' : node.row.healthy ? 'healthy' : 'unhealthy'}`;
    case 'router': return `router:${node.row.reachable === undefined ? 'unknown' : !node.row.reachable ? 'unreachable' : node.row.answering === false ? 'silent' : 'reachable'}`;
    case 'problem': return `problem:${node.problem.reason}`;
    case 'pause': return 'pause';
    case 'lock': return 'lock';
    case 'configError': return 'configError';
    default: return node.kind;
  }
}
