// The router's rendered files on a real nginx: `nginx -t` on every rendered config, then a real
// nginx (2 workers) in front of two tiny upstreams per app — blue on 127.0.0.2, green on
// 127.0.0.3 — checking that requests follow each plan, in njs mode (only the state file changes)
// and in files mode (the plan's files written and swapped in by the stages' own shell commands);
// neither reloads nginx.

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import { execFileSync } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import {
  COLORS,
  type AppSpec,
  type Color,
  type RouterPaths,
  type RouterState,
  type RoutingMode,
  type TrafficPlan,
  type TrafficSpec,
} from '../../src/core/model';
import {
  ACCESS_LOG_KEYS,
  NOT_RELEASED_TEXT,
  STATE_LOCATION,
  unreleasedPlan,
  initialState,
  nextState,
  percentPlan,
  renderRouterFiles,
  segmentPlan,
  type RenderInput,
} from '../../src/core/router';
import {
  checkConfig,
  freePort,
  makePrefix,
  nginxAvailable,
  njsAvailable,
  replaceFile,
  startNginx,
  writeReadable,
  wrapperConfig,
  type RunningNginx,
} from '../helpers/nginx';
import type { HostCommand } from '../../src/core/hostCommands/hostCommand';
import { applyNextStateCommand, writeNextStateCommand } from '../../src/core/hostCommands/routerCommands';
import { putPlanFilesCommand } from '../../src/core/hostCommands/routerSetupCommands';

const ADDRESSES: Record<Color, string> = { blue: '127.0.0.2', green: '127.0.0.3' };
const IPHONE = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile/15E148';
const DESKTOP = 'Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0';
// A User-Agent regex full of characters that mean something to nginx or JSON: { } $ " \ ;
const ODD_REGEX = String.raw`^Odd\{1\}"x\$;\d+\\$`;
const ODD_AGENT = String.raw`Odd{1}"x$;42\ `.trimEnd();

const traffic: TrafficSpec = {
  initial: { blue: 100, green: 0 },
  segments: [
    { name: 'mobile', match: { kind: 'userAgent', regex: '(android|iphone|ipad|mobile)', caseInsensitive: true } },
    { name: 'beta', match: { kind: 'cookie', name: 'beta', value: 'yes' } },
    { name: 'tester', match: { kind: 'header', name: 'X-Tester' } },
    { name: 'odd', match: { kind: 'userAgent', regex: ODD_REGEX, caseInsensitive: false } },
  ],
  preview: { header: 'X-Bluegreen-Preview', cookie: 'bluegreen_preview' },
  canary: { windowSeconds: 60, maxErrorRate: 0.01, maxP95Ms: 800 },
  stickyCookie: 'bluegreen_bucket',
  drainTimeoutSeconds: 30,
};

function appSpec(name: string, route: string, port: number): AppSpec {
  return { name, port, health: '/health', route, deploy: [] };
}

function routerPaths(prefix: string): RouterPaths {
  return {
    baseConfig: path.join(prefix, 'conf/bluegreen.conf'),
    routingScript: path.join(prefix, 'conf/routing.js'),
    state: path.join(prefix, 'data/state.json'),
    planLookup: path.join(prefix, 'conf/plan.conf'),
    planFiles: path.join(prefix, 'data/plan'),
    siteSnippet: path.join(prefix, 'conf/site.conf'),
    dataDir: path.join(prefix, 'data'),
    accessLog: path.join(prefix, 'logs/bluegreen.access.log'),
  };
}

function renderInput(mode: RoutingMode, prefix: string, apps: AppSpec[], listenPort: number): RenderInput {
  const colors = { blue: {} as Record<string, string[]>, green: {} as Record<string, string[]> };
  for (const app of apps) {
    colors.blue[app.name] = ['app-blue'];
    colors.green[app.name] = ['app-green'];
  }
  return {
    apps,
    traffic,
    topology: { routers: ['lb1'], colors, addresses: { 'app-blue': ADDRESSES.blue, 'app-green': ADDRESSES.green } },
    mode,
    paths: routerPaths(prefix),
    listenPort,
    listenAddress: '127.0.0.1',
  };
}

