// One JSON POST to a webhook, with a timeout. The URL is a secret: no error this throws names it
// (node's own messages can carry the host and port, so only the error code is kept), and a
// redirect is not followed (it could carry the request somewhere the config never named).
import * as http from 'node:http';
import * as https from 'node:https';

/** A webhook that did not take the notification; the message never contains the URL. */
export class WebhookFailure extends Error {}

export interface SendOptions {
  timeoutMs: number;
  /** Stops the request early (the stage was cancelled). */
  signal?: AbortSignal;
}

/** Resolves with the HTTP status when the webhook answered 2xx; rejects with a WebhookFailure otherwise. */
export function postJson(url: string, body: unknown, options: SendOptions): Promise<number> {
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    return Promise.reject(new WebhookFailure('the variable does not hold a URL'));
  }
  if (target.protocol !== 'http:' && target.protocol !== 'https:') {
    return Promise.reject(new WebhookFailure(`the variable holds a ${target.protocol.replace(/:$/, '')} URL; a webhook is http or https`));
  }
  const payload = Buffer.from(JSON.stringify(body), 'utf8');
  const client = target.protocol === 'https:' ? https : http;
  return new Promise<number>((resolve, reject) => {
    let settled = false;
    const finish = (error: Error | undefined, status?: number) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      if (error) reject(error);
      else resolve(status as number);
    };
    const request = client.request(target, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-length': payload.length, 'user-agent': 'bluegreen-notify/1' },
      agent: false,
    }, (response) => {
      const status = response.statusCode ?? 0;
      // Read (and drop) the answer so the socket closes; only the status matters.
      response.resume();
      response.on('error', () => undefined);
      response.on('end', () => finish(status >= 200 && status < 300 ? undefined : new WebhookFailure(`answered HTTP ${status}`), status));
    });
    const timer = setTimeout(() => {
      finish(new WebhookFailure(`no answer within ${formatSeconds(options.timeoutMs)}`));
      request.destroy();
    }, options.timeoutMs);
    const onAbort = () => {
      finish(new WebhookFailure('cancelled'));
      request.destroy();
    };
    options.signal?.addEventListener('abort', onAbort, { once: true });
    request.on('error', (error: NodeJS.ErrnoException) => finish(new WebhookFailure(describeNetworkError(error))));
    request.end(payload);
  });
}

/** A network error in words, from its code only: node's message names the address it tried. */
export function describeNetworkError(error: NodeJS.ErrnoException): string {
  switch (error.code) {
    case 'ECONNREFUSED': return 'connection refused (ECONNREFUSED)';
    case 'ECONNRESET': return 'connection reset (ECONNRESET)';
    case 'ENOTFOUND': case 'EAI_AGAIN': return `host name not resolved (${error.code})`;
    case 'ETIMEDOUT': return 'connection timed out (ETIMEDOUT)';
    case 'EHOSTUNREACH': case 'ENETUNREACH': return `host unreachable (${error.code})`;
    default:
      if (error.code?.startsWith('ERR_TLS') || error.code?.includes('CERT')) return `TLS failure (${error.code})`;
      return `request failed${error.code ? ` (${error.code})` : ''}`;
  }
}

function formatSeconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`;
}
