// Reading a release tarball on the operator's machine (gzip + ustar/pax/GNU tar), so a tarball
// that cannot start is refused before anything touches a host. The contract (docs/your-app.md):
// an executable regular file `run` at the root of the tarball.
import { createReadStream } from 'node:fs';
import { createGunzip } from 'node:zlib';
import { InputError } from '../errors';

export interface TarEntry {
  /** The entry's path as stored, without a leading `./`. */
  name: string;
  /** `file`, `dir`, `symlink`, `hardlink` or `other`. */
  type: 'file' | 'dir' | 'symlink' | 'hardlink' | 'other';
  /** Permission bits (e.g. 0o755). */
  mode: number;
  size: number;
  /** The target of a link. */
  linkName?: string;
}

const BLOCK = 512;

function text(block: Buffer, start: number, length: number): string {
  const field = block.subarray(start, start + length);
  const end = field.indexOf(0);
  return field.subarray(0, end === -1 ? field.length : end).toString('utf8');
}

function octal(block: Buffer, start: number, length: number): number {
  // GNU base-256 for large sizes: the high bit of the first byte is set.
  if (block[start] & 0x80) {
    let value = 0;
    for (let i = start + 1; i < start + length; i++) value = value * 256 + block[i];
    return value;
  }
  const raw = text(block, start, length).trim();
  return raw === '' ? 0 : parseInt(raw, 8);
}

function entryType(flag: string): TarEntry['type'] {
  if (flag === '0' || flag === '\0' || flag === '' || flag === '7') return 'file';
  if (flag === '5') return 'dir';
  if (flag === '2') return 'symlink';
  if (flag === '1') return 'hardlink';
  return 'other';
}

/** `path=…` and `linkpath=…` records of a pax extended header. */
function paxRecords(data: Buffer): Record<string, string> {
  const records: Record<string, string> = {};
  let offset = 0;
  while (offset < data.length) {
    const space = data.indexOf(0x20, offset);
    if (space === -1) break;
    const length = parseInt(data.subarray(offset, space).toString('ascii'), 10);
    if (!Number.isFinite(length) || length <= 0) break;
    const record = data.subarray(space + 1, offset + length - 1).toString('utf8');
    const eq = record.indexOf('=');
    if (eq > 0) records[record.slice(0, eq)] = record.slice(eq + 1);
    offset += length;
  }
  return records;
}

export const normalizeEntryName = (name: string): string => name.replace(/^(\.\/)+/, '').replace(/\/+$/, '');

/** Every entry of a tar stream (already gunzipped), read as the bytes arrive. */
export class TarReader {
  private buffer: Buffer = Buffer.alloc(0);
  private skip = 0;
  private pending: { kind: 'pax' | 'longname' | 'longlink'; size: number } | undefined;
  private pax: Record<string, string> = {};
  private longName: string | undefined;
  private longLink: string | undefined;
  private ended = false;
  readonly entries: TarEntry[] = [];

  push(chunk: Buffer): void {
    if (this.ended) return;
    this.buffer = this.buffer.length ? Buffer.concat([this.buffer, chunk]) : chunk;
    for (;;) {
      if (this.skip > 0) {
        const n = Math.min(this.skip, this.buffer.length);
        this.buffer = this.buffer.subarray(n);
        this.skip -= n;
        if (this.skip > 0) return;
      }
      if (this.pending) {
        const padded = Math.ceil(this.pending.size / BLOCK) * BLOCK;
        if (this.buffer.length < padded) return;
        const data = this.buffer.subarray(0, this.pending.size);
        if (this.pending.kind === 'pax') this.pax = { ...this.pax, ...paxRecords(data) };
        else if (this.pending.kind === 'longname') this.longName = text(data, 0, data.length);
        else this.longLink = text(data, 0, data.length);
        this.buffer = this.buffer.subarray(padded);
        this.pending = undefined;
        continue;
      }
      if (this.buffer.length < BLOCK) return;
      const header = this.buffer.subarray(0, BLOCK);
      this.buffer = this.buffer.subarray(BLOCK);
      if (header.every((b) => b === 0)) {
        this.ended = true;
        return;
      }
      const flag = String.fromCharCode(header[156]);
      const size = octal(header, 124, 12);
      if (flag === 'x' || flag === 'g') {
        // A global header ('g') applies to every later entry; treated like a local one here.
        this.pending = { kind: 'pax', size };
        continue;
      }
      if (flag === 'L' || flag === 'K') {
        this.pending = { kind: flag === 'L' ? 'longname' : 'longlink', size };
        continue;
      }
      const magic = text(header, 257, 6);
      const prefix = magic.startsWith('ustar') ? text(header, 345, 155) : '';
      const stored = text(header, 0, 100);
      const name = this.pax.path ?? this.longName ?? (prefix ? `${prefix}/${stored}` : stored);
      const linkName = this.pax.linkpath ?? this.longLink ?? text(header, 157, 100);
      const type = entryType(flag);
      this.entries.push({ name: normalizeEntryName(name), type, mode: octal(header, 100, 8) & 0o7777, size, ...(linkName ? { linkName } : {}) });
      this.pax = {};
      this.longName = undefined;
      this.longLink = undefined;
      this.skip = type === 'file' ? Math.ceil(size / BLOCK) * BLOCK : 0;
    }
  }
}

/** The entries of a gzipped tarball. Throws a plain Error when it is not one. */
export async function readTarGz(file: string): Promise<TarEntry[]> {
  const reader = new TarReader();
  await new Promise<void>((resolve, reject) => {
    const input = createReadStream(file);
    const gunzip = createGunzip();
    input.on('error', reject);
    gunzip.on('error', reject);
    gunzip.on('data', (chunk: Buffer) => reader.push(chunk));
    gunzip.on('end', () => resolve());
    input.pipe(gunzip);
  });
  return reader.entries;
}

/** Why a tarball's entries break the contract, or undefined when `run` is an executable file at the root. */
export function runProblem(entries: TarEntry[]): string | undefined {
  const run = entries.filter((e) => e.name === 'run').at(-1);
  if (!run) {
    const nested = entries.find((e) => /(^|\/)run$/.test(e.name));
    return nested
      ? `has no \`run\` at its root (found ${nested.name}: pack the release folder's contents, e.g. tar -C release -czf FILE .)`
      : 'has no `run` at its root: the supervisor starts ./run (docs/your-app.md)';
  }
  if (run.type === 'symlink') return `has \`run\` as a symlink (to ${run.linkName ?? '?'}): make run a regular executable file`;
  if (run.type !== 'file' && run.type !== 'hardlink') return '`run` at its root is not a regular file';
  if ((run.mode & 0o111) === 0) return `has \`run\` without execute permission (mode ${run.mode.toString(8).padStart(4, '0')}): chmod +x run before packing`;
  return undefined;
}

/**
 * Refuses a tarball that would not start on a host: not a gzipped tar, or no executable `run`
 * at its root. `origin` says where the file came from, for the message.
 */
export async function checkReleaseTarball(file: string, origin: string): Promise<void> {
  let entries: TarEntry[];
  try {
    entries = await readTarGz(file);
  } catch (error) {
    throw new InputError(`${file} (${origin}) is not a gzipped tarball: ${(error as Error).message}`, 'make it with tar -czf (docs/your-app.md)');
  }
  const problem = runProblem(entries);
  if (problem) throw new InputError(`${file} (${origin}) ${problem}`, 'see docs/your-app.md for the release tarball contract');
}
