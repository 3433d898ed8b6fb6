// A Docker build context as an explicit list of files: walked from a folder (honouring
// .dockerignore) and/or added by hand, content-hashed so an image tag can say exactly which
// sources it was built from, and packed as the tar stream the engine's build API takes.
import { createHash } from 'node:crypto';
import { createReadStream, promises as fs } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import tarStream from 'tar-stream';
import { InputError } from '../errors';

export interface ContextEntry {
  /** Path inside the context, with `/` separators. */
  name: string;
  /** Absolute file path to read, or the bytes themselves. */
  source: string | Buffer;
  /** Unix permission bits (the executable bit matters for scripts). */
  mode: number;
  /** Symbolic link target, when the entry is a link. */
  linkTarget?: string;
}

export class BuildContext {
  private readonly entries = new Map<string, ContextEntry>();

  /** Adds every file under `folder` (minus .dockerignore matches) below `prefix` in the context. */
  static async fromFolder(folder: string, prefix = ''): Promise<BuildContext> {
    return new BuildContext().addFolder(folder, prefix);
  }

  async addFolder(folder: string, prefix = ''): Promise<this> {
    const stat = await fs.stat(folder).catch(() => undefined);
    if (!stat?.isDirectory()) throw new InputError(`Build context ${folder} is not a folder`);
    const ignore = await readDockerignore(folder);
    await this.walk(folder, '', ignore, prefix);
    return this;
  }

  addFile(name: string, source: string | Buffer, mode = 0o644): this {
    this.entries.set(name, { name, source, mode });
    return this;
  }

  has(name: string): boolean {
    return this.entries.has(name);
  }

  /** A short content hash over names, modes, link targets and bytes, independent of walk order. */
  async hash(): Promise<string> {
    const hash = createHash('sha256');
    for (const entry of this.sorted()) {
      hash.update(`${entry.name}\0${(entry.mode & 0o111) !== 0 ? 'x' : '-'}\0${entry.linkTarget ?? ''}\0`);
      if (entry.linkTarget === undefined) {
        if (typeof entry.source === 'string') {
          for await (const chunk of createReadStream(entry.source)) hash.update(chunk as Buffer);
        } else hash.update(entry.source);
      }
      hash.update('\0');
    }
    return hash.digest('hex').slice(0, 12);
  }

  /** The context as a tar stream; files are streamed one after another, never all in memory. */
  tar(): Readable {
    const pack = tarStream.pack();
    const entries = this.sorted();
    void (async () => {
      try {
        for (const entry of entries) await addToPack(pack, entry);
        pack.finalize();
      } catch (error) {
        pack.destroy(error as Error);
      }
    })();
    return pack;
  }

  private sorted(): ContextEntry[] {
    return [...this.entries.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  private async walk(root: string, relative: string, ignore: IgnoreRule[], prefix: string): Promise<void> {
    const dir = path.join(root, relative);
    const names = (await fs.readdir(dir)).sort();
    for (const name of names) {
      const rel = relative ? `${relative}/${name}` : name;
      const always = rel === 'Dockerfile' || rel === '.dockerignore';
      if (!always && isIgnored(rel, ignore)) continue;
      const full = path.join(root, rel);
      const stat = await fs.lstat(full);
      const contextName = prefix ? `${prefix}/${rel}` : rel;
      if (stat.isDirectory()) await this.walk(root, rel, ignore, prefix);
      else if (stat.isSymbolicLink()) {
        this.entries.set(contextName, { name: contextName, source: full, mode: 0o777, linkTarget: await fs.readlink(full) });
      } else if (stat.isFile()) this.entries.set(contextName, { name: contextName, source: full, mode: stat.mode & 0o7777 });
    }
  }
}

async function addToPack(pack: tarStream.Pack, entry: ContextEntry): Promise<void> {
  if (entry.linkTarget !== undefined) {
    await new Promise<void>((resolve, reject) =>
      pack.entry({ name: entry.name, type: 'symlink', linkname: entry.linkTarget, mode: entry.mode }, (e) => (e ? reject(e) : resolve())));
    return;
  }
  if (Buffer.isBuffer(entry.source)) {
    const bytes = entry.source;
    await new Promise<void>((resolve, reject) =>
      pack.entry({ name: entry.name, mode: entry.mode, size: bytes.length }, bytes, (e) => (e ? reject(e) : resolve())));
    return;
  }
  const file = entry.source;
  const { size } = await fs.stat(file);
  await new Promise<void>((resolve, reject) => {
    const sink = pack.entry({ name: entry.name, mode: entry.mode, size }, (e) => (e ? reject(e) : resolve()));
    createReadStream(file).on('error', reject).pipe(sink);
  });
}

interface IgnoreRule {
  negate: boolean;
  regex: RegExp;
}

async function readDockerignore(folder: string): Promise<IgnoreRule[]> {
  const text = await fs.readFile(path.join(folder, '.dockerignore'), 'utf8').catch(() => '');
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'))
    .map((line) => {
      const negate = line.startsWith('!');
      const pattern = path.posix.normalize((negate ? line.slice(1) : line).trim()).replace(/^\/+|\/+$/g, '');
      return { negate, regex: globToRegex(pattern) };
    });
}

/** Docker's rules, simplified: `**` spans folders, `*` and `?` stay within one; the last match wins. */
function globToRegex(pattern: string): RegExp {
  let out = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '*' && pattern[i + 1] === '*') {
      out += '.*';
      i++;
      if (pattern[i + 1] === '/') i++;
    } else if (c === '*') out += '[^/]*';
    else if (c === '?') out += '[^/]';
    else out += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  // A matched folder excludes everything below it.
  return new RegExp(`^${out}(/.*)?$`);
}

function isIgnored(relative: string, rules: IgnoreRule[]): boolean {
  let ignored = false;
  for (const rule of rules) if (rule.regex.test(relative)) ignored = !rule.negate;
  return ignored;
}
