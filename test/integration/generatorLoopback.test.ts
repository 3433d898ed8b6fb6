// The traffic generator against real HTTP servers on 127.0.0.1, started here: servers that
// answer as blue or green, one that answers 500 to every third request, one that destroys every
// socket, one that never answers, one that kills each connection's second request.

import * as assert from 'assert';
import * as http from 'http';
import { AddressInfo } from 'net';
import { TrafficGenerator, TrafficSnapshot } from '../../src/core/traffic/trafficGenerator';

interface SeenRequest {
  url: string;
  userAgent: string;
  cookie?: string;
  preview?: string;
  at: number;
}

interface TestServer {
  url: string;
  seen: SeenRequest[];
  close(): Promise<void>;
}

type Handler = (req: http.IncomingMessage, res: http.ServerResponse, index: number) => void;

async function startServer(handler: Handler): Promise<TestServer> {
  const seen: SeenRequest[] = [];
  const server = http.createServer((req, res) => {
    seen.push({
      url: req.url ?? '',
      userAgent: req.headers['user-agent'] ?? '',
      cookie: req.headers.cookie,
      preview: req.headers['x-bluegreen-preview'] as string | undefined,
      at: performance.now(),
    });
    handler(req, res, seen.length - 1);
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const answerAs = (color: string): Handler => (_req, res) => {
  res.setHeader('X-Bluegreen-Color', color);
  res.end(`${color}\n`);
};

const MOBILE = /android|iphone|ipad|mobile/i;

describe('TrafficGenerator on loopback (integration)', function () {
  this.timeout(30_000);
  const servers: TestServer[] = [];
  const server = async (handler: Handler): Promise<TestServer> => {
    const s = await startServer(handler);
    servers.push(s);
    return s;
  };
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });

  it('splits round robin over blue and green at the asked rate, with exact counts', async () => {
    const blue = await server(answerAs('blue'));
    const green = await server(answerAs('green'));
    const generator = new TrafficGenerator({
      targets: [blue.url, `${green.url}/`], rps: 200, maxRequests: 200, mobileShare: 0.25, maxInFlight: 10_000, progressIntervalMs: 100,
    });
    const progress: TrafficSnapshot[] = [];
    generator.on('progress', (s) => progress.push(s));
    const began = performance.now();
    const result = await generator.start();
    const tookMs = performance.now() - began;

    assert.strictEqual(result.running, false);
    assert.strictEqual(result.sent, 200);
    assert.strictEqual(result.ok, 200);
    assert.strictEqual(result.failed, 0);
    assert.strictEqual(result.inFlight, 0);
    assert.deepStrictEqual(result.byColor, { blue: { ok: 100, failed: 0 }, green: { ok: 100, failed: 0 }, unknown: { ok: 0, failed: 0 } });
    assert.strictEqual(result.byKind.mobile.sent, 50);
    assert.strictEqual(result.byKind.web.sent, 150);
    // Each kind is spread over both targets: with 2 targets and a share of 1/4, counting targets
    // on the request number would send every mobile user to the same one.
    assert.strictEqual(result.byKind.mobile.byColor.blue, 25);
    assert.strictEqual(result.byKind.mobile.byColor.green, 25);
    assert.strictEqual(result.statusClasses['2xx'], 200);
    assert.ok(result.latency.p99Ms !== undefined);

    // What the servers saw: real user agents, both paths, no cookies and no preview header.
    const all = [...blue.seen, ...green.seen];
    assert.strictEqual(blue.seen.length, 100);
    assert.strictEqual(green.seen.length, 100);
    assert.strictEqual(all.filter((r) => MOBILE.test(r.userAgent)).length, 50);
    assert.ok(all.every((r) => r.userAgent.startsWith('Mozilla/5.0 (')));
    // Both paths on each target: each kind alternates them on its own count, so each kind is at
    // most one request off an even split (here web 38 + mobile 13 on '/', 37 + 12 on the other).
    assert.strictEqual(blue.seen.filter((r) => r.url === '/').length, 51);
    assert.strictEqual(blue.seen.filter((r) => r.url === '/api/version').length, 49);
    assert.ok(all.every((r) => r.cookie === undefined && r.preview === undefined));

    // 200 requests at 200/s: the last is due at 995 ms, so the run cannot end sooner; the
    // generator's own timing is exact, slower only by what this shared 2-core machine delays.
    assert.ok(tookMs >= 995 && tookMs < 6000, `took ${tookMs} ms`);
    assert.ok(result.achievedRps > 120 && result.achievedRps <= 202, `achieved ${result.achievedRps} req/s`);
    assert.ok(result.maxScheduleLagMs < 800, `schedule lag ${result.maxScheduleLagMs} ms`);
    // At the servers: spread over about a second, not a burst (no upper bound here: the servers
    // share this process's event loop, so a loaded machine stretches their view).
    const arrivals = all.map((r) => r.at).sort((a, b) => a - b);
    const spreadMs = arrivals[arrivals.length - 1] - arrivals[0];
    assert.ok(spreadMs > 400, `arrivals spread over ${spreadMs} ms`);
    // Never ahead of the schedule at any moment (no bursts), and not far behind it.
    assert.ok(progress.length >= 5, `${progress.length} progress events`);
    for (const p of progress.filter((p) => p.running)) {
      const due = Math.min(200, Math.floor((p.elapsedMs * 200) / 1000) + 1);
      assert.ok(p.sent <= due && p.sent >= due - 100, `${p.sent} sent at ${p.elapsedMs} ms, ${due} due`);
    }
  });

  for (const keepAlive of [true, false]) {
    it(`counts 5xx and destroyed sockets as failed, exactly (keepAlive ${keepAlive})`, async () => {
      const good = await server(answerAs('blue'));
      const flaky = await server((_req, res, index) => {
        res.statusCode = index % 3 === 0 ? 500 : 200;
        res.setHeader('X-Bluegreen-Color', 'green');
        res.end();
      });
      const destroyer = await server((req) => req.socket.destroy());
      const generator = new TrafficGenerator({ targets: [good.url, flaky.url, destroyer.url], rps: 300, maxRequests: 300, keepAlive, maxInFlight: 10_000 });
      const result = await generator.start();
      assert.strictEqual(result.sent, 300);
      assert.strictEqual(result.failures.status, 34, JSON.stringify(result)); // indexes 0, 3, …, 99
      assert.strictEqual(result.failures.connection, 100);
      assert.strictEqual(result.failures.timeout, 0);
      assert.strictEqual(result.failures.overflow, 0);
      assert.strictEqual(result.failed, 134);
      assert.strictEqual(result.ok, 166);
      assert.deepStrictEqual(result.byColor.green, { ok: 66, failed: 34 });
      assert.deepStrictEqual(result.byColor.blue, { ok: 100, failed: 0 });
      assert.strictEqual(result.asBrowser, undefined);
      assert.strictEqual(destroyer.seen.length, 100, 'no retries in raw mode');
    });
  }

  it('fails requests without an answer after the timeout, and past maxInFlight as overflow', async () => {
    const silent = await server(() => undefined);
    const generator = new TrafficGenerator({ targets: [silent.url], rps: 100, maxRequests: 20, maxInFlight: 5, timeoutMs: 300 });
    const began = performance.now();
    const result = await generator.start();
    const tookMs = performance.now() - began;
    assert.strictEqual(result.sent, 20);
    assert.strictEqual(result.failures.timeout, 5);
    assert.strictEqual(result.failures.overflow, 15);
    assert.strictEqual(result.failed, 20);
    assert.strictEqual(result.ok, 0);
    assert.strictEqual(silent.seen.length, 5);
    assert.ok(tookMs >= 290 && tookMs < 1500, `took ${tookMs} ms`);
  });

  it('stops by itself after durationMs and reports progress on the way', async () => {
    const blue = await server(answerAs('blue'));
    const generator = new TrafficGenerator({ targets: [blue.url], rps: 50, durationMs: 1000, progressIntervalMs: 200, paths: ['/health'] });
    const progress: TrafficSnapshot[] = [];
    generator.on('progress', (s) => progress.push(s));
    let done: TrafficSnapshot | undefined;
    generator.on('done', (s) => (done = s));
    const result = await generator.start();
    assert.strictEqual(result.sent, 50); // due at 0, 20, …, 980 ms
    assert.strictEqual(result.ok, 50);
    assert.deepStrictEqual(done, result);
    assert.ok(blue.seen.every((r) => r.url === '/health'));
    assert.ok(progress.length >= 3, `${progress.length} progress events`);
    for (let i = 1; i < progress.length; i++) assert.ok(progress[i].sent >= progress[i - 1].sent);
    assert.ok(result.achievedRps > 35 && result.achievedRps <= 52, `achieved ${result.achievedRps} req/s`);
  });

  it('stops early on stop(), waiting for what is in flight', async () => {
    const blue = await server((_req, res) => setTimeout(() => res.end('late'), 100));
    const generator = new TrafficGenerator({ targets: [blue.url], rps: 100, durationMs: 10_000 });
    const running = generator.start();
    await new Promise((resolve) => setTimeout(resolve, 300));
    const result = await generator.stop();
    assert.deepStrictEqual(await running, result);
    assert.strictEqual(result.inFlight, 0);
    assert.ok(result.sent >= 20 && result.sent <= 45, `sent ${result.sent}`);
    assert.strictEqual(result.ok, result.sent);
    assert.strictEqual(blue.seen.length, result.sent);
  });

  it('sends the preview header and cookies only when asked', async () => {
    const green = await server(answerAs('green'));
    const generator = new TrafficGenerator({
      targets: [green.url],
      rps: 100,
      maxRequests: 10,
      headers: { 'X-Bluegreen-Preview': 'green', Cookie: 'bluegreen_preview=green' },
    });
    const result = await generator.start();
    assert.strictEqual(result.byColor.green.ok, 10);
    assert.ok(green.seen.every((r) => r.preview === 'green' && r.cookie === 'bluegreen_preview=green'));
  });

  it('counts as a browser would: a reused connection closed before any response is retried once on a fresh one', async () => {
    const perSocket = new WeakMap<object, number>();
    // Kills every connection's second request before answering it, as a router closing an idle
    // keep-alive connection at the moment the client reuses it would.
    const closer = await server((req, res) => {
      const count = (perSocket.get(req.socket) ?? 0) + 1;
      perSocket.set(req.socket, count);
      if (count >= 2) {
        req.socket.destroy();
        return;
      }
      res.setHeader('X-Bluegreen-Color', 'blue');
      res.end('ok');
    });
    const destroyer = await server((req) => req.socket.destroy());

    const raw = await new TrafficGenerator({ targets: [closer.url], rps: 20, maxRequests: 20 }).start();
    assert.strictEqual(raw.ok, 10);
    assert.strictEqual(raw.failures.connection, 10);
    assert.strictEqual(raw.asBrowser, undefined);

    closer.seen.length = 0;
    const browser = await new TrafficGenerator({ targets: [closer.url], rps: 20, maxRequests: 20, retryOnReusedConnectionClose: true }).start();
    assert.strictEqual(browser.ok, 10, 'raw counts are unchanged by the retry mode');
    assert.strictEqual(browser.failures.connection, 10);
    assert.deepStrictEqual(browser.asBrowser, { ok: 20, failed: 0, retried: 10, recovered: 10 });
    assert.strictEqual(closer.seen.length, 30);

    // A fresh connection that closes is not retried: a browser would show that error.
    const fresh = await new TrafficGenerator({ targets: [destroyer.url], rps: 50, maxRequests: 10, retryOnReusedConnectionClose: true }).start();
    assert.strictEqual(fresh.failures.connection, 10);
    assert.deepStrictEqual(fresh.asBrowser, { ok: 0, failed: 10, retried: 0, recovered: 0 });
  });

  it('refuses options that could not run or would not stop', () => {
    assert.throws(() => new TrafficGenerator({ targets: [], rps: 10, maxRequests: 1 }), RangeError);
    assert.throws(() => new TrafficGenerator({ targets: ['ftp://127.0.0.1'], rps: 10, maxRequests: 1 }), RangeError);
    assert.throws(() => new TrafficGenerator({ targets: ['http://127.0.0.1:1'], rps: 0, maxRequests: 1 }), RangeError);
    assert.throws(() => new TrafficGenerator({ targets: ['http://127.0.0.1:1'], rps: 10, mobileShare: 1.5 }), RangeError);
  });

  it('counts a refused connection as failed', async () => {
    const gone = await startServer(answerAs('blue'));
    await gone.close(); // its port now refuses connections
    const result = await new TrafficGenerator({ targets: [gone.url], rps: 100, maxRequests: 5 }).start();
    assert.strictEqual(result.failures.connection, 5);
    assert.strictEqual(result.ok, 0);
  });
});
