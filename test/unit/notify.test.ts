// notify: the config's webhooks (env:NAME only, line-pointing errors), the body a webhook
// receives, and the sender's failures, which never name the URL.
import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { formatConfigError, parseConfig } from '../../src/core/config';
import type { RouterState } from '../../src/core/model';
import { buildNotifyBody, eventOf } from '../../src/core/notify/notifyBody';
import { WebhookFailure, postJson } from '../../src/core/notify/sendWebhook';
import { checkWebhookUrl } from '../../src/core/notify/webhookSpec';
import { notify } from '../../src/core/notify/notify';
import type { StageContext } from '../../src/core/stages/stageContext';

const BASE = `apps:
  web:
    port: 3000
    health: /health
    route: /
    deploy: ["/opt/bluegreen/bin/deploy web {{version}}"]
environments:
  sandbox:
    docker: {}
`;

function errorsOf(text: string): string[] {
  const result = parseConfig(text, '/tmp/bluegreen.yaml');
  return result.ok ? [] : result.errors.map(formatConfigError);
}

const STATE: RouterState = {
  schema: 1,
  serial: 7,
  plan: { weights: { blue: 100, green: 0 }, segments: [{ name: 'mobile', color: 'green' }] },
  segments: { mobile: { kind: 'userAgent', regex: 'mobile', caseInsensitive: true } },
  preview: { header: 'X-Bluegreen-Preview', cookie: 'bluegreen_preview' },
  stickyCookie: 'bluegreen_split',
  versions: { blue: { web: '1.0.0' }, green: { web: '2.0.0' } },
  changedBy: 'ann@laptop',
  changedAt: '2026-12-01T10:00:00.000Z',
  stage: 'canary green --segment mobile',
};

describe('notify: config', () => {
  it('reads webhooks with their defaults: every event, a 5 s timeout', () => {
    const result = parseConfig(`${BASE}notify:
  - url: env:TEAM_HOOK
  - url: env:PAGER_HOOK
    events: [failed, rollback, failed2]
`.replace(', failed2', ''), '/tmp/bluegreen.yaml');
    assert.ok(result.ok, result.ok ? '' : result.errors.map(formatConfigError).join('\n'));
    assert.deepEqual(result.config.notify, [
      { urlVariable: 'TEAM_HOOK', events: ['ok', 'failed', 'refused', 'pause', 'rollback'], timeoutMs: 5000 },
      { urlVariable: 'PAGER_HOOK', events: ['failed', 'rollback'], timeoutMs: 5000 },
    ]);
    const without = parseConfig(BASE, '/tmp/bluegreen.yaml');
    assert.ok(without.ok);
    assert.equal(without.config.notify, undefined, 'no notify: no webhooks');
  });

  it('refuses a literal URL at its line, with the hint to use env:NAME, and never repeats the URL', () => {
    const errors = errorsOf(`${BASE}notify:
  - url: https://hooks.example.com/services/T000/B000/SECRETTOKEN
    timeout: 2s
`);
    assert.deepEqual(errors, [
      'notify[0].url: a webhook URL is a secret and does not go in the file: put it in an environment variable and write url: env:NAME (e.g. env:TEAM_WEBHOOK_URL) (bluegreen.yaml:11:10)',
    ]);
    assert.ok(!errors.join('\n').includes('SECRETTOKEN'));
  });

  it('points at each bad field: unknown event, timeout above 60 s, a missing url, a repeated variable, an unknown key', () => {
    const errors = errorsOf(`${BASE}notify:
  - url: env:TEAM_HOOK
    events: [ok, paused]
    timeout: 2m
  - events: [failed]
  - url: env:TEAM_HOOK
    retries: 3
  - url: "env:not a name"
`);
    assert.deepEqual(errors, [
      'notify[0].events[1]: must be one of "ok", "failed", "refused", "pause", "rollback", got the string "paused" (did you mean "pause"?) (bluegreen.yaml:12:18)',
      'notify[0].timeout: a webhook timeout is at most 60s: a notification never holds a stage up for long (bluegreen.yaml:13:14)',
      'notify[1]: missing required key "url" (bluegreen.yaml:14:5)',
      'notify[2].url: env:TEAM_HOOK is also the url of notify[0]: each webhook would be told twice (bluegreen.yaml:15:10)',
      'notify[2].retries: unknown key "retries" (known keys: url, events, timeout) (bluegreen.yaml:16:5)',
      'notify[3].url: must be env:NAME (the name of an environment variable holding the value; secrets never go in the file) (bluegreen.yaml:17:10)',
    ]);
  });

  it('checkWebhookUrl: env:NAME only; any scheme:// is a literal URL', () => {
    assert.equal(checkWebhookUrl('env:SLACK_WEBHOOK'), undefined);
    for (const literal of ['http://127.0.0.1:9/x', 'HTTPS://hooks.example.com/x', ' https://x.example/y']) {
      assert.match(checkWebhookUrl(literal) ?? '', /^a webhook URL is a secret/, literal);
    }
    assert.match(checkWebhookUrl('hooks.example.com/x') ?? '', /^must be env:NAME/);
  });
});

