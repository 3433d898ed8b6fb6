// Health and version of a color, read on its hosts through the transport (an operator's machine
// rarely reaches app ports; the host always reaches its own). Never from memory or labels: the
// version is the release the supervisor started, and healthy means the answer came from it.
import { AppSpec, Color } from '../model';
import { judgeAppProbe, parseAppProbe } from './appProbe';
import { appProbeCommand } from '../hostCommands/appHostCommands';
import { hostAccess } from '../hostCommands/hostCommand';
import { SUDO_RULE_HINT, describeSudoRefusal } from '../hosts/sudoRefusal';
import { runHostCommand } from '../hostCommands/run';
import { EnvironmentHandle } from '../environment/openEnvironment';

export interface HostHealth {
  host: string;
  app: string;
  healthy: boolean;
  /** The release the supervisor started (else the one `current` points at); undefined when none. */
  version?: string;
  detail: string;
  /** sudo refused the probe (the ssh user lacks docs/hosts.md's rule): nothing is known of the host. */
  sudoRefused?: boolean;
}

export interface ColorHealth {
  color: Color;
  hosts: HostHealth[];
  healthy: boolean;
  /** app → the versions its hosts run (one entry when consistent). */
  versions: Record<string, string[]>;
}

export async function checkColorHealth(handle: EnvironmentHandle, color: Color): Promise<ColorHealth> {
  const probes: Array<{ host: string; app: AppSpec }> = [];
  for (const app of handle.config.apps) {
    for (const host of handle.topology.colors[color][app.name] ?? []) probes.push({ host, app });
  }
  const hosts = await Promise.all(probes.map(async ({ host, app }): Promise<HostHealth> => {
    try {
      // Seeing which process holds a socket needs root: the probe tool runs under sudo -n where the ssh user has the narrow rule.
      const command = appProbeCommand(app, hostAccess(handle.sudo), handle.plan?.plannedRelease(host, app.name));
      let refused: string | undefined;
      const probe = async () => {
        const ran = await runHostCommand(handle.host(host), command);
        refused = describeSudoRefusal(host, ran.stderr);
        // The probe exits 0 whenever it ran to its end: a half output (cut by its time limit on a
        // starved host) would read as "nothing listens", so it counts as no answer (asked again below).
        return parseAppProbe(ran.code === 0 ? ran.stdout : '');
      };
      let result = await probe();
      if (refused) return { host, app: app.name, healthy: false, detail: `${refused}; ${SUDO_RULE_HINT}`, sudoRefused: true };
      // No answer within curl's 3 s: ask once more before calling the host unhealthy, so a
      // CPU-starved moment (seen on a 2-core machine running several sandboxes) does not refuse a
      // stage. A host that is really down stays down; a wrong answer is never retried.
      if (!result.status) result = await probe();
      const { healthy, detail } = judgeAppProbe(result, app);
      return { host, app: app.name, healthy, version: result.release ?? result.version, detail };
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

/** A gate's hint for an unhealthy color: the sudo rule when sudo refused a probe, else `otherwise`. */
export function unhealthyHint(health: ColorHealth, otherwise: string): string {
  return health.hosts.some((h) => h.sudoRefused) ? SUDO_RULE_HINT : otherwise;
}

export function describeUnhealthy(health: ColorHealth): string {
  const bad = health.hosts.filter((h) => !h.healthy);
  return `${health.color} is not healthy on ${bad.length} of ${health.hosts.length} host(s): `
    + bad.map((h) => `${h.host} ${h.app} (${h.detail})`).join(', ');
}