/** Writes every file of the router, exactly the bytes renderRouterFiles gives. */
function writeRouterFiles(input: RenderInput, state: RouterState): void {
  const files = renderRouterFiles(input, state);
  writeReadable(input.paths.baseConfig, files.baseConfig);
  if (files.routingScript !== undefined) writeReadable(input.paths.routingScript, files.routingScript);
  if (files.planLookup !== undefined) writeReadable(input.paths.planLookup, files.planLookup);
  replaceFile(input.paths.state, files.state);
  if (files.planFiles) runLocally(putPlanFilesCommand({ paths: input.paths, sudo: false }, files.planFiles));
}

/** A host command, run here as the stages run it on a router. */
function runLocally(command: HostCommand): string {
  return execFileSync('sh', ['-c', command.script], { input: command.input ?? '', encoding: 'utf8' });
}

const versions = { blue: { api: '1.0.0', web: '1.0.0' }, green: { api: '1.0.0', web: '1.0.0' } };

describe('router on a real nginx', function () {
  this.timeout(120_000);

  before(function () {
    if (!nginxAvailable()) this.skip();
  });

  describe('nginx -t on every rendered config', () => {
    for (const mode of ['njs', 'files'] as RoutingMode[]) {
      it(`accepts the ${mode}-mode files, with odd regexes and every kind of segment in the plan`, async function () {
        if (mode === 'njs' && !njsAvailable()) this.skip();
        const prefix = makePrefix(`t-${mode}`);
        try {
          const apps = [appSpec('api', '/api/', 8080), appSpec('web', '/', 3000), appSpec('admin-ui', '/api/admin/', 9000)];
          const input = renderInput(mode, prefix, apps, 8081);
          const plans: TrafficPlan[] = [
            percentPlan('green', 0),
            percentPlan('green', 100),
            percentPlan('green', 1),
            percentPlan('blue', 50),
            segmentPlan('green', 'mobile'),
            {
              weights: { blue: 73, green: 27 },
              segments: [
                { name: 'odd', color: 'green' },
                { name: 'beta', color: 'blue' },
                { name: 'tester', color: 'green' },
                { name: 'mobile', color: 'green' },
              ],
            },
          ];
          let state = initialState(traffic, versions, 'test');
          for (const plan of plans) {
            state = nextState(state, plan, { changedBy: 'test', stage: `plan ${JSON.stringify(plan.weights)}` });
            writeRouterFiles(input, state);
            const confPath = path.join(prefix, 'nginx.conf');
            writeReadable(confPath, wrapperConfig(prefix, { njs: mode === 'njs', httpConfig: `include ${input.paths.baseConfig};` }));
            const result = await checkConfig(prefix, confPath);
            assert.ok(result.ok, `nginx -t failed for ${JSON.stringify(plan)}:\n${result.output}`);
          }
        } finally {
          fs.rmSync(prefix, { recursive: true, force: true });
        }
      });
    }
  });

  for (const mode of ['njs', 'files'] as RoutingMode[]) {
    describe(`routing in ${mode} mode`, () => {
      let prefix: string;
      let nginx: RunningNginx | undefined;
      let input: RenderInput;
      let state: RouterState;
      let port: number;
      let workersAtStart: number[] = [];
      const upstreams: http.Server[] = [];

      /** Moves traffic the way the stages do in this mode. */
      async function applyPlan(plan: TrafficPlan): Promise<void> {
        state = nextState(state, plan, { changedBy: 'test', stage: `test ${mode}` });
        const files = renderRouterFiles(input, state);
        if (mode === 'njs') {
          replaceFile(input.paths.state, files.state);
          return;
        }
        // The stages' write step, then their apply step (a symlink renamed over `current`).
        const router = { paths: input.paths, sudo: false };
        runLocally(writeNextStateCommand(router, files.state, files.planFiles));
        runLocally(applyNextStateCommand(router, { serial: state.serial, previousSerial: state.serial - 1 }));
      }

      before(async function () {
        if (mode === 'njs' && !njsAvailable()) this.skip();
        prefix = makePrefix(`route-${mode}`);
        const apiPort = await freePort();
        const webPort = await freePort();
        for (const color of COLORS) {
          for (const [app, appPort] of [['api', apiPort], ['web', webPort]] as const) {
            const server = http.createServer((req, res) => {
              res.setHeader('content-type', 'text/plain');
              res.end(`${color} ${app} ${req.url}`);
            });
            server.keepAliveTimeout = 30_000;
            await new Promise<void>((resolve, reject) => {
              server.once('error', reject);
              server.listen(appPort, ADDRESSES[color], () => resolve());
            });
            assert.equal((server.address() as AddressInfo).port, appPort);
            upstreams.push(server);
          }
        }
        port = await freePort();
        input = renderInput(mode, prefix, [appSpec('api', '/api/', apiPort), appSpec('web', '/', webPort)], port);
        state = initialState(traffic, versions, 'test');
        writeRouterFiles(input, state);
        nginx = await startNginx({
          prefix,
          njs: mode === 'njs',
          workers: 2,
          httpConfig: `include ${input.paths.baseConfig};`,
          waitForPorts: [port],
        });
        workersAtStart = nginx.workerPids();
      });

      after(async () => {
        await nginx?.stop();
        await Promise.all(upstreams.map((server) => new Promise((resolve) => server.close(resolve))));
        if (prefix) fs.rmSync(prefix, { recursive: true, force: true });
      });

      it('sends everything to blue at 100/0 and to green at 0/100, for every app route', async () => {
        await applyPlan(percentPlan('blue', 100));
        let counts = await countColors(port, 300, { path: '/api/x' });
        assert.deepEqual(counts, { blue: 300, green: 0 });
        await applyPlan(percentPlan('green', 100));
        counts = await countColors(port, 300, { path: '/web/page' });
        assert.deepEqual(counts, { blue: 0, green: 300 });
        const apiBody = await request(port, { path: '/api/version' });
        assert.equal(apiBody.body, 'green api /api/version');
        const webBody = await request(port, { path: '/' });
        assert.equal(webBody.body, 'green web /');
      });

      it('splits 50/50, 90/10 and 1 % per request for a client without cookies', async () => {
        await applyPlan(percentPlan('green', 50));
        let counts = await countColors(port, 2000);
        assert.ok(counts.green >= 900 && counts.green <= 1100, `50/50 gave ${JSON.stringify(counts)}`);
        await applyPlan(percentPlan('green', 10));
        counts = await countColors(port, 2000);
        assert.ok(counts.green >= 140 && counts.green <= 260, `90/10 gave ${JSON.stringify(counts)}`);
        await applyPlan(percentPlan('green', 1));
        counts = await countColors(port, 2000);
        assert.ok(counts.green >= 5 && counts.green <= 45, `99/1 gave ${JSON.stringify(counts)}`);
      });

      it('sends the mobile segment to green and desktop to blue', async () => {
        await applyPlan(segmentPlan('green', 'mobile'));
        assert.deepEqual(await countColors(port, 200, { agent: IPHONE }), { blue: 0, green: 200 });
        assert.deepEqual(await countColors(port, 200, { agent: DESKTOP }), { blue: 200, green: 0 });
        const one = await request(port, { agent: IPHONE });
        assert.equal(one.color, 'green');
      });

      it('matches cookie, header and odd-regex segments, first plan segment first', async () => {
        await applyPlan({
          weights: { blue: 100, green: 0 },
          segments: [
            { name: 'beta', color: 'green' },
            { name: 'tester', color: 'green' },
            { name: 'odd', color: 'green' },
          ],
        });
        assert.equal((await request(port, { cookie: 'a=b; beta=yes' })).color, 'green');
        assert.equal((await request(port, { cookie: 'beta=no' })).color, 'blue');
        assert.equal((await request(port, { cookie: 'xbeta=yes' })).color, 'blue');
        assert.equal((await request(port, { headers: { 'X-Tester': 'anyone' } })).color, 'green');
        assert.equal((await request(port, { agent: ODD_AGENT })).color, 'green');
        assert.equal((await request(port, { agent: 'Odd{1}"x$;42' })).color, 'blue');
        await applyPlan({
          weights: { blue: 0, green: 100 },
          segments: [
            { name: 'tester', color: 'blue' },
            { name: 'beta', color: 'green' },
          ],
        });
        assert.equal((await request(port, { cookie: 'beta=yes', headers: { 'X-Tester': '1' } })).color, 'blue');
      });

      it('lets the preview header and cookie force a color, even one at 0 %', async () => {
        await applyPlan(percentPlan('blue', 100));
        assert.deepEqual(await countColors(port, 50, { headers: { 'X-Bluegreen-Preview': 'green' } }), { blue: 0, green: 50 });
        assert.deepEqual(await countColors(port, 50, { cookie: 'bluegreen_preview=green' }), { blue: 0, green: 50 });
        assert.deepEqual(await countColors(port, 50, { headers: { 'X-Bluegreen-Preview': 'purple' } }), { blue: 50, green: 0 });
        await applyPlan(segmentPlan('blue', 'mobile'));
        const forced = await request(port, { agent: IPHONE, headers: { 'X-Bluegreen-Preview': 'green' } });
        assert.equal(forced.color, 'green');
      });

      it('answers "not released yet" to users while the plan sends nobody anywhere; preview still reaches a color', async () => {
        await applyPlan(unreleasedPlan());
        for (const path of ['/', '/api/version']) {
          const reply = await request(port, { path });
          assert.equal(reply.status, 503, `${path}: ${reply.body}`);
          assert.equal(reply.body, `${NOT_RELEASED_TEXT}\n`);
          assert.deepEqual(reply.setCookie, [], 'no sticky cookie for a request no color took');
        }
        assert.deepEqual(await countColors(port, 20, { headers: { 'X-Bluegreen-Preview': 'green' } }), { blue: 0, green: 20 });
        assert.deepEqual(await countColors(port, 20, { cookie: 'bluegreen_preview=blue' }), { blue: 20, green: 0 });
      });

      it('applies a segment and a percentage together', async () => {
        await applyPlan({ weights: { blue: 90, green: 10 }, segments: [{ name: 'mobile', color: 'green' }] });
        assert.deepEqual(await countColors(port, 300, { agent: IPHONE }), { blue: 0, green: 300 });
        const desktop = await countColors(port, 2000, { agent: DESKTOP });
        assert.ok(desktop.green >= 140 && desktop.green <= 260, `desktop at 90/10 gave ${JSON.stringify(desktop)}`);
      });

      it('keeps a client on its side of the split once it returns the sticky cookie', async () => {
        await applyPlan(percentPlan('green', 50));
        const first = await request(port, {});
        const setCookie = first.setCookie.find((c) => c.startsWith('bluegreen_bucket='));
        assert.ok(setCookie, `no sticky cookie set: ${JSON.stringify(first.setCookie)}`);
        assert.match(setCookie, /^bluegreen_bucket=\d{1,2}; Path=\/; Max-Age=\d+; SameSite=Lax; HttpOnly$/);
        const bucket = Number(/=(\d+)/.exec(setCookie)![1]);
        const expected: Color = bucket < 50 ? 'blue' : 'green';
        assert.equal(first.color, expected, 'the first response comes from the side the cookie names');
        const again = await countColors(port, 100, { cookie: `bluegreen_bucket=${bucket}` });
        assert.equal(again[expected], 100);
        const returning = await request(port, { cookie: `bluegreen_bucket=${bucket}` });
        assert.deepEqual(returning.setCookie, [], 'no new cookie for a client that has one');
        assert.equal((await request(port, { cookie: 'bluegreen_bucket=49' })).color, 'blue');
        assert.equal((await request(port, { cookie: 'x=1; bluegreen_bucket=50; y=2' })).color, 'green');
        // Raising green moves blue clients over; green clients stay.
        await applyPlan(percentPlan('green', 80));
        assert.equal((await request(port, { cookie: 'bluegreen_bucket=50' })).color, 'green');
        assert.equal((await request(port, { cookie: 'bluegreen_bucket=20' })).color, 'green');
        assert.equal((await request(port, { cookie: 'bluegreen_bucket=19' })).color, 'blue');
      });

      it('logs one JSON line per request with exactly the agreed keys', async () => {
        await applyPlan({ weights: { blue: 50, green: 50 }, segments: [{ name: 'mobile', color: 'green' }] });
        const marker = `m${Date.now()}`;
        const served: Record<string, Color> = {};
        for (let i = 0; i < 40; i++) {
          const uri = `/api/log?${marker}=${i}`;
          served[uri] = (await request(port, { path: uri, agent: i % 4 === 0 ? IPHONE : DESKTOP })).color;
        }
        await request(port, { path: `/?${marker}=preview`, headers: { 'X-Bluegreen-Preview': 'blue' } });
        const lines = await waitForLogLines(input.paths.accessLog, marker, 41);
        for (const line of lines) {
          const entry = JSON.parse(line) as Record<string, unknown>;
          assert.deepEqual(Object.keys(entry), [...ACCESS_LOG_KEYS]);
          assert.equal(typeof entry.msec, 'number');
          assert.equal(typeof entry.status, 'number');
          assert.equal(typeof entry.request_time, 'number');
          assert.equal(typeof entry.upstream_time, 'string');
          assert.match(entry.time as string, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$/);
          assert.equal(entry.method, 'GET');
          assert.equal(entry.status, 200);
          const uri = entry.uri as string;
          if (uri.includes('preview')) {
            assert.deepEqual([entry.app, entry.color, entry.via, entry.segment], ['web', 'blue', 'preview', '']);
            continue;
          }
          assert.equal(entry.app, 'api');
          assert.equal(entry.color, served[uri], `the log names the color that served ${uri}`);
          const index = Number(uri.split('=')[1]);
          if (index % 4 === 0) assert.deepEqual([entry.via, entry.segment, entry.color], ['segment', 'mobile', 'green']);
          else assert.deepEqual([entry.via, entry.segment], ['split', '']);
        }
      });

      it('returns the state document on the loopback-only state location', async () => {
        const response = await request(port, { path: STATE_LOCATION });
        assert.equal(response.status, 200);
        assert.equal(response.body, renderRouterFiles(input, state).state);
      });

      it('moved traffic without a single reload', () => {
        assert.deepEqual(nginx!.workerPids(), workersAtStart);
      });

      if (mode === 'files') {
        it('keeps only the live plan folder and the one before it', () => {
          const folders = fs.readdirSync(input.paths.planFiles).sort();
          assert.deepEqual(folders, ['current', `plan-${state.serial - 1}`, `plan-${state.serial}`]);
          assert.equal(fs.readlinkSync(path.join(input.paths.planFiles, 'current')), `plan-${state.serial}`);
        });
      }

      if (mode === 'njs') {
        it('keeps routing when the state document is broken or missing (fallback: traffic.initial)', async () => {
          await applyPlan(percentPlan('green', 100));
          const good = fs.readFileSync(input.paths.state, 'utf8');
          fs.writeFileSync(input.paths.state, good.slice(0, good.length / 2)); // half-written in place
          assert.deepEqual(await countColors(port, 100), { blue: 100, green: 0 });
          fs.rmSync(input.paths.state);
          assert.deepEqual(await countColors(port, 100), { blue: 100, green: 0 });
          replaceFile(input.paths.state, good);
          assert.deepEqual(await countColors(port, 100), { blue: 0, green: 100 });
          assert.doesNotMatch(nginx!.errorLog(), /\[(emerg|alert|crit)\]/);
        });
      }
    });
  }
});

