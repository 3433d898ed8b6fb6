'use strict';
// `/ws`: a WebSocket that names, once a second, the color and version serving it — so a release
// can be watched keeping an open connection on its color while new ones go to the other. A
// minimal RFC 6455 server (text frames out; ping, pong and close in): the sample app has no
// dependencies beyond the database driver, and this is all the page needs.
const crypto = require('node:crypto');

const WS_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

function frame(opcode, payload) {
  const length = payload.length;
  const header = length < 126
    ? Buffer.from([0x80 | opcode, length])
    : Buffer.from([0x80 | opcode, 126, length >> 8, length & 0xff]);
  return Buffer.concat([header, payload]);
}

/** Reads client frames (always masked) from `buffer`; returns the frames and what is left. */
function readFrames(buffer) {
  const frames = [];
  let offset = 0;
  while (buffer.length - offset >= 6) {
    const opcode = buffer[offset] & 0x0f;
    let length = buffer[offset + 1] & 0x7f;
    let at = offset + 2;
    if (length === 126) {
      if (buffer.length - at < 2) break;
      length = buffer.readUInt16BE(at);
      at += 2;
    } else if (length === 127) {
      return { frames, rest: Buffer.alloc(0), tooLarge: true };
    }
    if (buffer.length - at < 4 + length) break;
    const mask = buffer.subarray(at, at + 4);
    const payload = Buffer.from(buffer.subarray(at + 4, at + 4 + length));
    for (let i = 0; i < payload.length; i++) payload[i] ^= mask[i % 4];
    frames.push({ opcode, payload });
    offset = at + 4 + length;
  }
  return { frames, rest: buffer.subarray(offset) };
}

/** Handles an HTTP upgrade request; answers anything but a WebSocket on /ws with 400 and closes. */
function acceptLiveUpdates(request, socket, settings) {
  const key = request.headers['sec-websocket-key'];
  const pathname = new URL(request.url, 'http://localhost').pathname;
  if (pathname !== '/ws' || String(request.headers.upgrade).toLowerCase() !== 'websocket' || !key) {
    socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    return;
  }
  const accept = crypto.createHash('sha1').update(`${key}${WS_GUID}`).digest('base64');
  socket.write(['HTTP/1.1 101 Switching Protocols', 'Upgrade: websocket', 'Connection: Upgrade',
    `Sec-WebSocket-Accept: ${accept}`, `X-Bluegreen-Color: ${settings.color}`, '', ''].join('\r\n'));
  let sent = 0;
  const tell = () => socket.write(frame(0x1, Buffer.from(JSON.stringify({ color: settings.color, version: settings.version, n: ++sent }))));
  tell();
  const timer = setInterval(tell, 1000);
  let pending = Buffer.alloc(0);
  socket.on('data', (chunk) => {
    const { frames, rest, tooLarge } = readFrames(Buffer.concat([pending, chunk]));
    pending = rest;
    if (tooLarge) socket.destroy();
    for (const { opcode, payload } of frames) {
      if (opcode === 0x9) socket.write(frame(0xa, payload));
      if (opcode === 0x8) {
        socket.end(frame(0x8, payload.subarray(0, 2)));
        clearInterval(timer);
      }
    }
  });
  socket.on('close', () => clearInterval(timer));
  socket.on('error', () => clearInterval(timer));
}

module.exports = { acceptLiveUpdates };
