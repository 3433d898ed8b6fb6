// Issue 14's "Show" items on the plain servers (test/helpers/plainServers.ts), through the built
// CLI over SSH as an operator types it — what the stagetest sandbox shows in websocket.test.ts,
// drain-in-flight.test.ts and routers-lost.test.ts, here on hand-made Debian servers: lb1 without
// njs (files mode), lb2 with it, the sample web app on app1 (blue) and app2 (green).
// - Debian's default site left enabled (port 80 already taken by a default_server): hosts setup
//   refuses, the router's sites answer as before;
// - a WebSocket opened on blue stays on blue through a switch, a new one reaches green;
// - drain waits for the slow requests in flight (all answered) and the deploy after it cuts none;
// - a router stopped mid-release: refused without --without, `rollback --without lb1` works,
//   audited and locked as such; the router that comes back is brought up to date before anything
//   else moves;
// - `--without` naming every router or an unknown one is refused, live traffic as it was.
// Own network and containers (prefix bgedges) and environment name (edges).
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import * as http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ADMIN_USER, EXISTING_SITE_ANSWERS, EXISTING_SITE_NAMES, PlainServers, startPlainServers } from '../helpers/plainServers';
import { CliRun, ROOT, cliRunner, ensureCliBuilt, runCli } from '../helpers/cli';
import { OpenWebSocket, openWebSocket } from '../helpers/webSocket';

const PREFIX = 'bgedges';
const ENV = 'edges';
const ACTOR = 'edges@itest';
const CLI_ENV = { BLUEGREEN_ACTOR: ACTOR };

interface Update { color: string; version: string; n: number }
const parse = (message: string): Update => JSON.parse(message) as Update;
interface SlowAnswer { status: number; color: string; finishedAt: number; error?: string }

function configYaml(servers: PlainServers): string {
  return [
    '# Written by test/integration/hosts-plain-edges.test.ts: the sample web app on plain servers.',
    'apps:',
    '  web:',
    '    port: 3000',
    '    health: /health',
    '    route: /',
    `    build: { context: ${JSON.stringify(path.join(ROOT, 'sandbox/node-app'))} }`,
    '    deploy: ["/opt/bluegreen/bin/deploy web {{version}}"]',
    'smoke:',
    '  - { path: /health, expect: 200 }',
    'traffic:',
    '  initial: { blue: 100, green: 0 }',
    // Longer than any slow request here (the app caps /slow at 30 s): a drain waits them all out.
    '  drainTimeout: 60s',
    'environments:',
    servers.environmentYaml(ENV, ['web']),
    '',
  ].join('\n');
}

