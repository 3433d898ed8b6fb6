// The live reader and a plain client against a real sandbox (env `traffictest`: 2 routers, one
// host per app per color): after each stage both see the split the stage asked for. The client
// is the product's TrafficGenerator: it keeps no cookies and sends no preview header, so every
// request is decided by the plan alone. Then the preview proxy: every response from the
// previewed color, whatever the plan says.
import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import { Color } from '../../src/core/model';
import { down, up } from '../../src/core/sandbox';
import { openEnvironment, EnvironmentHandle } from '../../src/core/environment/openEnvironment';
import { routerUrls } from '../../src/core/environment/routerUrls';
import { canary } from '../../src/core/stages/canary';
import { switchTo } from '../../src/core/stages/switch';
import { StageContext } from '../../src/core/stages/stageContext';
import { LiveTraffic, environmentSource } from '../../src/core/live';
import { TrafficGenerator, TrafficSnapshot } from '../../src/core/traffic/trafficGenerator';
import { startPreviewProxy } from '../../src/core/preview';
import { USER_AGENTS } from '../../src/core/traffic/userAgents';
import { SANDBOX_UP_TIMEOUT_MS, TestSandbox, progressPrinter, testSandbox } from '../helpers/sandbox';

export const TRAFFIC_TEST_ENV = 'traffictest';
const REQUESTS = 2000;
const TOLERANCE = 0.03;
/**
 * The API only: the sample web app's `/` calls the API back through a router, which the routers
 * log too, so the reader would see more lines than the client sent requests.
 */
