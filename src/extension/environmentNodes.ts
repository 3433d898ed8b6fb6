// The environments tree as plain data: what the config says about each environment, shaped as
// nodes. Kept free of vscode so the shape can be reasoned about (and tested) on its own; the
// provider turns nodes into TreeItems. State read from the routers will join these nodes later.
import type { ConfigError } from '../core/config';
import { COLORS, type BluegreenConfig, type Color, type Environment } from '../core/model';
import { topologyOf } from '../core/topology';

export type EnvironmentNode =
  | { kind: 'environment'; config: BluegreenConfig; env: Environment }
  | { kind: 'routers'; env: Environment; routers: { name: string; address: string }[] }
  | { kind: 'router'; env: Environment; name: string; address: string }
  | { kind: 'color'; env: Environment; color: Color; apps: { app: string; hosts: string[] }[] }
  | { kind: 'app'; env: Environment; color: Color; app: string; hosts: string[] }
  | { kind: 'host'; env: Environment; name: string }
  | { kind: 'database'; env: Environment; summary: string; detail?: string }
  | { kind: 'configError'; error: ConfigError };

export function environmentNodes(config: BluegreenConfig): EnvironmentNode[] {
  return Object.values(config.environments).map((env) => ({ kind: 'environment', config, env }));
}

export function childrenOf(node: EnvironmentNode): EnvironmentNode[] {
  switch (node.kind) {
    case 'environment': {
      const { env, config } = node;
      const topology = topologyOf(config, env);
      const routers = topology.routers.map((name) => ({ name, address: topology.addresses[name] ?? name }));
      const colors: EnvironmentNode[] = COLORS.map((color) => ({
        kind: 'color',
        env,
        color,
        apps: config.apps.map((app) => ({ app: app.name, hosts: topology.colors[color][app.name] ?? [] })),
      }));
      return [{ kind: 'routers', env, routers }, ...colors, databaseNode(env)];
    }
    case 'routers':
      return node.routers.map((r) => ({ kind: 'router', env: node.env, name: r.name, address: r.address }));
    case 'color':
      return node.apps.map((a) => ({ kind: 'app', env: node.env, color: node.color, app: a.app, hosts: a.hosts }));
    case 'app':
      return node.hosts.map((name) => ({ kind: 'host', env: node.env, name }));
    default:
      return [];
  }
}

function databaseNode(env: Environment): EnvironmentNode {
  if (env.kind === 'docker') return { kind: 'database', env, summary: 'sandbox container (shared by both colors)' };
  if (!env.database) return { kind: 'database', env, summary: 'not configured' };
  return {
    kind: 'database',
    env,
    summary: env.database.host ?? 'shared by both colors',
    // A URL here is an `env:NAME` reference in the config, never the secret itself.
    detail: env.database.url ? `url: ${env.database.url}` : undefined,
  };
}

/**
 * `viewItem` for menus, composed from what is known: kind, then facts (`color:green`,
 * `environment:ssh`). Router state (live/idle, version) will be appended as further segments,
 * so `when` clauses should match with `viewItem =~ /^color:green\b/`.
 */
export function contextValueOf(node: EnvironmentNode): string {
  switch (node.kind) {
    case 'environment': return `environment:${node.env.kind}`;
    case 'color': return `color:${node.color}`;
    case 'app': return `app:${node.color}`;
    case 'configError': return 'configError';
    default: return node.kind;
  }
}
