// The sites a router already serves, read from `nginx -T` (every config file nginx loads, each
// under a `# configuration file PATH:` line): each server block's listeners and names, so
// `hosts setup` can ask each of them before and after it installs the product's routing and
// refuse to leave one broken. The product's own files are skipped.
import type { LocalRequest } from './localRequest';

export interface ExistingListener {
  /** The address nginx listens on, when the block names one (`listen 10.0.0.5:80`). */
  address?: string;
  port: number;
  ssl: boolean;
  defaultServer: boolean;
}

export interface ExistingSite {
  /** The config file the server block is in. */
  file: string;
  listeners: ExistingListener[];
  serverNames: string[];
}

const FILE_HEADER = /^# configuration file (.+):$/;

/** Server blocks of the http context in `nginx -T` output, outside `skipFiles`. */
export function parseExistingSites(dump: string, skipFiles: string[]): ExistingSite[] {
  const sites: ExistingSite[] = [];
  const sections: Array<{ file: string; text: string[] }> = [];
  for (const line of dump.split('\n')) {
    const header = FILE_HEADER.exec(line);
    if (header) sections.push({ file: header[1], text: [] });
    else sections[sections.length - 1]?.text.push(line);
  }
  for (const section of sections) {
    if (skipFiles.includes(section.file)) continue;
    sites.push(...serverBlocks(section.file, tokens(section.text.join('\n'))));
  }
  return sites;
}

/** nginx's tokens: words (quotes kept together, comments dropped), `{`, `}` and `;`. */
function tokens(text: string): string[] {
  const out: string[] = [];
  const pattern = /#[^\n]*|"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|[{};]|[^\s{};"'#]+/g;
  for (const match of text.matchAll(pattern)) {
    const token = match[0];
    if (token.startsWith('#')) continue;
    out.push(/^["']/.test(token) ? token.slice(1, -1) : token);
  }
  return out;
}

function serverBlocks(file: string, all: string[]): ExistingSite[] {
  const sites: ExistingSite[] = [];
  const stack: string[] = [];
  let statement: string[] = [];
  let current: ExistingSite | undefined;
  let currentDepth = -1;
  for (const token of all) {
    if (token === '{') {
      const name = statement[0] ?? '';
      stack.push(name);
      if (name === 'server' && !stack.slice(0, -1).some((n) => n === 'stream' || n === 'mail') && !current) {
        current = { file, listeners: [], serverNames: [] };
        currentDepth = stack.length;
      }
      statement = [];
    } else if (token === '}') {
      if (current && stack.length === currentDepth) {
        sites.push(current);
        current = undefined;
      }
      stack.pop();
      statement = [];
    } else if (token === ';') {
      if (current && stack.length === currentDepth) {
        if (statement[0] === 'listen') {
          const listener = parseListen(statement.slice(1));
          if (listener) current.listeners.push(listener);
        } else if (statement[0] === 'server_name') {
          current.serverNames.push(...statement.slice(1));
        }
      }
      statement = [];
    } else {
      statement.push(token);
    }
  }
  return sites;
}

/** `listen 80`, `[::]:443 ssl`, `127.0.0.1:8080 default_server`; unix sockets are not for users. */
function parseListen(args: string[]): ExistingListener | undefined {
  const [where, ...flags] = args;
  if (!where || where.startsWith('unix:')) return undefined;
  const match = /^(?:(\[[^\]]+\]|[^:]+):)?(\d+)$/.exec(where) ?? /^()(\d+)$/.exec(where);
  let address: string | undefined;
  let port: number;
  if (match) {
    address = match[1] || undefined;
    port = Number(match[2]);
  } else {
    // An address without a port listens on 80.
    address = where;
    port = 80;
  }
  if (address === '*' || address === '[::]' || address === '0.0.0.0') address = undefined;
  return { ...(address ? { address: address.replace(/^\[|\]$/g, '') } : {}), port, ssl: flags.includes('ssl'), defaultServer: flags.includes('default_server') || flags.includes('default') };
}

/** A name a request can carry that the block's server_name matches; none for `_`, `""` or regexes only. */
function requestName(names: string[]): string | undefined {
  const usable = names.filter((n) => n && n !== '_' && !n.startsWith('~'));
  const name = usable.find((n) => !n.includes('*')) ?? usable[0];
  if (!name) return undefined;
  if (name.startsWith('*.')) return `bluegreen-check${name.slice(1)}`;
  if (name.startsWith('.')) return name.slice(1);
  return name.includes('*') ? undefined : name;
}

export interface SiteProbe {
  /** How the site is named in messages: `shop.example on 443 (TLS), /etc/nginx/sites-enabled/shop`. */
  label: string;
  request: LocalRequest;
}

/** One request per listener of each existing site, made on the router the way its users reach it. */
export function existingSiteProbes(sites: ExistingSite[]): SiteProbe[] {
  const probes: SiteProbe[] = [];
  const seen = new Set<string>();
  for (const site of sites) {
    const name = requestName(site.serverNames);
    for (const listener of site.listeners) {
      const host = listener.address ?? '127.0.0.1';
      const hostInUrl = host.includes(':') ? `[${host}]` : host;
      const request: LocalRequest = listener.ssl
        ? name
          ? { url: `https://${name}:${listener.port}/`, resolve: `${name}:${listener.port}:${hostInUrl}`, insecure: true }
          : { url: `https://${hostInUrl}:${listener.port}/`, insecure: true }
        : { url: `http://${hostInUrl}:${listener.port}/`, ...(name ? { hostHeader: name } : {}), insecure: false };
      const key = JSON.stringify(request);
      if (seen.has(key)) continue;
      seen.add(key);
      probes.push({ label: `${name ?? 'the default name'} on ${listener.port}${listener.ssl ? ' (TLS)' : ''}, ${site.file}`, request });
    }
  }
  return probes;
}
