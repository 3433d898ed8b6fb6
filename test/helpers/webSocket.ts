// A minimal WebSocket client (RFC 6455: the handshake, masked frames out, unmasked text frames
// in) for the suites that hold a connection open through the routers while traffic moves —
// Node 20 has no WebSocket client of its own.
import { randomBytes, createHash } from 'node:crypto';
import * as http from 'node:http';
import type { Socket } from 'node:net';

const WS_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

export interface OpenWebSocket {
  /** Every text message received so far, in order. */
  messages: string[];
  /** Whether the connection has ended (closed by either side or cut). */
  closed(): boolean;
  /** Resolves with the next message after those already received. */
  next(timeoutMs?: number): Promise<string>;
  close(): void;
}

export function openWebSocket(url: string, headers: Record<string, string> = {}): Promise<OpenWebSocket> {
  const key = randomBytes(16).toString('base64');
  return new Promise((resolve, reject) => {
    const request = http.get(url, {
      headers: { ...headers, Connection: 'Upgrade', Upgrade: 'websocket', 'Sec-WebSocket-Key': key, 'Sec-WebSocket-Version': '13' },
      timeout: 10_000,
    });
    request.on('response', (response) => reject(new Error(`no upgrade: HTTP ${response.statusCode}`)));
    request.on('timeout', () => request.destroy(new Error('no answer to the upgrade within 10 s')));
    request.on('error', reject);
    request.on('upgrade', (response, socket: Socket, head: Buffer) => {
      const expected = createHash('sha1').update(`${key}${WS_GUID}`).digest('base64');
      if (response.headers['sec-websocket-accept'] !== expected) {
        socket.destroy();
        reject(new Error('the upgrade answer carries the wrong Sec-WebSocket-Accept'));
        return;
      }
      resolve(connection(socket, head));
    });
  });
}

function connection(socket: Socket, head: Buffer): OpenWebSocket {
  const messages: string[] = [];
  const waiting: Array<(message: string) => void> = [];
  let ended = false;
  let pending = head;
  const take = () => {
    // Server frames are unmasked; this client needs only short text frames and close.
    while (pending.length >= 2) {
      const opcode = pending[0] & 0x0f;
      let length = pending[1] & 0x7f;
      let at = 2;
      if (length === 126) {
        if (pending.length < 4) return;
        length = pending.readUInt16BE(2);
        at = 4;
      }
      if (pending.length < at + length) return;
      const payload = pending.subarray(at, at + length);
      pending = pending.subarray(at + length);
      if (opcode === 0x1) {
        const text = payload.toString('utf8');
        messages.push(text);
        waiting.splice(0).forEach((wake) => wake(text));
      } else if (opcode === 0x8) {
        socket.end();
      }
    }
  };
  socket.on('data', (chunk: Buffer) => { pending = Buffer.concat([pending, chunk]); take(); });
  socket.on('close', () => { ended = true; });
  socket.on('error', () => { ended = true; });
  take();
  return {
    messages,
    closed: () => ended,
    next: (timeoutMs = 5000) => new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no message within ${timeoutMs} ms${ended ? ' (the connection has ended)' : ''}`)), timeoutMs);
      waiting.push((message) => { clearTimeout(timer); resolve(message); });
    }),
    close: () => {
      if (ended) return;
      // A masked close frame with status 1000.
      const mask = randomBytes(4);
      const body = Buffer.from([0x03, 0xe8]).map((b, i) => b ^ mask[i % 4]);
      socket.end(Buffer.concat([Buffer.from([0x88, 0x80 | body.length]), mask, body]));
    },
  };
}
