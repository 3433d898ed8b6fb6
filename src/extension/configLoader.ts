// The editor's door to the core config loader. The loader (yaml + validation) is imported on
// first use, not at activation, so activating the extension stays cheap.
import type { ConfigError, ConfigResult } from '../core/config';

type ConfigModule = typeof import('../core/config');

let loaded: Promise<ConfigModule> | undefined;
function configModule(): Promise<ConfigModule> {
  loaded ??= import('../core/config');
  return loaded;
}

/** Loads and validates the file on disk. */
export async function loadConfigFile(file: string): Promise<ConfigResult> {
  const { loadConfig } = await configModule();
  return loadConfig(file);
}

/** Validates text that may not be saved yet (an editor's buffer); `file` anchors relative paths. */
export async function loadConfigText(text: string, file: string): Promise<ConfigResult> {
  const { parseConfig } = await configModule();
  return parseConfig(text, file);
}

export async function describeConfigError(error: ConfigError): Promise<string> {
  const { formatConfigError } = await configModule();
  return formatConfigError(error);
}
