// What the sandbox does inside containers: run a command, put files in (also into a created,
// not yet started container), read a file out, read the last log lines. Log and exec streams
// are multiplexed by the engine (no TTY); they are demultiplexed here.
import type Docker from 'dockerode';
import { PassThrough } from 'node:stream';
import tarStream from 'tar-stream';

export interface ExecResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export interface ExecOptions {
  user?: string;
  env?: Record<string, string>;
  timeoutMs?: number;
}

export async function execIn(container: Docker.Container, command: string[], options: ExecOptions = {}): Promise<ExecResult> {
  const exec = await container.exec({
    Cmd: command,
    AttachStdout: true,
    AttachStderr: true,
    ...(options.user ? { User: options.user } : {}),
    ...(options.env ? { Env: Object.entries(options.env).map(([k, v]) => `${k}=${v}`) } : {}),
  });
  const stream = await exec.start({ hijack: true, stdin: false });
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  stdout.on('data', (c: Buffer) => out.push(c));
  stderr.on('data', (c: Buffer) => err.push(c));
  container.modem.demuxStream(stream, stdout, stderr);
  const timeoutMs = options.timeoutMs ?? 30_000;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      stream.destroy();
      reject(new Error(`\`${command.join(' ')}\` in ${container.id.slice(0, 12)} gave no answer within ${timeoutMs} ms`));
    }, timeoutMs);
    const done = () => {
      clearTimeout(timer);
      resolve();
    };
    stream.on('end', done);
    stream.on('close', done);
    stream.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
  });
  const info = await exec.inspect();
  return { exitCode: info.ExitCode ?? -1, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() };
}

export interface FileToPut {
  /** Absolute path inside the container. */
  path: string;
  content: string | Buffer;
  mode?: number;
}

/** Writes files into a container (created or running); missing parent folders are created. */
export async function putFiles(container: Docker.Container, files: FileToPut[]): Promise<void> {
  const pack = tarStream.pack();
  for (const file of files) {
    pack.entry({ name: file.path.replace(/^\/+/, ''), mode: file.mode ?? 0o644 }, Buffer.from(file.content));
  }
  pack.finalize();
  const chunks: Buffer[] = [];
  for await (const chunk of pack) chunks.push(chunk as Buffer);
  await container.putArchive(Buffer.concat(chunks), { path: '/' });
}

/** Reads one regular file out of a container (created, running or stopped). */
export async function getFile(container: Docker.Container, filePath: string): Promise<Buffer> {
  const archive = (await container.getArchive({ path: filePath })) as unknown as NodeJS.ReadableStream;
  return new Promise((resolve, reject) => {
    const extract = tarStream.extract();
    let found: Buffer | undefined;
    extract.on('entry', (header, stream, next) => {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        if (!found && header.type === 'file') found = Buffer.concat(chunks);
        next();
      });
      stream.resume();
    });
    extract.on('finish', () => (found ? resolve(found) : reject(new Error(`${filePath} is not a regular file`))));
    extract.on('error', reject);
    archive.on('error', reject);
    archive.pipe(extract);
  });
}

/** The last `lines` lines of a container's stdout and stderr, interleaved as written. */
export async function lastLogLines(container: Docker.Container, lines = 30): Promise<string[]> {
  try {
    const raw = (await container.logs({ stdout: true, stderr: true, tail: lines, follow: false })) as unknown as Buffer;
    return demuxBuffer(raw).split(/\r?\n/).filter((l) => l.length > 0).slice(-lines);
  } catch (error) {
    return [`(could not read the logs: ${(error as Error).message})`];
  }
}

/** Undoes the engine's 8-byte frame headers on a non-TTY log buffer; a TTY buffer passes through. */
export function demuxBuffer(raw: Buffer): string {
  const parts: Buffer[] = [];
  let offset = 0;
  while (offset + 8 <= raw.length) {
    const kind = raw[offset];
    const size = raw.readUInt32BE(offset + 4);
    if (kind > 2 || raw[offset + 1] !== 0 || raw[offset + 2] !== 0 || raw[offset + 3] !== 0) return raw.toString();
    parts.push(raw.subarray(offset + 8, offset + 8 + size));
    offset += 8 + size;
  }
  return Buffer.concat(parts).toString();
}