interface RequestOptions {
  path?: string;
  agent?: string;
  cookie?: string;
  headers?: Record<string, string>;
}

interface Reply {
  status: number;
  body: string;
  color: Color;
  setCookie: string[];
}

/** One request on a fresh connection (no keep-alive, no cookie jar). */
function request(port: number, options: RequestOptions): Promise<Reply> {
  const headers: Record<string, string> = { 'user-agent': options.agent ?? DESKTOP, ...options.headers };
  if (options.cookie !== undefined) headers.cookie = options.cookie;
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path: options.path ?? '/', headers, agent: false, timeout: 10_000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => {
        const color = body.split(' ')[0] as Color;
        resolve({ status: res.statusCode ?? 0, body, color, setCookie: res.headers['set-cookie'] ?? [] });
      });
    });
    req.on('timeout', () => req.destroy(new Error('request timed out')));
    req.on('error', reject);
  });
}

/** `total` requests, 16 at a time; every reply must be 200 from blue or green. */
async function countColors(port: number, total: number, options: RequestOptions = {}): Promise<Record<Color, number>> {
  const counts: Record<Color, number> = { blue: 0, green: 0 };
  let next = 0;
  async function worker(): Promise<void> {
    while (next < total) {
      next++;
      const reply = await request(port, options);
      assert.equal(reply.status, 200, `status ${reply.status}: ${reply.body}`);
      assert.ok(reply.color === 'blue' || reply.color === 'green', `unexpected body ${reply.body}`);
      counts[reply.color]++;
    }
  }
  await Promise.all(Array.from({ length: 16 }, worker));
  return counts;
}

/** nginx writes the log line after the response: wait until all expected lines are there. */
async function waitForLogLines(file: string, marker: string, count: number): Promise<string[]> {
  const deadline = Date.now() + 5_000;
  for (;;) {
    const lines = fs.readFileSync(file, 'utf8').split('\n').filter((line) => line.includes(marker));
    if (lines.length >= count || Date.now() > deadline) {
      assert.equal(lines.length, count, `expected ${count} log lines with ${marker}`);
      return lines;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
