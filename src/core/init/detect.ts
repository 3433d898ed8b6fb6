// What `bluegreen init` recognises in a workspace: Node.js apps (package.json with a start
// script or a `bin`) and Java apps (a runnable jar, pom.xml, build.gradle), at the top of the
// folder or one folder down. Pure reading: nothing is run, nothing is written.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { inflateRawSync } from 'node:zlib';
import type { StockRuntime } from '../model';

/** Where a value came from: found in a file (`from` says where), asked, or a default to check. */
export type Provenance = { kind: 'found'; from: string } | { kind: 'asked' } | { kind: 'default' };

export interface DetectedApp {
  /** An app name the config accepts (`^[a-z][a-z0-9-]{0,30}$`). */
  name: string;
  runtime: StockRuntime;
  /** The folder the app is in, relative to the workspace (`.` for the top). */
  folder: string;
  /** What was recognised, for the config's comments: `package.json (start: node server.js)`. */
  evidence: string;
  port?: { value: number; from: string };
  health?: { value: string; from: string };
  /** The version the project names (package.json, pom.xml), when it is a valid release version. */
  version?: string;
  /** A build script that makes the release tarball, when the project has one (`npm run pack`). */
  packScript?: string;
}

/** What init looks for, said when it finds none of it. */
export const LOOKS_FOR = [
  'package.json with a "start" script or a "bin" (a Node.js app)',
  'a runnable jar (Main-Class in its manifest) at the top, in target/ or build/libs/ (a Java app)',
  'pom.xml or build.gradle / build.gradle.kts (a Java app)',
];

const SKIP_FOLDERS = new Set(['node_modules', 'dist', 'out', 'build', 'target', 'vendor', 'coverage']);
const VERSION = /^[A-Za-z0-9][A-Za-z0-9._+-]{0,63}$/;

