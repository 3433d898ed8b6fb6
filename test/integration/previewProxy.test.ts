// The preview proxy against a loopback HTTP server that echoes what it received: the preview
// header is applied to every request, a preview cookie for another color is dropped, other
// cookies pass, and a dead router gives a clear 502.
import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { startPreviewProxy, withoutCookie } from '../../src/core/preview';

const preview = { header: 'X-Bluegreen-Preview', cookie: 'bluegreen_preview' };

function get(url: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    http.get(url, { headers }, (response) => {
      let body = '';
      response.on('data', (chunk) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
    }).on('error', reject);
  });
}

describe('preview proxy (loopback)', () => {
  let echo: http.Server;
  let echoUrl: string;

  before(async () => {
    echo = http.createServer((request, response) => {
      response.setHeader('content-type', 'application/json');
      response.end(JSON.stringify({ url: request.url, method: request.method, headers: request.headers }));
    });
    await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
    echoUrl = `http://127.0.0.1:${(echo.address() as AddressInfo).port}`;
  });

  after(() => new Promise<void>((resolve) => echo.close(() => resolve())));

  it('listens on 127.0.0.1 on a free port and adds the preview header to every request', async () => {
    const proxy = await startPreviewProxy({ target: echoUrl, color: 'green', preview });
    try {
      assert.match(proxy.url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
      assert.notEqual(proxy.port, 0);
      for (const path of ['/', '/api/version?x=1', '/static/app.js']) {
        const { status, body } = await get(proxy.url.replace(/\/$/, '') + path);
        assert.equal(status, 200);
        const seen = JSON.parse(body);
        assert.equal(seen.url, path);
        assert.equal(seen.headers['x-bluegreen-preview'], 'green');
      }
      assert.equal(proxy.forwarded, 3);
    } finally {
      await proxy.close();
    }
  });

  it('overrides a preview header the browser sent and drops only the preview cookie', async () => {
    const proxy = await startPreviewProxy({ target: echoUrl, color: 'blue', preview });
    try {
      const { body } = await get(proxy.url, { 'X-Bluegreen-Preview': 'green', Cookie: 'session=abc; bluegreen_preview=green; theme=dark' });
      const seen = JSON.parse(body);
      assert.equal(seen.headers['x-bluegreen-preview'], 'blue');
      assert.equal(seen.headers.cookie, 'session=abc; theme=dark');
    } finally {
      await proxy.close();
    }
  });

  it('answers 502 with a reason when the router does not answer', async () => {
    const dead = http.createServer();
    await new Promise<void>((resolve) => dead.listen(0, '127.0.0.1', resolve));
    const port = (dead.address() as AddressInfo).port;
    await new Promise<void>((resolve) => dead.close(() => resolve()));
    const proxy = await startPreviewProxy({ target: `http://127.0.0.1:${port}`, color: 'green', preview });
    try {
      const { status, body } = await get(proxy.url);
      assert.equal(status, 502);
      assert.match(body, /did not answer/);
    } finally {
      await proxy.close();
    }
  });

  it('stops listening when closed', async () => {
    const proxy = await startPreviewProxy({ target: echoUrl, color: 'green', preview });
    await proxy.close();
    await assert.rejects(get(proxy.url), /ECONNREFUSED/);
  });

  it('removes only the named cookie', () => {
    assert.equal(withoutCookie('a=1; bluegreen_preview=blue; b=2', 'bluegreen_preview'), 'a=1; b=2');
    assert.equal(withoutCookie('bluegreen_preview=blue', 'bluegreen_preview'), undefined);
    assert.equal(withoutCookie(undefined, 'bluegreen_preview'), undefined);
    assert.equal(withoutCookie('bluegreen_preview_x=1', 'bluegreen_preview'), 'bluegreen_preview_x=1');
  });
});
