// How the editor may reach an environment: with the user's settings (bluegreen.sshPath and
// bluegreen.dockerHost) and, in Restricted Mode, never at an address the workspace's own file
// names. An untrusted bluegreen.yaml can name an SSH environment (ssh runs with its options) or a
// sandbox on `docker.host: tcp://…` (the editor would connect there): neither is contacted until
// the workspace is trusted. Every reader goes through here — the tree, Docker events, the
// traffic panel, Preview — so they cannot disagree. No `vscode` import: the unit tests load it.
import { findEnvironment } from '../core/model';
import type { BluegreenConfig, Environment } from '../core/model';
import type { BluegreenSettings } from './settings';

export type EnvironmentAccess =
  | { ok: true; config: BluegreenConfig; env: Environment; sshPath: string }
  | { ok: false; reason: 'restricted' | 'failed'; message: string; hint?: string };

/** The config as this editor uses it: a sandbox without its own dockerHost takes the setting's. */
export function configWithSettings(config: BluegreenConfig, settings: Pick<BluegreenSettings, 'dockerHost'>): BluegreenConfig {
  if (!settings.dockerHost) return config;
  const environments: Record<string, Environment> = {};
  for (const [name, env] of Object.entries(config.environments)) {
    environments[name] = env.kind === 'docker' && !env.dockerHost ? { ...env, dockerHost: settings.dockerHost } : env;
  }
  return { ...config, environments };
}

export function environmentAccess(config: BluegreenConfig, envName: string, settings: Pick<BluegreenSettings, 'dockerHost' | 'sshPath'>, trusted: boolean): EnvironmentAccess {
  const named = findEnvironment(config, envName);
  if (!named) return { ok: false, reason: 'failed', message: `no environment "${envName}" in the config` };
  if (!trusted && named.kind === 'ssh') {
    return {
      ok: false, reason: 'restricted', message: 'not read in Restricted Mode',
      hint: 'Reading runs ssh with options from this workspace\'s config. Trust the workspace to read it.',
    };
  }
  // The file's own engine address, not the user's setting (VS Code ignores a workspace's value
  // of bluegreen.dockerHost in Restricted Mode, so the setting is the user's own).
  if (!trusted && named.kind === 'docker' && named.dockerHost) {
    return {
      ok: false, reason: 'restricted', message: `not read in Restricted Mode: this workspace's bluegreen.yaml names the Docker engine ${named.dockerHost}`,
      hint: 'Trust the workspace to connect to the engine it names, or remove docker.host to use your own (bluegreen.dockerHost).',
    };
  }
  const withSettings = configWithSettings(config, settings);
  return { ok: true, config: withSettings, env: withSettings.environments[envName], sshPath: settings.sshPath };
}
