// The editor's door to the core config loader (yaml + schema validation), which lives in the
// engine bundle: it is loaded on first use, not at activation, so activating stays cheap.
import type { ConfigError, ConfigResult } from '../../core/config';
import { engine } from '../engine';

/** Loads and validates the file on disk. */
export async function loadConfigFile(file: string): Promise<ConfigResult> {
  const { loadConfig } = await engine();
  return loadConfig(file);
}

/** Validates text that may not be saved yet (an editor's buffer); `file` anchors relative paths. */
export async function loadConfigText(text: string, file: string): Promise<ConfigResult> {
  const { parseConfig } = await engine();
  return parseConfig(text, file);
}

export async function describeConfigError(error: ConfigError): Promise<string> {
  const { formatConfigError } = await engine();
  return formatConfigError(error);
}
