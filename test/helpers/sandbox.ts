// One Docker sandbox shared by the integration suites that need real hosts: the repository's
// bluegreen.yaml under the environment name `itest` (so a developer's `sandbox` is untouched),
// ports picked by Docker. Set BLUEGREEN_TEST_PROGRESS=1 to see build and start-up progress;
// BLUEGREEN_TEST_CONFIG=<file> runs the suites against another config of the same shape.
import path from 'node:path';
import { requireConfig } from '../../src/core/config';
import { BluegreenConfig, DockerEnvironment } from '../../src/core/model';
import { SandboxProgress, UpOptions, UpResult, up } from '../../src/core/sandbox';

export const TEST_ENV = 'itest';
export const REPO_CONFIG = path.resolve(process.env.BLUEGREEN_TEST_CONFIG || path.resolve(__dirname, '../../bluegreen.yaml'));
/** A cold build (images absent) of the sample sandbox takes minutes on 2 cores. */
export const SANDBOX_UP_TIMEOUT_MS = 30 * 60_000;

export interface TestSandbox {
  config: BluegreenConfig;
  env: DockerEnvironment;
}

/** The repo's config with a docker environment `name` derived from its `sandbox` one. */
export async function testSandbox(name = TEST_ENV, overrides: Partial<DockerEnvironment> = {}): Promise<TestSandbox> {
  const config = await requireConfig(REPO_CONFIG);
  const base = Object.values(config.environments).find((e): e is DockerEnvironment => e.kind === 'docker');
  if (!base) throw new Error(`${REPO_CONFIG} has no docker environment`);
  const env: DockerEnvironment = { ...base, name, basePort: 0, ...overrides };
  return { config: { ...config, environments: { ...config.environments, [name]: env } }, env };
}

export function progressPrinter(label: string): ((p: SandboxProgress) => void) | undefined {
  if (!process.env.BLUEGREEN_TEST_PROGRESS) return undefined;
  const started = Date.now();
  return (p) => process.stderr.write(`    [${label} ${((Date.now() - started) / 1000).toFixed(1)}s] ${p.step}: ${p.detail}\n`);
}

/** `up` of the shared test sandbox (adopts it when a previous suite left it up). */
export async function upTestSandbox(options: UpOptions = {}): Promise<TestSandbox & { result: UpResult }> {
  const sandbox = await testSandbox();
  const result = await up(sandbox.config, sandbox.env, { onProgress: progressPrinter(TEST_ENV), ...options });
  return { ...sandbox, result };
}
