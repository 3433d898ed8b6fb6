// The bench config with the sandbox added as real hosts (src/core/sandbox/sshEnvironment.ts), the
// path `bluegreen` takes to production routers. That environment names no database host, so its
// stages skip the database gate (which runs alongside the router reads anyway).
import { promises as fs } from 'node:fs';
import { BluegreenConfig } from '../../src/core/model';
import { parseConfig, formatConfigError } from '../../src/core/config';
import { sandboxSshEnvironmentYaml, status } from '../../src/core/sandbox';

export async function withSshEnvironment(config: BluegreenConfig, sandboxEnv: string, name: string): Promise<BluegreenConfig> {
  const sandbox = await status(config, sandboxEnv, { skipHealth: true });
  const yaml = sandboxSshEnvironmentYaml(config, sandbox.hosts, name);
  // Parsed as a user's file would be, at the same path, so artifacts and keys resolve the same.
  const text = `${await fs.readFile(config.file, 'utf8')}\n${yaml}\n`;
  const result = parseConfig(text, config.file);
  if (!result.ok) throw new Error(`the generated SSH environment is invalid:\n${result.errors.map(formatConfigError).join('\n')}`);
  return result.config;
}