describe('notify: body', () => {
  it('carries environment, stage, result, plan, versions, actor, time and detail, plus a line for people', () => {
    const body = buildNotifyBody({
      kind: 'stage', environment: 'production', stage: 'canary green --segment mobile', result: 'ok',
      actor: 'ann@laptop', time: '2026-12-01T10:00:01.000Z', detail: 'canary on green: blue 100% · mobile → green', state: STATE,
    });
    assert.deepEqual(body, {
      event: 'stage',
      environment: 'production',
      stage: 'canary green --segment mobile',
      result: 'ok',
      plan: { weights: { blue: 100, green: 0 }, segments: [{ name: 'mobile', color: 'green' }] },
      versions: { blue: { web: '1.0.0' }, green: { web: '2.0.0' } },
      serial: 7,
      actor: 'ann@laptop',
      time: '2026-12-01T10:00:01.000Z',
      detail: 'canary on green: blue 100% · mobile → green',
      text: '[production] canary green --segment mobile: ok: canary on green: blue 100% · mobile → green — users: blue 100% · mobile → green (by ann@laptop)',
    });
    body.plan?.segments.push({ name: 'x', color: 'blue' });
    assert.equal(STATE.plan.segments.length, 1, 'the body is a copy');
  });

  it('says null where the routers could not be read, and names pause points and rollbacks', () => {
    const pause = buildNotifyBody({ kind: 'pause', environment: 'sandbox', stage: 'pause (release 2.0.0, step 5)', result: 'paused', actor: 'a@b', time: 't', detail: 'Watch the panel.' });
    assert.equal(pause.plan, null);
    assert.equal(pause.versions, null);
    assert.equal(pause.serial, null);
    assert.equal(pause.text, '[sandbox] release paused at "pause (release 2.0.0, step 5)": Watch the panel. (by a@b)');
    const rollback = buildNotifyBody({ kind: 'rollback', environment: 'sandbox', stage: 'canary green --percent 10', result: 'rolled back', actor: 'a@b', time: 't', state: STATE });
    assert.equal(rollback.detail, null);
    assert.match(rollback.text, /^\[sandbox\] rolled back automatically during canary green --percent 10 — users: /);
  });

  it('maps each moment to the events filter', () => {
    assert.equal(eventOf({ kind: 'stage', result: 'ok' }), 'ok');
    assert.equal(eventOf({ kind: 'stage', result: 'refused' }), 'refused');
    assert.equal(eventOf({ kind: 'stage', result: 'failed' }), 'failed');
    assert.equal(eventOf({ kind: 'pause', result: 'paused' }), 'pause');
    assert.equal(eventOf({ kind: 'rollback', result: 'rolled back' }), 'rollback');
  });
});

