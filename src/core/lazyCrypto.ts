// node:crypto, required at its first use instead of when a module that uses it loads. Requiring it
// compiles crypto's fifteen modules (6 ms here), and the modules on a CLI run's way to its first
// host call use it only once a command runs (a nonce, a checksum): so the first connection starts
// sooner, and the load overlaps its handshake.
import type * as Crypto from 'node:crypto';

let crypto: typeof Crypto | undefined;

function load(): typeof Crypto {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (crypto ??= require('node:crypto') as typeof Crypto);
}

export function createHash(algorithm: string): Crypto.Hash {
  return load().createHash(algorithm);
}

export function randomBytes(size: number): Buffer {
  return load().randomBytes(size);
}
