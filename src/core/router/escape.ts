// Writing values into nginx config text so they cannot break out of their place. Config
// validation refuses bad values earlier; this is defence in depth, so every helper throws a
// clear error instead of writing something it cannot place safely.

export class RouterRenderError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RouterRenderError';
  }
}

// Control characters (newline above all) end a directive or a log line wherever they land.
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/;

function describe(what: string, value: string): string {
  return `${what} ${JSON.stringify(value)}`;
}

/** Refuses values no nginx or njs position can hold: control characters, empty strings. */
export function assertPrintable(what: string, value: string): void {
  if (typeof value !== 'string' || value.length === 0) {
    throw new RouterRenderError(`${what} must be a non-empty string`);
  }
  if (CONTROL_CHARACTERS.test(value)) {
    throw new RouterRenderError(`${describe(what, value)} contains a newline or another control character`);
  }
}

/**
 * A double-quoted nginx string for a place nginx does NOT interpolate (map regex keys, include,
 * js_import). Backslashes are doubled because nginx's parser turns `\\` into `\`.
 */
export function quoteLiteral(what: string, value: string): string {
  assertPrintable(what, value);
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/**
 * A double-quoted nginx string for a place nginx interpolates (`$name` is a variable there and
 * there is no escape for `$`), so a `$` is refused rather than written.
 */
export function quoteInterpolated(what: string, value: string): string {
  if (value.includes('$')) {
    throw new RouterRenderError(`${describe(what, value)} contains "$", which nginx would read as a variable`);
  }
  return quoteLiteral(what, value);
}

/** An absolute file path (no `$`, no quotes or control characters). */
export function quotePath(what: string, value: string): string {
  assertPrintable(what, value);
  if (!value.startsWith('/')) {
    throw new RouterRenderError(`${describe(what, value)} must be an absolute path`);
  }
  if (/["'$\\;{}]/.test(value)) {
    throw new RouterRenderError(`${describe(what, value)} contains a character that is unsafe in an nginx path`);
  }
  return quoteInterpolated(what, value);
}

/** Escapes text so a PCRE/JS regex matches it literally. */
export function regexLiteral(text: string): string {
  return text.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&');
}

/** App names become upstream names (`<app>_<color>`) and log values. */
const APP_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$/;
export function assertAppName(value: string): void {
  assertPrintable('app name', value);
  if (!APP_NAME.test(value)) {
    throw new RouterRenderError(`${describe('app name', value)} must match ${APP_NAME}`);
  }
}

/** Segment names travel in the `color:via:segment:cookie` decision string and the log. */
const SEGMENT_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/;
export function assertSegmentName(value: string): void {
  assertPrintable('segment name', value);
  if (!SEGMENT_NAME.test(value)) {
    throw new RouterRenderError(`${describe('segment name', value)} must match ${SEGMENT_NAME}`);
  }
}

/** nginx exposes a header as `$http_<lowercase, - as _>`; underscores are dropped by default. */
const HEADER_NAME = /^[A-Za-z0-9][A-Za-z0-9-]{0,127}$/;
export function headerVariable(name: string): string {
  assertPrintable('header name', name);
  if (!HEADER_NAME.test(name)) {
    throw new RouterRenderError(`${describe('header name', name)} must be letters, digits and "-"`);
  }
  return `$http_${name.toLowerCase().replace(/-/g, '_')}`;
}

/** RFC 6265 cookie-name token, minus `$` (nginx variables) and quotes. */
const COOKIE_NAME = /^[A-Za-z0-9!#%&'*+.^_`|~-]{1,128}$/;
export function assertCookieName(name: string): void {
  assertPrintable('cookie name', name);
  if (!COOKIE_NAME.test(name)) {
    throw new RouterRenderError(`${describe('cookie name', name)} is not a valid cookie name`);
  }
}

/** RFC 6265 cookie-octets: no spaces, quotes, commas, semicolons or backslashes. */
const COOKIE_VALUE = /^[\x21\x23-\x2b\x2d-\x3a\x3c-\x5b\x5d-\x7e]{1,256}$/;
export function assertCookieValue(value: string): void {
  assertPrintable('cookie value', value);
  if (!COOKIE_VALUE.test(value)) {
    throw new RouterRenderError(`${describe('cookie value', value)} is not a valid cookie value`);
  }
}

export function assertHeaderValue(value: string): void {
  assertPrintable('header value', value);
}

/** A regex for a segment: must compile as a JS regex (njs) — nginx reads the same PCRE subset. */
export function assertRegex(what: string, source: string): void {
  assertPrintable(what, source);
  try {
    new RegExp(source);
  } catch (error) {
    throw new RouterRenderError(`${describe(what, source)} is not a valid regex: ${(error as Error).message}`);
  }
}

const HOST_NAME = /^(?=.{1,253}$)[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,62})(?:\.[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,62}))*\.?$/;
const IPV6 = /^\[?([0-9A-Fa-f:.]{2,45})\]?$/;
/** `address:port` for an upstream `server` line: a host name, an IPv4 or an IPv6 address. */
export function upstreamServer(address: string, port: number): string {
  assertPrintable('upstream address', address);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new RouterRenderError(`port ${port} for ${JSON.stringify(address)} must be an integer 1-65535`);
  }
  if (HOST_NAME.test(address)) return `${address}:${port}`;
  const v6 = IPV6.exec(address);
  if (v6 && v6[1].includes(':')) return `[${v6[1]}]:${port}`;
  throw new RouterRenderError(`${describe('upstream address', address)} is not a host name or an IP address`);
}

/** A location prefix: starts with `/`, no spaces or characters nginx would read specially. */
export function quoteRoute(route: string): string {
  assertPrintable('route', route);
  if (!/^\/[A-Za-z0-9._~!&'()*+,;=:@%/-]*$/.test(route)) {
    throw new RouterRenderError(`${describe('route', route)} must start with "/" and hold only URL path characters`);
  }
  return quoteLiteral('route', route);
}
