// The config's bytes as text. Reading with 'utf8' turns a byte that is not UTF-8 into U+FFFD
// without a word, so a Latin-1 "é" in a pause message or a host name would quietly become "�".
// Such input is refused at the line and column of the first bad byte instead.

import { isUtf8 } from 'node:buffer';

export type Decoded = { ok: true; text: string } | { ok: false; offset: number; line: number; column: number; message: string };

const strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

export function decodeUtf8(bytes: Uint8Array): Decoded {
  // The common case, checked and decoded natively (a third of the time TextDecoder takes for 5 MB);
  // the BOM goes, as the decoder below drops it.
  if (isUtf8(bytes)) {
    const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
    return { ok: true, text: text.charCodeAt(0) === 0xfeff ? text.slice(1) : text };
  }
  try {
    return { ok: true, text: strict.decode(bytes) };
  } catch {
    const bad = firstInvalidByte(bytes);
    // Line and column count characters, as an editor does, so decode the (valid) part before it.
    const before = new TextDecoder('utf-8').decode(bytes.subarray(0, bad));
    const lineStart = before.lastIndexOf('\n') + 1;
    const line = before.split('\n').length;
    const column = [...before.slice(lineStart)].length + 1;
    const hex = bytes[bad].toString(16).padStart(2, '0').toUpperCase();
    return {
      ok: false, offset: before.length, line, column,
      message: `the file is not UTF-8: byte 0x${hex} here does not begin a UTF-8 character (an editor shows it as �); save the file as UTF-8`,
    };
  }
}

/** Offset of the first byte that breaks UTF-8 (RFC 3629: no overlongs, surrogates or > U+10FFFF). */
function firstInvalidByte(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i];
    const length = b < 0x80 ? 1 : b >= 0xc2 && b <= 0xdf ? 2 : b >= 0xe0 && b <= 0xef ? 3 : b >= 0xf0 && b <= 0xf4 ? 4 : 0;
    if (length === 0) return i;
    for (let k = 1; k < length; k++) {
      const c = bytes[i + k];
      if (c === undefined || (c & 0xc0) !== 0x80) return i;
      if (k === 1 && ((b === 0xe0 && c < 0xa0) || (b === 0xed && c > 0x9f) || (b === 0xf0 && c < 0x90) || (b === 0xf4 && c > 0x8f))) return i;
    }
    i += length;
  }
  return Math.max(0, bytes.length - 1);
}
