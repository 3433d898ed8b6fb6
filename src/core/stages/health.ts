// Health and version of a color, read on its hosts through the transport (an operator's machine
// rarely reaches app ports; the host always reaches its own). Never from memory or labels.
import { AppSpec, Color } from '../model';
import { shellQuote } from '../transport';
import { EnvironmentHandle } from '../environment/openEnvironment';

export interface HostHealth {
  host: string;
  app: string;
  healthy: boolean;
  /** The release `current` points at; undefined when the host has none. */
  version?: string;
  detail: string;
}

export interface ColorHealth {
  color: Color;
  hosts: HostHealth[];
  healthy: boolean;
  /** app → the versions its hosts run (one entry when consistent). */
  versions: Record<string, string[]>;
}

/** One shell line: health status code, then the current release's name. */
export function healthProbeCommand(app: AppSpec): string {
  const url = `http://127.0.0.1:${app.port}${app.health}`;
  return `code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 3 ${shellQuote(url)} 2>/dev/null || true); `
    + `echo "status=\${code:-000}"; echo "version=$(basename "$(readlink ${shellQuote(`/opt/${app.name}/current`)} 2>/dev/null)" 2>/dev/null)"`;
}

export async function checkColorHealth(handle: EnvironmentHandle, color: Color): Promise<ColorHealth> {
  const probes: Array<{ host: string; app: AppSpec }> = [];
  for (const app of handle.config.apps) {
    for (const host of handle.topology.colors[color][app.name] ?? []) probes.push({ host, app });
  }
  const hosts = await Promise.all(probes.map(async ({ host, app }): Promise<HostHealth> => {
    try {
      const probe = () => handle.host(host).exec(healthProbeCommand(app), { timeoutMs: 10_000 });
      let result = await probe();
      // No answer within curl's 3 s: ask once more before calling the host unhealthy, so a
      // CPU-starved moment (seen on a 2-core machine running several sandboxes) does not refuse a
      // stage. A host that is really down stays down; a wrong answer is never retried.
      if ((/status=(\d+)/.exec(result.stdout)?.[1] ?? '000') === '000') result = await probe();
      const status = /status=(\d+)/.exec(result.stdout)?.[1] ?? '000';
      const version = /version=(\S*)/.exec(result.stdout)?.[1] || undefined;
      const healthy = /^2\d\d$/.test(status);
      return { host, app: app.name, healthy, version, detail: healthy ? `${app.health} ${status}` : status === '000' ? `${app.health}: no answer on port ${app.port}` : `${app.health} answered ${status}` };
    } catch (error) {
      return { host, app: app.name, healthy: false, detail: `unreachable: ${(error as Error).message}` };
    }
  }));
  const versions: Record<string, string[]> = {};
  for (const h of hosts) {
    const list = (versions[h.app] ??= []);
    if (h.version && !list.includes(h.version)) list.push(h.version);
  }
  return { color, hosts, healthy: hosts.length > 0 && hosts.every((h) => h.healthy), versions };
}

export function describeUnhealthy(health: ColorHealth): string {
  const bad = health.hosts.filter((h) => !h.healthy);
  return `${health.color} is not healthy on ${bad.length} of ${health.hosts.length} host(s): `
    + bad.map((h) => `${h.host} ${h.app} (${h.detail})`).join(', ');
}
