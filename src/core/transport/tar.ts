// A minimal ustar writer: enough to hand Docker's putArchive one regular file, without a dependency.

const BLOCK = 512;

export interface TarFile {
  /** Relative path inside the archive, `/`-separated. */
  name: string;
  data: Buffer;
  mode?: number;
  mtime?: Date;
  uid?: number;
  gid?: number;
}

function writeString(header: Buffer, offset: number, length: number, value: string): void {
  const bytes = Buffer.from(value, 'utf8');
  if (bytes.length > length) throw new Error(`tar: "${value}" does not fit in ${length} bytes`);
  bytes.copy(header, offset);
}

/** Octal number, zero-padded, NUL-terminated, filling the field exactly. */
function writeOctal(header: Buffer, offset: number, length: number, value: number): void {
  const digits = value.toString(8);
  if (digits.length > length - 1) throw new Error(`tar: ${value} does not fit in a ${length}-byte field`);
  writeString(header, offset, length, digits.padStart(length - 1, '0') + '\0');
}

/** Splits a long name into ustar's prefix (155 bytes) and name (100 bytes) at a `/`. */
function splitName(name: string): { prefix: string; name: string } {
  if (Buffer.byteLength(name) <= 100) return { prefix: '', name };
  for (let i = name.lastIndexOf('/'); i > 0; i = name.lastIndexOf('/', i - 1)) {
    const prefix = name.slice(0, i);
    const rest = name.slice(i + 1);
    if (Buffer.byteLength(prefix) <= 155 && Buffer.byteLength(rest) <= 100 && rest.length > 0) return { prefix, name: rest };
  }
  throw new Error(`tar: path too long for ustar: ${name}`);
}

export function tarHeader(file: TarFile): Buffer {
  const header = Buffer.alloc(BLOCK);
  const { prefix, name } = splitName(file.name);
  writeString(header, 0, 100, name);
  writeOctal(header, 100, 8, (file.mode ?? 0o644) & 0o7777);
  writeOctal(header, 108, 8, file.uid ?? 0);
  writeOctal(header, 116, 8, file.gid ?? 0);
  writeOctal(header, 124, 12, file.data.length);
  writeOctal(header, 136, 12, Math.floor((file.mtime ?? new Date()).getTime() / 1000));
  header.fill(' ', 148, 156); // the checksum is computed with its own field as spaces
  writeString(header, 156, 1, '0'); // regular file
  writeString(header, 257, 6, 'ustar\0');
  writeString(header, 263, 2, '00');
  writeString(header, 265, 32, 'root');
  writeString(header, 297, 32, 'root');
  writeString(header, 345, 155, prefix);
  let sum = 0;
  for (const byte of header) sum += byte;
  writeString(header, 148, 8, sum.toString(8).padStart(6, '0') + '\0 ');
  return header;
}

/** A complete archive: each file's header and data padded to 512 bytes, then two zero blocks. */
export function createTar(files: readonly TarFile[]): Buffer {
  const parts: Buffer[] = [];
  for (const file of files) {
    parts.push(tarHeader(file), file.data);
    const padding = (BLOCK - (file.data.length % BLOCK)) % BLOCK;
    if (padding) parts.push(Buffer.alloc(padding));
  }
  parts.push(Buffer.alloc(BLOCK * 2));
  return Buffer.concat(parts);
}
