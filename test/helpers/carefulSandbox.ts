// The `careful` sandbox of the issue-15 suites (verify's impostors, sandbox ownership): the
// repository's bluegreen.yaml with its own docker environment (one router, sshd in every host, so
// the same hosts can be driven as real hosts over ssh) — never the shared `itest` or `stagetest`.
import { promises as fs } from 'node:fs';
import { formatConfigError, parseConfig } from '../../src/core/config';
import { BluegreenConfig, DockerEnvironment } from '../../src/core/model';
import { HostStatus, down, sandboxSshEnvironmentYaml, up } from '../../src/core/sandbox';
import { REPO_CONFIG, progressPrinter } from './sandbox';

export const CAREFUL_ENV = 'careful';
export const CAREFUL_SSH_ENV = 'careful-ssh';

export interface CarefulSandbox {
  config: BluegreenConfig;
  env: DockerEnvironment;
  hosts: HostStatus[];
}

/** The repo's config, parsed from its own path (so it is the same project), with `careful` added. */
export async function carefulConfig(...extraEnvironments: string[]): Promise<BluegreenConfig> {
  const text = `${await fs.readFile(REPO_CONFIG, 'utf8')}\n  ${CAREFUL_ENV}:\n    docker: { routers: 1, ssh: true }\n${extraEnvironments.join('\n')}\n`;
  const result = parseConfig(text, REPO_CONFIG);
  if (!result.ok) throw new Error(`careful config is invalid:\n${result.errors.map(formatConfigError).join('\n')}`);
  return result.config;
}

export async function upCarefulSandbox(): Promise<CarefulSandbox> {
  const config = await carefulConfig();
  const env = config.environments[CAREFUL_ENV] as DockerEnvironment;
  const result = await up(config, env, { onProgress: progressPrinter(CAREFUL_ENV) });
  return { config, env, hosts: result.status.hosts };
}

/** The config with the `careful-ssh` environment: the same hosts reached over ssh as real hosts. */
export function withSshEnvironment(sandbox: CarefulSandbox): Promise<BluegreenConfig> {
  return carefulConfig(sandboxSshEnvironmentYaml(sandbox.config, sandbox.hosts, CAREFUL_SSH_ENV));
}

export async function downCarefulSandbox(): Promise<void> {
  if (process.env.BLUEGREEN_KEEP_CAREFUL) return;
  const config = await carefulConfig();
  await down(config, CAREFUL_ENV, { volumes: true });
}
