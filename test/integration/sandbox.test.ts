// The Docker sandbox end to end with the real engine and the repository's bluegreen.yaml:
// every host healthy, the routers' rendered config valid inside nginx, the apps and the db
// really wired through the routers, `up` idempotent, `down` leaving nothing labelled behind.
import assert from 'node:assert/strict';
import Docker from 'dockerode';
import { DEFAULT_ROUTER_PATHS } from '../../src/core/hostCommands/layout';
import { down, status } from '../../src/core/sandbox';
import { execIn } from '../../src/core/docker/containers';
import { httpGet } from '../../src/core/sandbox/health';
import { SANDBOX_UP_TIMEOUT_MS, TestSandbox, progressPrinter, upTestSandbox } from '../helpers/sandbox';
import { UpResult, up } from '../../src/core/sandbox';

describe('sandbox (real Docker engine)', function () {
  this.timeout(SANDBOX_UP_TIMEOUT_MS);
  const docker = new Docker();
  let sandbox: TestSandbox;
  let first: UpResult;

  before(async () => {
    const started = await upTestSandbox();
    sandbox = started;
    first = started.result;
  });

  after(async () => {
    if (sandbox) await down(sandbox.config, sandbox.env, { volumes: true });
  });

  const routerPort = (n: number) => {
    const router = first.status.hosts.find((h) => h.name === `bg-itest-router-${n}`);
    assert.ok(router?.ports[80], `router ${n} publishes port 80`);
    return router.ports[80];
  };

  it('brings up the db, two routers and one host per app per color, all healthy', async () => {
    const now = await status(sandbox.config, sandbox.env);
    const names = now.hosts.map((h) => `${h.name}:${h.state}:${h.healthy}${h.problem ? `:${h.problem}` : ''}`);
    assert.deepEqual(names.sort(), [
      'bg-itest-blue-api-1:running:true',
      'bg-itest-blue-web-1:running:true',
      'bg-itest-db:running:true',
      'bg-itest-green-api-1:running:true',
      'bg-itest-green-web-1:running:true',
      'bg-itest-router-1:running:true',
      'bg-itest-router-2:running:true',
    ]);
    assert.equal(now.healthy, true);
    for (const host of now.hosts.filter((h) => h.role === 'app')) assert.equal(host.version, sandbox.env.initialVersion, host.name);
  });

  it('publishes ports on 127.0.0.1 only, and labels every container', async () => {
    for (const host of first.status.hosts) {
      const info = await docker.getContainer(host.id as string).inspect();
      for (const bindings of Object.values(info.HostConfig.PortBindings ?? {}) as { HostIp: string }[][]) {
        for (const binding of bindings) assert.equal(binding.HostIp, '127.0.0.1', host.name);
      }
      assert.equal(info.Config.Labels['bluegreen.sandbox'], 'itest');
      assert.equal(info.Config.Labels['bluegreen.role'], host.role);
      assert.equal(info.HostConfig.Init, true);
    }
  });

  it('gives each router a rendered config that passes nginx -t and the initial traffic plan', async () => {
    for (const n of [1, 2]) {
      const router = docker.getContainer(`bg-itest-router-${n}`);
      const test = await execIn(router, ['nginx', '-t']);
      assert.equal(test.exitCode, 0, test.stderr);
      assert.match(test.stderr, /test is successful/);
      const conf = await execIn(router, ['cat', DEFAULT_ROUTER_PATHS.baseConfig]);
      assert.match(conf.stdout, /bg-itest-green-api-1:8080/);
      const state = JSON.parse((await execIn(router, ['cat', DEFAULT_ROUTER_PATHS.state])).stdout);
      assert.deepEqual(state.plan.weights, sandbox.config.traffic.initial);
      assert.deepEqual(state.versions, {
        blue: { api: sandbox.env.initialVersion, web: sandbox.env.initialVersion },
        green: { api: sandbox.env.initialVersion, web: sandbox.env.initialVersion },
      });
    }
  });

  it('wires both apps to the one db: an order written through router 1 (web) is read through router 2 (api)', async () => {
    const item = `itest-${Date.now()}`;
    const created = await httpPost(`http://127.0.0.1:${routerPort(1)}/orders`, { item, quantity: 2 });
    assert.equal(created.status, 201, created.body);
    assert.match(String(created.headers['x-bluegreen-color']), /^(blue|green)$/);
    const read = await httpGet(`http://127.0.0.1:${routerPort(2)}/api/orders`, 5000);
    assert.equal(read.status, 200, read.body);
    const orders = JSON.parse(read.body) as { item?: string; name?: string }[];
    assert.ok(orders.some((o) => JSON.stringify(o).includes(item)), `order ${item} in ${read.body.slice(0, 300)}`);
  });

  it('changes nothing on a second up (same containers, nothing created or removed)', async () => {
    const before = new Map(first.status.hosts.map((h) => [h.name, h.id]));
    const again = await up(sandbox.config, sandbox.env, { onProgress: progressPrinter('itest again') });
    assert.deepEqual(again.created, []);
    assert.deepEqual(again.removed, []);
    assert.equal(again.adopted.length, before.size);
    assert.deepEqual(new Map(again.status.hosts.map((h) => [h.name, h.id])), before);
  });

  it('removes every labelled container and the network on down, keeping the db volume', async () => {
    const removed = await down(sandbox.config, sandbox.env);
    assert.equal(removed.containers.length, 7);
    const left = await docker.listContainers({ all: true, filters: { label: ['bluegreen.sandbox=itest'] } });
    assert.deepEqual(left.map((c) => c.Names), []);
    const networks = await docker.listNetworks({ filters: { label: ['bluegreen.sandbox=itest'] } });
    assert.deepEqual(networks.map((n) => n.Name), []);
    await docker.getVolume('bg-itest-db').inspect();
  });
});

function httpPost(url: string, body: unknown) {
  return fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), signal: AbortSignal.timeout(5000) })
    .then(async (r) => ({ status: r.status, body: await r.text(), headers: Object.fromEntries(r.headers) }));
}