describe('notify: sending', () => {
  let server: http.Server;
  let base: string;
  const received: Array<{ path: string; type?: string; body: unknown }> = [];
  let answer = 200;
  let delayMs = 0;

  before(async () => {
    server = http.createServer((req, res) => {
      let text = '';
      req.setEncoding('utf8');
      req.on('data', (chunk: string) => { text += chunk; });
      req.on('end', () => {
        received.push({ path: req.url ?? '', type: req.headers['content-type'], body: JSON.parse(text) });
        setTimeout(() => { res.statusCode = answer; res.end('done'); }, delayMs);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }));
  beforeEach(() => { received.length = 0; answer = 200; delayMs = 0; });

  it('posts JSON and resolves with the status', async () => {
    assert.equal(await postJson(`${base}/hook/T0K3N`, { a: 1 }, { timeoutMs: 2000 }), 200);
    assert.deepEqual(received, [{ path: '/hook/T0K3N', type: 'application/json', body: { a: 1 } }]);
  });

  it('fails on a non-2xx answer, a timeout and a closed port, never naming the URL', async () => {
    answer = 500;
    const failures: Error[] = [];
    failures.push(await postJson(`${base}/hook/T0K3N`, {}, { timeoutMs: 2000 }).then(() => assert.fail('resolved'), (e: Error) => e));
    answer = 200;
    delayMs = 1000;
    failures.push(await postJson(`${base}/hook/T0K3N`, {}, { timeoutMs: 150 }).then(() => assert.fail('resolved'), (e: Error) => e));
    const closed = await closedPort();
    failures.push(await postJson(`http://127.0.0.1:${closed}/hook/T0K3N`, {}, { timeoutMs: 2000 }).then(() => assert.fail('resolved'), (e: Error) => e));
    failures.push(await postJson('ftp://files.example/T0K3N', {}, { timeoutMs: 2000 }).then(() => assert.fail('resolved'), (e: Error) => e));
    failures.push(await postJson('not a url T0K3N', {}, { timeoutMs: 2000 }).then(() => assert.fail('resolved'), (e: Error) => e));
    assert.deepEqual(failures.map((e) => [e instanceof WebhookFailure, e.message]), [
      [true, 'answered HTTP 500'],
      [true, 'no answer within 150 ms'],
      [true, 'connection refused (ECONNREFUSED)'],
      [true, 'the variable holds a ftp URL; a webhook is http or https'],
      [true, 'the variable does not hold a URL'],
    ]);
    for (const e of failures) {
      assert.ok(!e.message.includes('T0K3N') && !e.message.includes('127.0.0.1') && !e.message.includes(String(closed)), e.message);
    }
  });

  it('notify() filters by event, warns without the URL for an unset variable or a failing webhook, and never throws', async () => {
    const progress: string[] = [];
    const ctx = {
      handle: {
        env: { name: 'sandbox' },
        config: { notify: [
          { urlVariable: 'HOOK_OK', events: ['ok', 'failed'], timeoutMs: 2000 },
          { urlVariable: 'HOOK_ROLLBACK_ONLY', events: ['rollback'], timeoutMs: 2000 },
          { urlVariable: 'HOOK_UNSET', events: ['failed'], timeoutMs: 2000 },
          { urlVariable: 'HOOK_DOWN', events: ['failed'], timeoutMs: 2000 },
        ] },
        routers: [],
      },
      actor: 'ann@laptop',
      progress: (line: string) => progress.push(line),
      yes: true,
      force: false,
    } as unknown as StageContext;
    const closed = await closedPort();
    const environ = { HOOK_OK: `${base}/ok/S3CRET`, HOOK_ROLLBACK_ONLY: `${base}/rb/S3CRET`, HOOK_DOWN: `http://127.0.0.1:${closed}/down/S3CRET` };
    const outcome = await notify(ctx, { kind: 'stage', stage: 'switch green', result: 'failed', detail: 'green is not healthy' }, { environ, state: STATE });
    assert.deepEqual(received.map((r) => r.path), ['/ok/S3CRET'], 'only the webhooks whose events match');
    assert.deepEqual(outcome.sent.map((s) => [s.webhook, s.ok]), [
      ['notify[0] (env:HOOK_OK)', true],
      ['notify[2] (env:HOOK_UNSET)', false],
      ['notify[3] (env:HOOK_DOWN)', false],
    ]);
    assert.deepEqual(progress, [
      'warning: notify[2] (env:HOOK_UNSET) not notified: the environment variable HOOK_UNSET is not set',
      'warning: notify[3] (env:HOOK_DOWN) not notified of stage "switch green": connection refused (ECONNREFUSED) (the stage is not affected)',
    ]);
    assert.ok(!progress.join('\n').includes('S3CRET'));
    // Nothing matches: nothing is read or sent.
    received.length = 0;
    assert.deepEqual(await notify(ctx, { kind: 'pause', stage: 'pause', result: 'paused' }, { environ }), { sent: [] });
    assert.equal(received.length, 0);
  });
});

function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = http.createServer();
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}
