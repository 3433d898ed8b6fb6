// Resolves an environment to the Topology the renderer and the stages use: for a real
// environment from the config's hosts, for the sandbox from its container naming scheme.
import { BluegreenConfig, COLORS, Color, Environment, SshEnvironment, Topology } from './model';
import { sandboxTopology } from './sandbox/naming';

export function topologyOf(config: BluegreenConfig, env: Environment): Topology {
  return env.kind === 'docker' ? sandboxTopology(config, env) : sshTopology(env);
}

function sshTopology(env: SshEnvironment): Topology {
  const addresses: Record<string, string> = {};
  const note = (host: string) => { addresses[host] = env.hosts[host]?.address ?? host; };
  env.routers.forEach(note);
  const colors = {} as Record<Color, Record<string, string[]>>;
  for (const color of COLORS) {
    colors[color] = {};
    for (const [app, hosts] of Object.entries(env.colors[color])) {
      colors[color][app] = [...hosts];
      hosts.forEach(note);
    }
  }
  return { routers: [...env.routers], colors, addresses };
}

/** Every app host of a color (or of some of its apps), each once (a host may serve several apps). */
export function hostsOfColor(topology: Topology, color: Color, apps?: string[]): string[] {
  const byApp = topology.colors[color];
  return [...new Set((apps ? apps.map((app) => byApp[app] ?? []) : Object.values(byApp)).flat())];
}
