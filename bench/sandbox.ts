// Sandbox timings: warm `up` (images present) to all healthy after a `down`, median of 3; cold
// `up` (unused bluegreen/* images and the artifact cache removed, every image built again
// without the layer cache, the base image kept); `down`.
// The goal (warm up ≤ 1.0 × docker-compose) is judged by bench/run.ts, which also times compose.
// Run with `npx tsx bench/sandbox.ts`; writes bench/sandbox.json.
// BLUEGREEN_BENCH_CONFIG=<file> measures another config of the same shape; `--warm-only` skips
// the cold run (and keeps the cold figure of an earlier bench/sandbox.json).
import Docker from 'dockerode';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { requireConfig } from '../src/core/config';
import { DockerEnvironment } from '../src/core/model';
import { IMAGE_PREFIX, artifactCacheDir, down, up } from '../src/core/sandbox';

const ENV = 'bench';
const WARM_RUNS = 3;

async function main(): Promise<void> {
  const config = await requireConfig(path.resolve(process.env.BLUEGREEN_BENCH_CONFIG || path.resolve(__dirname, '../bluegreen.yaml')));
  const base = Object.values(config.environments).find((e): e is DockerEnvironment => e.kind === 'docker');
  if (!base) throw new Error(`${config.file} has no docker environment`);
  const env: DockerEnvironment = { ...base, name: ENV, basePort: 0 };
  const docker = new Docker();
  const quiet = { onProgress: process.env.BENCH_PROGRESS ? (p: { step: string; detail: string }) => console.error(`  ${p.step}: ${p.detail}`) : undefined };
  const timed = async (what: () => Promise<unknown>) => {
    const started = performance.now();
    await what();
    return Math.round(performance.now() - started);
  };

  await down(config, env, { volumes: true });
  console.error('preparing: building whatever is missing …');
  const prepareMs = await timed(() => up(config, env, quiet));
  const downs: number[] = [await timed(() => down(config, env))];

  const warm: number[] = [];
  for (let i = 0; i < WARM_RUNS; i++) {
    warm.push(await timed(() => up(config, env, quiet)));
    downs.push(await timed(() => down(config, env)));
    console.error(`warm up ${i + 1}: ${warm[i]} ms`);
  }

  let coldMs: number;
  if (process.argv.includes('--warm-only')) {
    const earlier = JSON.parse(await fs.readFile(path.join(__dirname, 'sandbox.json'), 'utf8').catch(() => '{}')) as { coldUpMs?: { value: number } };
    coldMs = earlier.coldUpMs?.value ?? Number.NaN;
    downs.push(await timed(() => down(config, env, { volumes: true })));
  } else {
    // Other sandboxes on this engine may run bluegreen/* images: those are left alone, and every
    // image is built again without the layer cache instead, which is what "absent" costs.
    const inUse = new Set((await docker.listContainers({ all: true })).map((c) => c.ImageID));
    const images = (await docker.listImages()).filter((i) => (i.RepoTags ?? []).some((t) => t.startsWith(IMAGE_PREFIX)) && !inUse.has(i.Id));
    for (const image of images) await docker.getImage(image.Id).remove({ force: true }).catch(() => undefined);
    await fs.rm(artifactCacheDir(config), { recursive: true, force: true });
    console.error(`cold: removed ${images.length} unused bluegreen/* images and the artifact cache; building all without cache`);
    coldMs = await timed(() => up(config, env, { ...quiet, noCache: true, rebuild: true }));
    downs.push(await timed(() => down(config, env, { volumes: true })));
  }

  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
  const result = {
    when: new Date().toISOString(),
    machine: { cpus: (await import('node:os')).cpus().length, loadAverage: (await import('node:os')).loadavg() },
    config: path.relative(path.resolve(__dirname, '..'), config.file),
    topology: { routers: env.routers, hostsPerColor: env.hostsPerColor, apps: config.apps.map((a) => a.name) },
    prepareMs,
    warmUpMs: { runs: warm, median: median(warm) },
    coldUpMs: { value: coldMs },
    downMs: { runs: downs, median: median(downs) },
  };
  console.table({
    'warm up (median of 3)': { ms: result.warmUpMs.median },
    'cold up': { ms: coldMs },
    'down (median)': { ms: result.downMs.median },
  });
  await fs.writeFile(path.join(__dirname, 'sandbox.json'), `${JSON.stringify(result, null, 2)}\n`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
