// Sandbox timings: warm `up` (images present) to all healthy after a `down`, median of 3; cold
// `up` as on a machine that never built the sandbox: every unused bluegreen/* image, the builder's
// cache (dangling images: the classic builder's cache is its intermediate images) and the artifact
// cache removed, the base image kept, and `up` run as a user runs it; `down`. The cold run also
// says where its time went: each image's build (start, end, steps, cache hits) and what apt
// fetched for it and how long that took.
// The goal (warm up ≤ 1.0 × docker-compose) is judged by bench/run.ts, which also times compose;
// the cold goal (≤ 90 s on 2 cores with the base image present, issue 18) by this script.
// Run with `npx tsx bench/sandbox.ts`; writes bench/sandbox.json.
// BLUEGREEN_BENCH_CONFIG=<file> measures another config of the same shape; `--warm-only` skips
// the cold run (and keeps the cold figure of an earlier bench/sandbox.json); `--cold-only` skips
// the warm runs.
import Docker from 'dockerode';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
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

  const coldOnly = process.argv.includes('--cold-only');
  await down(config, env, { volumes: true });
  const downs: number[] = [];
  const warm: number[] = [];
  let prepareMs = Number.NaN;
  if (!coldOnly) {
    console.error('preparing: building whatever is missing …');
    prepareMs = await timed(() => up(config, env, quiet));
    downs.push(await timed(() => down(config, env)));
    for (let i = 0; i < WARM_RUNS; i++) {
      warm.push(await timed(() => up(config, env, quiet)));
      downs.push(await timed(() => down(config, env)));
      console.error(`warm up ${i + 1}: ${warm[i]} ms`);
    }
  }

  let coldMs: number;
  let coldBuilds: ImageBuild[] | undefined;
  let coldKeptImages: string[] | undefined;
  if (process.argv.includes('--warm-only')) {
    const earlier = JSON.parse(await fs.readFile(path.join(__dirname, 'sandbox.json'), 'utf8').catch(() => '{}')) as { coldUpMs?: { value: number } };
    coldMs = earlier.coldUpMs?.value ?? Number.NaN;
    downs.push(await timed(() => down(config, env, { volumes: true })));
  } else {
    // Other sandboxes on this engine may run bluegreen/* images: those stay (and are listed in the
    // JSON, since their layers make the cold run warmer than a fresh machine's).
    const inUse = new Set((await docker.listContainers({ all: true })).map((c) => c.ImageID));
    const ours = (i: Docker.ImageInfo) => (i.RepoTags ?? []).some((t) => t.startsWith(IMAGE_PREFIX));
    const listed = (await docker.listImages()).filter(ours);
    const images = listed.filter((i) => !inUse.has(i.Id));
    coldKeptImages = listed.filter((i) => inUse.has(i.Id)).flatMap((i) => i.RepoTags ?? []);
    for (const image of images) await docker.getImage(image.Id).remove({ force: true }).catch(() => undefined);
    const pruned = await docker.pruneImages({ filters: { dangling: ['true'] } }) as { ImagesDeleted?: unknown[] };
    await fs.rm(artifactCacheDir(config), { recursive: true, force: true });
    console.error(`cold: removed ${images.length} unused bluegreen/* images, ${pruned.ImagesDeleted?.length ?? 0} cached layers and the artifact cache${coldKeptImages.length ? `; kept ${coldKeptImages.length} in use` : ''}`);
    const watch = new BuildWatch();
    const started = performance.now();
    await up(config, env, { onProgress: (p) => { watch.seen(p, performance.now() - started); quiet.onProgress?.(p); } });
    coldMs = Math.round(performance.now() - started);
    coldBuilds = watch.builds();
    downs.push(await timed(() => down(config, env, { volumes: true })));
    console.table(Object.fromEntries(coldBuilds.map((b) => [b.image, { 'start s': b.startS, 'end s': b.endS, steps: b.steps, cached: b.cached, 'apt fetched': b.fetched.join('; ') }])));
  }

  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
  const result = {
    when: new Date().toISOString(),
    machine: { cpus: (await import('node:os')).cpus().length, loadAverage: (await import('node:os')).loadavg() },
    config: path.relative(path.resolve(__dirname, '..'), config.file),
    topology: { routers: env.routers, hostsPerColor: env.hostsPerColor, apps: config.apps.map((a) => a.name) },
    prepareMs,
    warmUpMs: { runs: warm, median: warm.length ? median(warm) : Number.NaN },
    coldUpMs: { value: coldMs, goal: 90_000, met: coldMs <= 90_000, builds: coldBuilds, keptImagesInUse: coldKeptImages },
    downMs: { runs: downs, median: downs.length ? median(downs) : Number.NaN },
  };
  console.table({
    'warm up (median of 3)': { ms: result.warmUpMs.median },
    'cold up (goal ≤ 90,000)': { ms: coldMs },
    'down (median)': { ms: result.downMs.median },
  });
  await fs.writeFile(path.join(__dirname, 'sandbox.json'), `${JSON.stringify(result, null, 2)}\n`);
}

interface ImageBuild {
  image: string;
  /** Seconds from the start of `up`. */
  startS: number;
  endS: number;
  steps?: number;
  cached?: number;
  /** apt's own summary lines: `Fetched 58.9 MB in 9s (6,520 kB/s)`. */
  fetched: string[];
}

/** Reads the build lines of `up` into when each image's build started and ended, and what apt fetched for it. */
class BuildWatch {
  private readonly byImage = new Map<string, ImageBuild>();

  seen(progress: { step: string; detail: string }, atMs: number): void {
    const at = Math.round(atMs / 100) / 10;
    const step = /^\[image ([^\]]+)\] (.*)$/.exec(progress.detail);
    if (progress.step === 'build-step' && step) {
      const [, image, what] = step;
      if (what.startsWith('building ')) this.byImage.set(image, { image, startS: at, endS: Number.NaN, fetched: [] });
      const built = /^built in \S+ s \((\d+) steps, (\d+) from the cache\)/.exec(what);
      const build = this.byImage.get(image);
      if (built && build) Object.assign(build, { endS: at, steps: Number(built[1]), cached: Number(built[2]) });
    }
    const raw = /^(\S+) \| (Fetched .*)$/.exec(progress.detail);
    if (progress.step === 'build' && raw) this.byImage.get(raw[1])?.fetched.push(raw[2].trim());
  }

  builds(): ImageBuild[] {
    return [...this.byImage.values()].sort((a, b) => a.startS - b.startS);
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