const CLIENT_PATHS = ['/api/version'];

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe(`traffic split seen by the live reader and a client (sandbox ${TRAFFIC_TEST_ENV})`, function () {
  this.timeout(300_000);
  let sandbox: TestSandbox;
  let handle: EnvironmentHandle;
  let ctx: StageContext;
  let targets: string[];

  before(async function () {
    this.timeout(SANDBOX_UP_TIMEOUT_MS);
    sandbox = await testSandbox(TRAFFIC_TEST_ENV, { routers: 2, hostsPerColor: 1 });
    await up(sandbox.config, sandbox.env, { onProgress: progressPrinter(TRAFFIC_TEST_ENV) });
    handle = openEnvironment(sandbox.config, TRAFFIC_TEST_ENV);
    ctx = { handle, actor: 'traffic-test@localhost', progress: () => undefined, yes: true, force: false };
    targets = await routerUrls(handle);
    assert.equal(targets.length, 2);
  });

  after(async function () {
    this.timeout(300_000);
    await handle?.close();
    if (sandbox && !process.env.BLUEGREEN_TEST_KEEP_SANDBOX) await down(sandbox.config, sandbox.env);
  });

  /** Sends `requests` through both routers while a fresh reader watches; returns what each saw. */
  async function observe(requests: number, mobileShare: number): Promise<{ client: TrafficSnapshot; reader: LiveTraffic }> {
    const reader = new LiveTraffic(TRAFFIC_TEST_ENV, environmentSource(handle), { updateIntervalMs: 250 });
    const updates: number[] = [];
    const subscription = reader.subscribe((view) => updates.push(view.reader.ingested));
    // Docker's `since` has second granularity: start reading in a fresh second, then send.
    await sleep(1500);
    // A modest rate with generous limits: this checks routing, not the machine's capacity (CI
    // machines run other builds beside it).
    const client = await new TrafficGenerator({ targets, rps: 100, maxRequests: requests, mobileShare, paths: CLIENT_PATHS, timeoutMs: 30_000, maxInFlight: 4000 }).start();
    const deadline = Date.now() + 60_000;
    while (reader.aggregator.ingested < client.sent && Date.now() < deadline) await sleep(100);
    await sleep(300); // nothing more may arrive
    subscription.dispose();
    assert.equal(client.failed, 0, `client failures: ${JSON.stringify(client.failures)}`);
    assert.equal(reader.aggregator.ingested, client.sent, 'the reader saw every request exactly once');
    assert.ok(updates.length > 0, 'the reader published updates');
    return { client, reader };
  }

  const share = (counts: Record<Color | 'unknown', number>, color: Color) => counts[color] / (counts.blue + counts.green + counts.unknown);
  const readerShare = (reader: LiveTraffic, color: Color) => {
    const blue = reader.aggregator.summary('blue', 300, 'user').requests;
    const green = reader.aggregator.summary('green', 300, 'user').requests;
    return (color === 'green' ? green : blue) / (blue + green);
  };
  const clientByColor = (s: TrafficSnapshot) => ({ blue: s.byColor.blue.ok + s.byColor.blue.failed, green: s.byColor.green.ok + s.byColor.green.failed, unknown: s.byColor.unknown.ok + s.byColor.unknown.failed });

  it('canary green --percent 10: reader and client both see 10% ± 3% on green over 2,000 requests', async () => {
    await canary(ctx, 'green', { percent: 10, analyze: false });
    const { client, reader } = await observe(REQUESTS, 0);
    const clientGreen = share(clientByColor(client), 'green');
    const readerGreen = readerShare(reader, 'green');
    process.stderr.write(`      green share: client ${(clientGreen * 100).toFixed(1)}%, reader ${(readerGreen * 100).toFixed(1)}%\n`);
    assert.ok(Math.abs(clientGreen - 0.1) <= TOLERANCE, `client saw ${clientGreen}`);
    assert.ok(Math.abs(readerGreen - 0.1) <= TOLERANCE, `reader saw ${readerGreen}`);
    const configured = await reader.refreshConfigured();
    assert.deepEqual(configured?.plan.weights, { blue: 90, green: 10 });
    assert.equal(configured?.stage, 'canary green --percent 10');
  });

  it('switch green: 100% on green', async () => {
    await switchTo(ctx, 'green');
    const { client, reader } = await observe(REQUESTS, 0.3);
    assert.equal(clientByColor(client).green, REQUESTS);
    assert.equal(readerShare(reader, 'green'), 1);
    assert.equal(reader.view().observed.shares.green, 1);
  });

  it('canary green --segment mobile: mobile User-Agents on green, desktop ones not', async () => {
    await canary(ctx, 'green', { segment: 'mobile', analyze: false });
    const { client, reader } = await observe(1000, 0.5);
    const { mobile, web } = client.byKind;
    assert.ok(mobile.sent >= 499 && web.sent >= 499, `mobile ${mobile.sent}, web ${web.sent}`);
    assert.deepEqual(mobile.byColor, { blue: 0, green: mobile.sent, unknown: 0 });
    assert.deepEqual(web.byColor, { blue: web.sent, green: 0, unknown: 0 });
    const view = reader.view();
    assert.deepEqual(view.segmentHits, [{ segment: 'mobile', color: 'green', requests: mobile.sent }]);
    assert.equal(reader.aggregator.summary('green', 300, 'user').requests, mobile.sent);
  });

  for (const color of ['blue', 'green'] as const) {
    it(`through the preview proxy every response comes from ${color}`, async () => {
      const proxy = await startPreviewProxy({ target: targets[0], color, preview: sandbox.config.traffic.preview });
      const seen: Record<string, number> = {};
      try {
        const agent = new http.Agent({ keepAlive: true });
        for (let i = 0; i < 200; i++) {
          const kind = i % 2 ? 'mobile' : 'web';
          const path = i % 3 ? '/' : '/api/version';
          const served = await new Promise<string>((resolve, reject) => {
            http.get(`${proxy.url.replace(/\/$/, '')}${path}`, { agent, headers: { 'User-Agent': USER_AGENTS[kind][i % 4] } }, (response) => {
              response.resume();
              response.on('end', () => resolve(`${response.statusCode} ${response.headers['x-bluegreen-color']}`));
            }).on('error', reject);
          });
          seen[served] = (seen[served] ?? 0) + 1;
        }
        agent.destroy();
      } finally {
        await proxy.close();
      }
      assert.deepEqual(seen, { [`200 ${color}`]: 200 });
    });
  }
});