/** A config app name from a package or folder name: `@acme/Web_Shop` → `web-shop`. */
export function appNameFrom(raw: string, fallback = 'app'): string {
  const base = raw.replace(/^@[^/]+\//, '').toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^[^a-z]+/, '').replace(/-+/g, '-').replace(/-$/, '');
  const name = base.slice(0, 31).replace(/-$/, '');
  return name || fallback;
}

/** A port a start command or a source file says it listens on by default. */
export function portIn(text: string): number | undefined {
  const patterns = [
    /\$\{PORT:-(\d{2,5})\}/, // ${PORT:-8080}
    /\bPORT\s*(?:\|\||\?\?)\s*['"]?(\d{2,5})/, // process.env.PORT || 3000
    /\bPORT\s*,\s*['"]?(\d{2,5})/, // getenv("PORT", "8080") style
    /\bPORT=(\d{2,5})\b/, // PORT=3000 node server.js
    /(?:^|\s)(?:--port|-p)(?:=|\s+)(\d{2,5})\b/, // --port 8080, -p 8080
    /\bserver\.port\s*[=:]\s*(\d{2,5})/, // Spring application.properties
    /\.listen\(\s*(\d{2,5})\b/, // app.listen(3000)
  ];
  for (const pattern of patterns) {
    const match = pattern.exec(text);
    if (match) {
      const port = Number(match[1]);
      if (port >= 1 && port <= 65535) return port;
    }
  }
  return undefined;
}

/** A health path a source file answers, by the usual names. */
export function healthIn(text: string): string | undefined {
  const match = /['"`](\/(?:health|healthz|healthcheck|status|ready|livez|readyz|actuator\/health))['"`]/.exec(text);
  return match?.[1];
}

function readText(file: string): string | undefined {
  try {
    const stat = statSync(file);
    if (!stat.isFile() || stat.size > 1_000_000) return undefined;
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

function detectNode(root: string, folder: string): DetectedApp | undefined {
  const dir = path.join(root, folder);
  const text = readText(path.join(dir, 'package.json'));
  if (text === undefined) return undefined;
  let pkg: { name?: unknown; version?: unknown; scripts?: Record<string, unknown>; bin?: unknown; main?: unknown };
  try {
    pkg = JSON.parse(text) as typeof pkg;
  } catch {
    return undefined;
  }
  const scripts = pkg.scripts && typeof pkg.scripts === 'object' ? pkg.scripts : {};
  const start = typeof scripts.start === 'string' ? scripts.start : undefined;
  const bins = typeof pkg.bin === 'string' ? [pkg.bin] : pkg.bin && typeof pkg.bin === 'object' ? Object.values(pkg.bin).filter((b): b is string => typeof b === 'string') : [];
  if (!start && bins.length === 0) return undefined;
  const rel = (file: string) => path.posix.join(folder === '.' ? '' : folder.split(path.sep).join('/'), file) || file;
  const name = appNameFrom(typeof pkg.name === 'string' ? pkg.name : path.basename(path.resolve(dir)));
  const app: DetectedApp = {
    name,
    runtime: 'node',
    folder,
    evidence: start ? `${rel('package.json')} (start: ${start})` : `${rel('package.json')} (bin: ${bins[0]})`,
  };
  if (typeof pkg.version === 'string' && VERSION.test(pkg.version)) app.version = pkg.version;
  const pack = ['pack', 'package', 'dist', 'release'].find((s) => typeof scripts[s] === 'string');
  if (pack) app.packScript = `npm run ${pack}`;
  if (start) {
    const port = portIn(start);
    if (port) app.port = { value: port, from: `the start script (${rel('package.json')})` };
  }
  // The entry file: the start script's `node FILE`, the main, or the bin.
  const entry = [/\bnode\s+(?:--[\w-]+(?:=\S+)?\s+)*([\w./-]+\.[cm]?js)\b/.exec(start ?? '')?.[1], typeof pkg.main === 'string' ? pkg.main : undefined, ...bins, 'server.js', 'index.js', 'src/server.js', 'src/index.js']
    .filter((f): f is string => Boolean(f));
  for (const file of entry) {
    const source = readText(path.join(dir, file));
    if (source === undefined) continue;
    if (!app.port) {
      const port = portIn(source);
      if (port) app.port = { value: port, from: rel(file) };
    }
    if (!app.health) {
      const health = healthIn(source);
      if (health) app.health = { value: health, from: rel(file) };
    }
  }
  return app;
}

/** The manifest of a jar (a zip): read through its central directory; undefined when it is not a zip. */
export function jarManifest(file: string): string | undefined {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch {
    return undefined;
  }
  const eocd = bytes.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (eocd < 0 || eocd + 22 > bytes.length) return undefined;
  const count = bytes.readUInt16LE(eocd + 10);
  let at = bytes.readUInt32LE(eocd + 16);
  for (let i = 0; i < count && at + 46 <= bytes.length; i++) {
    if (bytes.readUInt32LE(at) !== 0x02014b50) return undefined;
    const method = bytes.readUInt16LE(at + 10);
    const compressed = bytes.readUInt32LE(at + 20);
    const nameLength = bytes.readUInt16LE(at + 28);
    const extra = bytes.readUInt16LE(at + 30);
    const comment = bytes.readUInt16LE(at + 32);
    const local = bytes.readUInt32LE(at + 42);
    const name = bytes.subarray(at + 46, at + 46 + nameLength).toString('utf8');
    if (name.toUpperCase() === 'META-INF/MANIFEST.MF') {
      const dataAt = local + 30 + bytes.readUInt16LE(local + 26) + bytes.readUInt16LE(local + 28);
      const data = bytes.subarray(dataAt, dataAt + compressed);
      try {
        return (method === 8 ? inflateRawSync(data) : data).toString('utf8');
      } catch {
        return undefined;
      }
    }
    at += 46 + nameLength + extra + comment;
  }
  return undefined;
}

function runnableJars(dir: string): string[] {
  const found: string[] = [];
  for (const sub of ['.', 'target', path.join('build', 'libs')]) {
    let names: string[];
    try {
      names = readdirSync(path.join(dir, sub));
    } catch {
      continue;
    }
    for (const name of names.filter((n) => n.endsWith('.jar') && !/-(sources|javadoc|plain)\.jar$/.test(n)).sort()) {
      if (/^Main-Class:/m.test(jarManifest(path.join(dir, sub, name)) ?? '')) found.push(path.join(sub, name));
    }
  }
  return found;
}

function detectJava(root: string, folder: string): DetectedApp | undefined {
  const dir = path.join(root, folder);
  const rel = (file: string) => path.posix.join(folder === '.' ? '' : folder.split(path.sep).join('/'), file.split(path.sep).join('/'));
  const pom = readText(path.join(dir, 'pom.xml'));
  const gradleFile = ['build.gradle', 'build.gradle.kts'].find((f) => existsSync(path.join(dir, f)));
  const gradle = gradleFile ? readText(path.join(dir, gradleFile)) : undefined;
  const jars = runnableJars(dir);
  if (pom === undefined && gradle === undefined && jars.length === 0) return undefined;
  // The project's own artifactId: the first one after </parent>, if there is a parent.
  const ownPom = pom?.replace(/<parent>[\s\S]*?<\/parent>/, '');
  const artifactId = ownPom ? /<artifactId>\s*([^<\s]+)\s*<\/artifactId>/.exec(ownPom)?.[1] : undefined;
  const name = appNameFrom(artifactId ?? (jars[0] ? path.basename(jars[0]).replace(/(-\d[\w.-]*)?\.jar$/, '') : path.basename(path.resolve(dir))));
  const evidence = pom !== undefined ? rel('pom.xml') : gradleFile ? rel(gradleFile) : `${rel(jars[0])} (runnable jar)`;
  const app: DetectedApp = { name, runtime: 'java', folder, evidence: jars.length && pom === undefined && !gradleFile ? evidence : `${evidence}${jars.length ? `, ${rel(jars[0])}` : ''}` };
  const version = ownPom ? /<version>\s*([^<\s]+)\s*<\/version>/.exec(ownPom)?.[1] : gradle ? /^\s*version\s*=?\s*['"]([^'"]+)['"]/m.exec(gradle)?.[1] : undefined;
  if (version && VERSION.test(version)) app.version = version;
  for (const props of ['src/main/resources/application.properties', 'src/main/resources/application.yml', 'src/main/resources/application.yaml']) {
    const text = readText(path.join(dir, props));
    if (text === undefined) continue;
    const port = portIn(text) ?? (/^server:\s*\n\s+port:\s*(\d{2,5})/m.exec(text) ? Number(/^server:\s*\n\s+port:\s*(\d{2,5})/m.exec(text)?.[1]) : undefined);
    if (port) app.port = { value: port, from: rel(props) };
  }
  if (/spring-boot-starter-actuator/.test(`${pom ?? ''}${gradle ?? ''}`)) app.health = { value: '/actuator/health', from: `spring-boot-starter-actuator in ${evidence.split(' ')[0]}` };
  return app;
}

/** Every app recognised at the top of `root` or one folder down, the top first. */
export function detectApps(root: string): DetectedApp[] {
  const folders = ['.'];
  try {
    for (const entry of readdirSync(root, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      if (entry.isDirectory() && !entry.name.startsWith('.') && !SKIP_FOLDERS.has(entry.name)) folders.push(entry.name);
    }
  } catch {
    return [];
  }
  const apps: DetectedApp[] = [];
  for (const folder of folders) {
    const found = detectNode(root, folder) ?? detectJava(root, folder);
    if (!found) continue;
    // Two apps cannot share a name: the second gets its folder's name, then a number.
    let name = found.name;
    if (apps.some((a) => a.name === name)) name = appNameFrom(`${folder}`, name);
    for (let n = 2; apps.some((a) => a.name === name); n++) name = `${found.name.slice(0, 28)}-${n}`;
    apps.push({ ...found, name });
  }
  return apps;
}
