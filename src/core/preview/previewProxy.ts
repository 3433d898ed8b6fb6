// A local proxy that shows a person one color before any user sees it: every request it
// forwards to a router carries the preview rule (header), so the router sends it to that color
// whatever the plan says. Listens on 127.0.0.1 only, on a free port.
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import httpProxy from 'http-proxy';
import { Color, PreviewRule } from '../model';

export interface PreviewProxyOptions {
  /** Router base URL, e.g. `http://127.0.0.1:32843`. */
  target: string;
  color: Color;
  preview: PreviewRule;
  /** Default 0: a free port. */
  port?: number;
}

export interface PreviewProxy {
  color: Color;
  target: string;
  /** `http://127.0.0.1:PORT/` */
  url: string;
  port: number;
  /** Requests forwarded so far. */
  readonly forwarded: number;
  close(): Promise<void>;
}

/**
 * The Cookie header without the preview cookie: a preview cookie a router set earlier for the
 * other color must not fight the header this proxy adds.
 */
export function withoutCookie(cookieHeader: string | undefined, name: string): string | undefined {
  if (!cookieHeader) return undefined;
  const kept = cookieHeader.split(';').map((c) => c.trim()).filter((c) => c && c.split('=')[0].trim() !== name);
  return kept.length ? kept.join('; ') : undefined;
}

export async function startPreviewProxy(options: PreviewProxyOptions): Promise<PreviewProxy> {
  const target = new URL(options.target);
  if (target.protocol !== 'http:' && target.protocol !== 'https:') throw new RangeError(`preview target ${options.target} is not an http(s) URL`);
  // Keep-alive towards the router: a browser page fetches many assets, a fresh TCP connection
  // per request would add latency the router does not have.
  const agent = target.protocol === 'https:' ? new (await import('node:https')).Agent({ keepAlive: true }) : new http.Agent({ keepAlive: true });
  const proxy = httpProxy.createProxyServer({ target: target.origin, agent, xfwd: true, ws: true });
  let forwarded = 0;

  const applyPreview = (request: http.ClientRequest, incoming: http.IncomingMessage) => {
    request.setHeader(options.preview.header, options.color);
    const cookie = withoutCookie(incoming.headers.cookie, options.preview.cookie);
    if (cookie === undefined) request.removeHeader('cookie');
    else request.setHeader('cookie', cookie);
  };
  proxy.on('proxyReq', (request, incoming) => applyPreview(request, incoming));
  proxy.on('proxyReqWs', (request, incoming) => applyPreview(request, incoming));
  proxy.on('error', (error, _incoming, response) => {
    // `response` is a ServerResponse for HTTP and a socket for WebSocket upgrades.
    if (response instanceof http.ServerResponse) {
      if (!response.headersSent) response.writeHead(502, { 'content-type': 'text/plain; charset=utf-8' });
      response.end(`Blue-Green preview: the router at ${target.origin} did not answer (${error.message}).\n`);
    } else {
      (response as Duplex | undefined)?.destroy();
    }
  });

  const server = http.createServer((request, response) => {
    forwarded++;
    proxy.web(request, response);
  });
  server.on('upgrade', (request, socket: Duplex, head) => proxy.ws(request, socket, head));
  server.keepAliveTimeout = 5000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  let closing: Promise<void> | undefined;
  return {
    color: options.color,
    target: target.origin,
    url: `http://127.0.0.1:${port}/`,
    port,
    get forwarded() {
      return forwarded;
    },
    close: () => {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
        proxy.close();
        agent.destroy();
      });
      return closing;
    },
  };
}