describe('plain servers: WebSocket through a switch, drain with requests in flight, a router lost mid-release, bad input', function () {
  this.timeout(40 * 60_000);
  let servers: PlainServers;
  let configFile: string;
  const { run: cli, ok } = cliRunner(() => configFile, ENV, CLI_ENV);
  /** As an operator types it without --yes, and without a terminal: a confirmation stops the run. */
  const cliNoYes = (...args: string[]): Promise<CliRun> => runCli(['--config', configFile, '--env', ENV, ...args], { env: CLI_ENV });
  const open: OpenWebSocket[] = [];

  const port = (router: string): number => {
    const p = servers.servers.find((s) => s.name === router)?.httpPort;
    if (!p) throw new Error(`${router} has no published HTTP port`);
    return p;
  };
  const url = (router: string, urlPath: string) => `http://127.0.0.1:${port(router)}${urlPath}`;
  /** The colors that answer `count` requests through one router (the app names its color in X-Bluegreen-Color). */
  const colorsThrough = async (router: string, count = 6): Promise<string[]> => {
    const seen = new Set<string>();
    for (let i = 0; i < count; i++) {
      seen.add(await new Promise<string>((resolve, reject) => {
        const req = http.get(url(router, '/health'), { agent: false, timeout: 10_000 }, (res) => {
          res.resume();
          res.on('end', () => resolve(`${res.statusCode} ${String(res.headers['x-bluegreen-color'] ?? '')}`));
        });
        req.on('timeout', () => req.destroy(new Error(`no answer from ${router} within 10 s`)));
        req.on('error', reject);
      }));
    }
    return [...seen].sort();
  };
  /** Slow requests (`/slow?ms=`) through the routers given, in turn; none rejects (a cut request is an answer with its error). */
  const slowRequests = (routers: string[], count: number, ms: number): Promise<SlowAnswer>[] => Array.from({ length: count }, async (_, i) => {
    try {
      const response = await fetch(url(routers[i % routers.length], `/slow?ms=${ms}`), { signal: AbortSignal.timeout(ms + 60_000) });
      const body = await response.json() as { color?: string };
      return { status: response.status, color: body.color ?? '', finishedAt: Date.now() };
    } catch (error) {
      return { status: 0, color: '', finishedAt: Date.now(), error: String((error as Error).cause ?? error) };
    }
  });
  const status = async () => JSON.parse((await ok('status', '--json')).stdout) as {
    state: { serial: number }; routers: Array<{ router: string; reachable: boolean; state?: { serial: number } }>;
  };
  const serialOn = async (router: string): Promise<number | undefined> => (await status()).routers.find((r) => r.router === router)?.state?.serial;
  const runningVersion = async (host: string): Promise<string> => (await servers.exec(host,
    'curl -fsS -D - -o /dev/null http://127.0.0.1:3000/health | tr -d "\\r" | sed -n "s/^[Xx]-[Aa]pp-[Vv]ersion: //p"')).stdout.trim();
  /** What a request on lb1 itself gets (the router's own sites, as in hosts-sites.test.ts). */
  const askOnLb1 = async (name: string | undefined, https = false): Promise<{ status: string; body: string }> => {
    const target = https ? `-k --resolve ${name}:443:127.0.0.1 https://${name}/` : `${name ? `-H 'Host: ${name}' ` : ''}http://127.0.0.1/`;
    const result = await servers.exec('lb1', `curl -sS -w '\\n%{http_code}' --max-time 5 ${target}`);
    const cut = result.stdout.lastIndexOf('\n');
    return { status: result.stdout.slice(cut + 1), body: result.stdout.slice(0, cut) };
  };

  before(async () => {
    ensureCliBuilt();
    servers = await startPlainServers(PREFIX, [
      { name: 'lb1', role: 'router' },
      { name: 'lb2', role: 'router', njs: true },
      { name: 'app1', role: 'app', color: 'blue', apps: ['web'] },
      { name: 'app2', role: 'app', color: 'green', apps: ['web'] },
    ]);
    const dir = mkdtempSync(path.join(tmpdir(), `${PREFIX}-config-`));
    configFile = path.join(dir, 'bluegreen.yaml');
    writeFileSync(configFile, configYaml(servers));
  });
  after(async () => {
    open.forEach((socket) => socket.close());
    if (!process.env.BLUEGREEN_KEEP_PLAIN) await servers?.remove();
  });

  it('bad input: Debian\'s default site left on lb1 (port 80 already taken by a default_server) — hosts setup refuses, the sites answer as before, nothing of the product left', async () => {
    // The operator skipped docs/hosts.md's `rm -f /etc/nginx/sites-enabled/default`.
    const enabled = await servers.exec('lb1', 'ln -s /etc/nginx/sites-available/default /etc/nginx/sites-enabled/default && nginx -t 2>&1 && nginx -s reload && sleep 1');
    assert.equal(enabled.exitCode, 0, enabled.stdout + enabled.stderr);
    const defaultBefore = await askOnLb1(undefined);
    assert.equal(defaultBefore.status, '200');
    assert.match(defaultBefore.body, /Welcome to nginx/);

    const refused = await cli('hosts', 'setup', '--ssh-user', ADMIN_USER);
    assert.equal(refused.code, 1, refused.stdout + refused.stderr);
    assert.match(refused.stderr, /lb1: the product's server block does not answer on the listener users reach \(http on 80; asked \S+: not the product's state document\) — another server block takes those requests \(a default_server\?\); the previous config is back/);
    assert.match(refused.stderr, /give site\.serverName the names users reach the product by, or use site\.include/);
    assert.equal((await servers.exec('lb1', 'test -e /etc/nginx/conf.d/bluegreen.conf')).exitCode, 1, 'the product\'s file is not left on lb1');
    assert.deepEqual(await askOnLb1(undefined), defaultBefore, 'the default site answers as before');
    assert.deepEqual(await askOnLb1(EXISTING_SITE_NAMES.http), { status: '200', body: EXISTING_SITE_ANSWERS.http });
    assert.deepEqual(await askOnLb1(EXISTING_SITE_NAMES.https, true), { status: '200', body: EXISTING_SITE_ANSWERS.https });

    // The way on: remove the default site, as docs/hosts.md says; setup then goes through.
    const removed = await servers.exec('lb1', 'rm /etc/nginx/sites-enabled/default && nginx -s reload');
    assert.equal(removed.exitCode, 0, removed.stderr);
    const setup = await ok('hosts', 'setup', '--ssh-user', ADMIN_USER);
    assert.match(setup.stdout, /router lb1: files mode/);
    assert.match(setup.stdout, /router lb2: njs mode/);
    await ok('bootstrap', '1.0.0');
    for (const router of ['lb1', 'lb2']) assert.deepEqual(await colorsThrough(router), ['200 blue'], `${router}: traffic.initial sends everyone to blue`);
    assert.deepEqual(await askOnLb1(EXISTING_SITE_NAMES.http), { status: '200', body: EXISTING_SITE_ANSWERS.http });
  });

  it('a WebSocket opened on blue stays on blue through a switch to green, through both routers (files mode and njs); a new one reaches green', async () => {
    const before = await Promise.all(['lb1', 'lb2'].map((router) => openWebSocket(url(router, '/ws'))));
    open.push(...before);
    for (const socket of before) assert.equal(parse(socket.messages[0] ?? await socket.next(10_000)).color, 'blue');

    await ok('switch', 'green');
    const counted = before.map((socket) => socket.messages.length);

    for (const [i, socket] of before.entries()) {
      const router = ['lb1', 'lb2'][i];
      // The app says who serves the connection once a second: three more after the switch.
      for (let k = 0; k < 3; k++) await socket.next(10_000);
      const all = socket.messages.map(parse);
      assert.ok(all.every((u) => u.color === 'blue'), `${router}: every message on the connection opened before the switch comes from blue: ${JSON.stringify(all)}`);
      assert.ok(all.every((u, n) => n === 0 || u.n > all[n - 1].n), `${router}: one connection, still counting: ${JSON.stringify(all)}`);
      assert.ok(socket.messages.length >= counted[i] + 3);
      assert.equal(socket.closed(), false, `${router}: the connection is still open`);
    }

    const after = await Promise.all(['lb1', 'lb2'].map((router) => openWebSocket(url(router, '/ws'))));
    open.push(...after);
    for (const socket of after) assert.equal(parse(socket.messages[0] ?? await socket.next(10_000)).color, 'green', 'a new connection follows the switch');
    for (const router of ['lb1', 'lb2']) assert.deepEqual(await colorsThrough(router), ['200 green'], router);
    open.splice(0).forEach((socket) => socket.close());
  });

  it('drain green waits for the slow requests green is serving (all answered 200 by green before it returns); the deploy after it cuts none', async () => {
    const inFlight = slowRequests(['lb1', 'lb2'], 6, 15_000);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const drain = await ok('drain', 'green');
    const drainedAt = Date.now();
    const answers = await Promise.all(inFlight);
    assert.ok(answers.every((a) => a.status === 200 && a.color === 'green'), JSON.stringify(answers));
    assert.ok(answers.every((a) => a.finishedAt <= drainedAt), `drain returned before ${answers.filter((a) => a.finishedAt > drainedAt).length} of the requests in flight finished: ${drain.stdout}`);
    assert.match(drain.stdout, /green drained: blue 100%; no request in flight on green \(waited/);
    assert.match(drain.stderr, /waiting for [1-6] request\(s\) in flight on green/);

    // Right after it: the deploy (and verify) to green. Requests through both routers meanwhile are all blue's, and all answered.
    const during = slowRequests(['lb1', 'lb2'], 4, 3000);
    await ok('deploy', 'green', '1.0.1');
    assert.ok((await Promise.all(during)).every((a) => a.status === 200 && a.color === 'blue'), 'users stay on blue through the deploy');
    assert.equal(await runningVersion('app2'), '1.0.1');
    await ok('verify', 'green');
  });

  it('a router stopped mid-release: every stage refused naming --without lb1; rollback --without lb1 goes through on lb2, audited and locked as such; drain --without waits for what green still serves', async () => {
    await ok('switch', 'green');
    const switched = await serialOn('lb2');
    assert.deepEqual(await colorsThrough('lb2'), ['200 green']);

    await servers.stop('lb1');
    const refused = await cli('rollback');
    assert.equal(refused.code, 1, refused.stdout + refused.stderr);
    assert.match(refused.stderr, /lb1/);
    assert.match(refused.stderr, /--without lb1/, 'the hint names the way on');
    assert.equal(await serialOn('lb2'), switched, 'nothing changed on the router that answers');
    assert.match((await ok('lock', 'status')).stdout, /not held/, 'no lock left behind');

    // Users were on green: their slow requests go on through the rollback and the drain after it.
    const inFlight = slowRequests(['lb2'], 3, 25_000);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const rolled = await ok('rollback', '--without', 'lb1');
    assert.match(rolled.stdout, /blue 100%/);
    assert.deepEqual(await colorsThrough('lb2'), ['200 blue'], 'lb2 sends users back to blue');

    // drain green --without lb1 waits for those requests; meanwhile the lock says it is on lb2 only.
    const drain = cli('drain', 'green', '--without', 'lb1');
    const finished = { done: false };
    void drain.then(() => { finished.done = true; });
    const locks: Array<{ stage?: string; without?: string[] } | null> = [];
    while (!finished.done) {
      const lock = await cli('lock', 'status', '--json');
      if (lock.code === 0) locks.push((JSON.parse(lock.stdout) as { lock: { stage?: string; without?: string[] } | null }).lock);
    }
    const drained = await drain;
    assert.equal(drained.code, 0, drained.stdout + drained.stderr);
    assert.match(drained.stdout, /no request in flight on green \(waited/);
    const held = locks.filter((l) => l !== null);
    assert.ok(held.length > 0, `lock status never showed the drain's lock while it waited: ${JSON.stringify(locks)}`);
    for (const lock of held) {
      assert.equal(lock?.stage, 'drain green (without lb1)');
      assert.deepEqual(lock?.without, ['lb1']);
    }
    const answers = await Promise.all(inFlight);
    assert.ok(answers.every((a) => a.status === 200 && a.color === 'green'), `none cut: ${JSON.stringify(answers)}`);

    const audit = JSON.parse((await ok('audit', '-n', '3', '--json')).stdout) as Array<{ stage: string; result: string; who: string }>;
    const stages = audit.map((e) => `${e.stage}: ${e.result}`);
    assert.ok(stages.includes('rollback (without lb1): ok'), stages.join('\n'));
    assert.ok(stages.includes('drain green (without lb1): ok'), stages.join('\n'));
    assert.ok(audit.every((e) => e.who === ACTOR));
    assert.match((await ok('lock', 'status')).stdout, /not held/);
  });

  it('the router that comes back is behind (its stale plan sends users to green): a deploy to green stops and asks; routers sync brings it up to date first, then the deploy needs no question', async () => {
    await servers.start('lb1');
    const before = await status();
    const [lb1, lb2] = ['lb1', 'lb2'].map((name) => before.routers.find((r) => r.router === name));
    assert.ok(lb1?.reachable && lb1.state && lb2?.state && lb1.state.serial < lb2.state.serial, `lb1 is behind: ${JSON.stringify(before.routers)}`);
    assert.deepEqual(await colorsThrough('lb1'), ['200 green'], 'lb1 still serves the plan it had when it stopped');
    assert.match((await ok('status')).stdout, new RegExp(`router lb1: files mode, state #${lb1.state.serial}; BEHIND the current #${lb2.state.serial}: it still serves green 100% \\(bluegreen routers sync\\)`));

    const asked = await cliNoYes('deploy', 'green', '1.0.2');
    assert.equal(asked.code, 1, asked.stdout + asked.stderr);
    assert.match(asked.stderr, new RegExp(`lb1 is behind: it carries state #${lb1.state.serial} \\(green 100%\\), which sends users to green`));
    assert.match(asked.stderr, /bluegreen routers sync --env edges/);
    assert.equal(await runningVersion('app2'), '1.0.1', 'nothing was deployed');

    const synced = await ok('routers', 'sync');
    assert.match(synced.stdout, /carry state #\d+/);
    const after = await status();
    assert.deepEqual(after.routers.map((r) => r.state?.serial), [after.state.serial, after.state.serial], 'both routers carry the current state');
    for (const router of ['lb1', 'lb2']) assert.deepEqual(await colorsThrough(router), ['200 blue'], `${router} serves the synced plan`);

    // With lb1 up to date, the same deploy asks nothing.
    await cliNoYes('deploy', 'green', '1.0.2').then((r) => assert.equal(r.code, 0, r.stdout + r.stderr));
    assert.equal(await runningVersion('app2'), '1.0.2');
    const audit = (JSON.parse((await ok('audit', '-n', '3', '--json')).stdout) as Array<{ stage: string; result: string }>).map((e) => `${e.stage}: ${e.result}`);
    const syncAt = audit.indexOf('routers sync: ok');
    const deployAt = audit.indexOf('deploy green 1.0.2: ok');
    assert.ok(syncAt >= 0 && deployAt > syncAt, `routers sync, then the deploy: ${audit.join('\n')}`);
  });

  it('bad input: --without naming every router, or one that is not a router — refused with a clear message, live traffic as it was', async () => {
    const before = await status();
    const served = { lb1: await colorsThrough('lb1'), lb2: await colorsThrough('lb2') };
    const every = await cli('rollback', '--without', 'lb1,lb2');
    assert.equal(every.code, 1, every.stdout + every.stderr);
    assert.match(every.stderr, /--without leaves out every router of edges: no router would carry the change; nothing was changed/);
    const unknown = await cli('rollback', '--without', 'lb9');
    assert.equal(unknown.code, 2, unknown.stdout + unknown.stderr);
    assert.match(unknown.stderr, /--without names "lb9", which is not a router of edges[\s\S]*the routers of edges are lb1, lb2/);
    const after = await status();
    assert.deepEqual(after.routers.map((r) => r.state?.serial), before.routers.map((r) => r.state?.serial), 'nothing was written');
    assert.deepEqual({ lb1: await colorsThrough('lb1'), lb2: await colorsThrough('lb2') }, served, 'each router serves what it served before');
    assert.match((await ok('lock', 'status')).stdout, /not held/);
  });
});
