// The sandbox's baseline: the same topology (db, routers, one host per app per color, same
// images, same environment) brought up by Debian's `docker-compose` from a compose file written
// here, timed to all healthy, median of several runs. Healthy means what the sandbox waits for:
// each app answers its health path, each router answers HTTP on port 80, the db accepts.
// The topology is read from a running sandbox's containers (by label), so both sides match; the
// files `up` writes into a router before starting it (base config, routing script, state) are
// copied out of a running router and bind-mounted, and routers start after the apps, as in `up`.
import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import Docker from 'dockerode';
import { BluegreenConfig } from '../src/core/model';
import { DEFAULT_ROUTER_PATHS } from '../src/core/hostCommands/layout';
import { getFile } from '../src/core/docker/containers';
import { LABEL_APP, LABEL_ROLE, LABEL_SANDBOX } from '../src/core/sandbox/naming';
import { freePort } from '../test/helpers/nginx';
import { delay, median, timed } from './lib/measure';

const run = promisify(execFile);
const PROJECT = 'bgbenchcompose';

export interface ComposeResult {
  composeVersion: string;
  services: number;
  upMs: { runs: number[]; median: number };
  downMs: { runs: number[]; median: number };
  file: string;
}

interface Service {
  name: string;
  role: string;
  image: string;
  env: string[];
  /** Published host port and what it is checked with. */
  check?: { port: number; containerPort: number; path: string };
  /** Files bind-mounted read-only: path in the compose folder → path in the container. */
  files: Array<{ local: string; inContainer: string }>;
}

/** What `up` puts into a router before it starts it. */
const ROUTER_FILES = [DEFAULT_ROUTER_PATHS.baseConfig, DEFAULT_ROUTER_PATHS.routingScript, DEFAULT_ROUTER_PATHS.state];

export async function composeAvailable(): Promise<boolean> {
  return run('docker-compose', ['version', '--short']).then(() => true, () => false);
}

/** Compose services from a running sandbox `envName` (its containers, by label). */
async function servicesOf(config: BluegreenConfig, envName: string, dir: string): Promise<Service[]> {
  const docker = new Docker();
  const containers = await docker.listContainers({ all: false, filters: { label: [`${LABEL_SANDBOX}=${envName}`] } });
  if (!containers.length) throw new Error(`sandbox "${envName}" is not running: nothing to copy the topology from`);
  const services: Service[] = [];
  for (const info of containers) {
    const inspected = await docker.getContainer(info.Id).inspect();
    const role = info.Labels[LABEL_ROLE];
    const name = inspected.Name.replace(/^\//, '');
    const app = config.apps.find((a) => a.name === info.Labels[LABEL_APP]);
    const check = role === 'router' ? { port: await freePort(), containerPort: 80, path: '/' }
      : role === 'app' && app ? { port: await freePort(), containerPort: app.port, path: app.health } : undefined;
    const files: Service['files'] = [];
    if (role === 'router') {
      for (const [i, inContainer] of ROUTER_FILES.entries()) {
        const local = path.join(dir, `${name}-${i}-${path.basename(inContainer)}`);
        await fs.writeFile(local, await getFile(docker.getContainer(info.Id), inContainer));
        files.push({ local, inContainer });
      }
    }
    services.push({ name, role, image: inspected.Config.Image, env: inspected.Config.Env ?? [], check, files });
  }
  return services.sort((a, b) => a.name.localeCompare(b.name));
}

function composeFile(services: Service[]): string {
  // Service names are the sandbox's host names, so the apps' ROUTER_URL and DATABASE_URL resolve.
  const lines = ['version: "2.4"', 'services:'];
  for (const s of services) {
    lines.push(`  ${s.name}:`, `    image: ${JSON.stringify(s.image)}`, '    init: true', '    environment:');
    for (const e of s.env) lines.push(`      - ${JSON.stringify(e)}`);
    if (s.check) lines.push('    ports:', `      - "127.0.0.1:${s.check.port}:${s.check.containerPort}"`);
    if (s.role === 'db') lines.push('    volumes:', '      - dbdata:/var/lib/postgresql/data');
    if (s.files.length) lines.push('    volumes:', ...s.files.map((f) => `      - ${JSON.stringify(`${f.local}:${f.inContainer}:ro`)}`));
    // nginx resolves the app hosts' names when it loads its config: start routers after the apps.
    const before = s.role === 'router' ? services.filter((o) => o.role !== 'router') : s.role === 'app' ? services.filter((o) => o.role === 'db') : [];
    if (before.length) lines.push('    depends_on:', ...before.map((o) => `      - ${o.name}`));
  }
  lines.push('volumes:', '  dbdata: {}', '');
  return lines.join('\n');
}

function answers(port: number, urlPath: string, anyStatus: boolean): Promise<boolean> {
  return new Promise((resolve) => {
    const request = http.get({ host: '127.0.0.1', port, path: urlPath, timeout: 2000 }, (response) => {
      response.resume();
      resolve(anyStatus || response.statusCode === 200);
    });
    request.on('timeout', () => request.destroy());
    request.on('error', () => resolve(false));
  });
}

async function allHealthy(services: Service[]): Promise<boolean> {
  const checks = services.map(async (s) => {
    if (s.check) return answers(s.check.port, s.check.path, s.role === 'router');
    if (s.role === 'db') {
      return run('docker', ['exec', `${PROJECT}_${s.name}_1`, 'pg_isready', '-q']).then(() => true, () => false);
    }
    return true;
  });
  return (await Promise.all(checks)).every(Boolean);
}

export async function runComposeBaseline(config: BluegreenConfig, envName: string, runs: number): Promise<ComposeResult> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'bluegreen-bench-compose-'));
  const services = await servicesOf(config, envName, dir);
  const file = path.join(dir, 'docker-compose.yml');
  await fs.writeFile(file, composeFile(services));
  const compose = (...args: string[]) => run('docker-compose', ['-p', PROJECT, '-f', file, ...args], { maxBuffer: 16 << 20 });
  const composeVersion = (await run('docker-compose', ['version', '--short'])).stdout.trim();
  const ups: number[] = [];
  const downs: number[] = [];
  await compose('down', '-v').catch(() => undefined);
  try {
    for (let i = 0; i < runs; i++) {
      ups.push(await timed(async () => {
        await compose('up', '-d');
        const deadline = Date.now() + 300_000;
        while (!(await allHealthy(services))) {
          if (Date.now() > deadline) throw new Error('docker-compose topology not healthy within 300 s');
          await delay(100);
        }
      }));
      downs.push(await timed(() => compose('down', '-v', '-t', '10')));
    }
  } finally {
    await compose('down', '-v').catch(() => undefined);
  }
  return { composeVersion, services: services.length, upMs: { runs: ups, median: median(ups) }, downMs: { runs: downs, median: median(downs) }, file };
}
