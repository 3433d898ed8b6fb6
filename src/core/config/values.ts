// Validators for the kinds of values a config carries. Each returns an error message, or
// undefined when the value is fine. Many of these values end up inside nginx directives, a
// shell command line or the router's state document, so each kind is checked for exactly the
// characters it may contain: that is what keeps a config value from injecting configuration.

import * as net from 'node:net';
import { VERSION_PATTERN } from '../model';

export type ValueCheck = (value: string) => string | undefined;

/** Characters never allowed in a value that reaches nginx, named as a person would say them. */
function describeChar(ch: string): string {
  if (ch === '\n') return 'a newline';
  if (ch === '\r') return 'a carriage return';
  if (ch === '\t') return 'a tab';
  if (ch === ' ') return 'a space';
  if (ch === '"' || ch === "'" || ch === '`') return `a quote (${ch})`;
  const code = ch.charCodeAt(0);
  if (code < 0x20 || (code >= 0x7f && code <= 0x9f)) return `a control character (U+${code.toString(16).padStart(4, '0').toUpperCase()})`;
  if ((code >= 0x200e && code <= 0x200f) || (code >= 0x202a && code <= 0x202e) || (code >= 0x2066 && code <= 0x2069)) {
    return `a bidi control character (U+${code.toString(16).toUpperCase()})`;
  }
  if (code > 0x7e) return `a non-ASCII character (${JSON.stringify(ch)})`;
  return `"${ch}"`;
}

/** The first character of `value` not matched by `allowed`, described; or undefined. */
function firstForbidden(value: string, allowed: RegExp | ((ch: string) => boolean)): string | undefined {
  const ok = typeof allowed === 'function' ? allowed : (ch: string) => allowed.test(ch);
  for (const ch of value) {
    if (!ok(ch)) return describeChar(ch);
  }
  return undefined;
}

/** Names of apps, segments and environments: they become nginx upstream names and file names. */
export const checkName: ValueCheck = (value) => {
  if (!/^[a-z][a-z0-9-]{0,30}$/.test(value)) {
    return `invalid name "${value}": use lowercase letters, digits and -, starting with a letter, at most 31 characters`;
  }
  return undefined;
};

/** RFC 7230 `tchar`: the characters a header name (a token) may contain. */
const TOKEN_CHAR = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]$/;

/**
 * A request header name. Beyond RFC 7230's token, only letters, digits and `-`: nginx exposes
 * headers as `$http_name` variables and, by default, ignores headers whose names contain `_`.
 */
export const checkHeaderName: ValueCheck = (value) => {
  if (value === '') return 'header name is empty';
  const bad = firstForbidden(value, TOKEN_CHAR);
  if (bad) return `header name contains ${bad}, which HTTP does not allow in a header name (RFC 7230 token)`;
  if (value.includes('_')) return 'header name contains "_": nginx ignores such headers unless underscores_in_headers is on';
  if (!/^[A-Za-z0-9][A-Za-z0-9-]*$/.test(value)) {
    return 'header name must be letters, digits and -, starting with a letter or digit';
  }
  if (value.length > 64) return 'header name is longer than 64 characters';
  return undefined;
};

/**
 * A cookie name. Beyond RFC 6265's token, only letters, digits, `_` and `-`, so nginx can read
 * the cookie as a `$cookie_name` variable and the value can be written unquoted.
 */
export const checkCookieName: ValueCheck = (value) => {
  if (value === '') return 'cookie name is empty';
  const bad = firstForbidden(value, TOKEN_CHAR);
  if (bad) return `cookie name contains ${bad}, which HTTP does not allow in a cookie name (RFC 6265 token)`;
  if (!/^[A-Za-z0-9_-]+$/.test(value)) return 'cookie name must be letters, digits, _ and - (nginx reads it as $cookie_ variable)';
  if (value.length > 64) return 'cookie name is longer than 64 characters';
  return undefined;
};

/**
 * The exact value a segment's cookie or header must have. Visible ASCII only, and none of the
 * characters that would end or escape an nginx string or a cookie (`" ' \ ; { } $ ,` and spaces).
 */
export const checkCookieOrHeaderValue: ValueCheck = (value) => {
  if (value === '') return 'value is empty';
  const bad = firstForbidden(value, (ch) => /^[\x21-\x7e]$/.test(ch) && !`"'\`\\;{}$,`.includes(ch));
  if (bad) return `value contains ${bad}; allowed are visible ASCII characters except quotes, \\ ; { } $ , and spaces`;
  if (value.length > 256) return 'value is longer than 256 characters';
  return undefined;
};

/** Path characters that need no quoting in nginx: RFC 3986 pchar minus `; ' $`, plus `/`. */
const PATH_CHAR = /^[A-Za-z0-9\-._~!&()*+,=:@%/]$/;
const QUERY_CHAR = /^[A-Za-z0-9\-._~!&()*+,=:@%/?]$/;

function checkPercentEncoding(value: string): string | undefined {
  if (/%(?![0-9A-Fa-f]{2})/.test(value)) return 'has a % that is not followed by two hex digits';
  return undefined;
}

/** A URL path as a client sends it (health checks, smoke checks): `/health`, `/api/version?x=1`. */
export const checkUrlPath: ValueCheck = (value) => {
  if (!value.startsWith('/')) return `path must start with "/"`;
  const queryAt = value.indexOf('?');
  const path = queryAt < 0 ? value : value.slice(0, queryAt);
  const query = queryAt < 0 ? '' : value.slice(queryAt + 1);
  const bad = firstForbidden(path, PATH_CHAR) ?? firstForbidden(query, QUERY_CHAR);
  if (bad) return `path contains ${bad}`;
  const encoding = checkPercentEncoding(value);
  if (encoding) return `path ${encoding}`;
  if (value.length > 1024) return 'path is longer than 1024 characters';
  return undefined;
};

/** A route: the URL path prefix an nginx `location` sends to an app, e.g. `/api/` or `/`. */
export const checkRoute: ValueCheck = (value) => {
  if (!value.startsWith('/')) return `route must start with "/"`;
  const bad = firstForbidden(value, PATH_CHAR);
  if (bad) return `route contains ${bad}`;
  const encoding = checkPercentEncoding(value);
  if (encoding) return `route ${encoding}`;
  if (value.includes('//')) return 'route contains "//"';
  if (value.length > 256) return 'route is longer than 256 characters';
  return undefined;
};

/**
 * net.isIPv6 and net.isIP, asked only of text with a colon: Node 20's first isIPv6 call compiles
 * a regular expression for about 30 ms, a fifth of what `status` takes before its first host call.
 */
export const isIPv6 = (value: string): boolean => value.includes(':') && net.isIPv6(value);
const isIP = (value: string): boolean => (value.includes(':') ? isIPv6(value) : net.isIPv4(value));

const LABEL = '[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?';
const HOST_NAME = new RegExp(`^${LABEL}(?:\\.${LABEL})*\\.?$`);

/** A host name (RFC 1123) or an IP address. Never starts with `-`, so it cannot pass as an option. */
export const checkHostName: ValueCheck = (value) => {
  // Most hosts, IPv4 addresses included, are a plain name: one test instead of the checks below.
  if (value.length <= 253 && HOST_NAME.test(value)) return undefined;
  if (value === '') return 'host name is empty';
  // A zone (`fe80::1%eth0`) names an interface of one machine: nginx cannot proxy to it.
  if (isIPv6(value) && value.includes('%')) return `IPv6 address "${value}" has a zone (%${value.split('%')[1]}), which an nginx upstream cannot use; give the address without it, or a host name`;
  if (isIP(value)) return undefined;
  const bad = firstForbidden(value, /^[A-Za-z0-9.-]$/);
  if (bad) return `host name contains ${bad}; use letters, digits, - and . (or an IP address)`;
  if (value.length > 253 || !HOST_NAME.test(value)) {
    return `invalid host name "${value}": labels of letters, digits and - (not at either end), separated by dots`;
  }
  return undefined;
};

/** A target the checks below accept whatever else they find: the characters they allow, no leading `-`. */
const PLAIN_SSH_TARGET = /^[A-Za-z0-9._][A-Za-z0-9._-]*$/;

/** What `ssh` is given: a host name, an IP address or an alias from ~/.ssh/config. */
export const checkSshTarget: ValueCheck = (value) => {
  if (PLAIN_SSH_TARGET.test(value)) return undefined; // most targets: one test instead of one per character
  if (value === '') return 'ssh target is empty';
  if (isIP(value)) return undefined;
  if (value.startsWith('-')) return 'ssh target must not start with "-" (ssh would read it as an option)';
  const bad = firstForbidden(value, /^[A-Za-z0-9._-]$/);
  if (bad) return `ssh target contains ${bad}; use a host name, an IP address or an alias from ~/.ssh/config`;
  return undefined;
};

/** A login name for ssh. */
export const checkUserName: ValueCheck = (value) => {
  if (!/^[a-z_][a-z0-9_.-]{0,31}$/.test(value)) return `invalid user name "${value}": lowercase letters, digits, _ . and -, starting with a letter or _`;
  return undefined;
};

/** An ssh `-o` option name, e.g. `ConnectTimeout`. */
export const checkSshOptionName: ValueCheck = (value) => {
  if (!/^[A-Za-z][A-Za-z0-9]*$/.test(value)) return `invalid ssh option name "${value}": letters and digits, as in ConnectTimeout`;
  return undefined;
};

/**
 * A single line of text: no newline or other control character, C1 controls included (a terminal
 * reads U+009B as the start of an escape sequence), and no bidi override that reorders the text.
 */
export const checkSingleLine: ValueCheck = (value) => {
  // eslint-disable-next-line no-control-regex
  const bad = firstForbidden(value, /^[^\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]$/);
  if (bad) return `contains ${bad}; it must be a single line`;
  return undefined;
};

/** A path in the repository or on the operator's machine (build context, migrations, key file). */
export const checkFilePath: ValueCheck = (value) => {
  if (value === '') return 'path is empty';
  if (value.startsWith('-')) return 'path must not start with "-"';
  return checkSingleLine(value);
};

/** A version: the model's VERSION_PATTERN, so it is safe as a file name, a shell word and an nginx value. */
export const checkVersion: ValueCheck = (value) => {
  if (!VERSION_PATTERN.test(value)) {
    return `invalid version "${value}": 1–64 characters of letters, digits and . _ + -, starting with a letter or digit`;
  }
  return undefined;
};

/** An environment-variable reference, `env:NAME`: secrets are read from the environment, never from the file. */
export const checkEnvReference: ValueCheck = (value) => {
  if (!/^env:[A-Za-z_][A-Za-z0-9_]*$/.test(value)) {
    return 'must be env:NAME (the name of an environment variable holding the value; secrets never go in the file)';
  }
  return undefined;
};

/** Where the Docker engine is, as in DOCKER_HOST; empty means the default socket. */
export const checkDockerHost: ValueCheck = (value) => {
  if (value === '') return undefined;
  if (!/^(unix|tcp|ssh|npipe|http|https):\/\/[^\s"'`;{}$\\]+$/.test(value)) {
    return 'must be empty or a DOCKER_HOST address such as unix:///var/run/docker.sock or tcp://127.0.0.1:2375';
  }
  // What connectDocker (core/docker/connect.ts) makes of it: a URL with a host, or a socket path.
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return `"${value}" is not a URL: write it as unix:///var/run/docker.sock or tcp://HOST:PORT`;
  }
  if (url.protocol === 'unix:' && (url.host !== '' || url.pathname.length < 2)) {
    return `a unix socket address needs three slashes and an absolute path, e.g. unix:///var/run/docker.sock (this one would read "${url.host}" as a host)`;
  }
  if (['tcp:', 'ssh:', 'http:', 'https:'].includes(url.protocol) && url.hostname === '') return `"${value}" names no host: write it as ${url.protocol}//HOST:PORT`;
  return undefined;
};

const PLACEHOLDER = /\{\{\s*([^{}]*?)\s*\}\}/g;
export const DEPLOY_PLACEHOLDERS = ['version', 'artifact'] as const;

/** A deploy command: one line of shell, with only the `{{version}}` and `{{artifact}}` placeholders. */
export const checkDeployCommand: ValueCheck = (value) => {
  if (value.trim() === '') return 'command is empty';
  const line = checkSingleLine(value);
  if (line) return `command ${line}`;
  for (const match of value.matchAll(PLACEHOLDER)) {
    if (!(DEPLOY_PLACEHOLDERS as readonly string[]).includes(match[1])) {
      return `unknown placeholder "${match[0]}": only {{version}} and {{artifact}} are substituted`;
    }
  }
  const rest = value.replace(PLACEHOLDER, '');
  if (rest.includes('{{') || rest.includes('}}')) return 'has an unbalanced {{ or }}';
  return undefined;
};

/** Replaces the deploy placeholders; the values are versions and paths already checked. */
export function substitutePlaceholders(command: string, values: Record<(typeof DEPLOY_PLACEHOLDERS)[number], string>): string {
  return command.replace(PLACEHOLDER, (whole, name: string) =>
    name === 'version' || name === 'artifact' ? values[name] : whole,
  );
}

/** A leading `(?i)` (as PCRE writes it) makes a User-Agent regex case-insensitive. */
export function splitRegexFlags(value: string): { regex: string; caseInsensitive: boolean } {
  return value.startsWith('(?i)') ? { regex: value.slice(4), caseInsensitive: true } : { regex: value, caseInsensitive: false };
}

/**
 * A User-Agent regex. It must compile as a JS RegExp (njs is JS) and mean the same to PCRE
 * (nginx's `map` in reload mode). Allowed: any printable character except `"` (the renderer
 * writes it between double quotes); `{`, `}`, `$` and `;` are fine inside a quoted regex.
 * Refused cheaply: escapes that PCRE knows and JS silently reads as a plain letter (`\A`, `\Z`,
 * `\z`, `\G`, `\K`, `\Q`, `\E`, `\h`, `\H`, `\R`, `\X`, `\C`), JS-only `\u` escapes, and the
 * JS-only classes `[]` and `[^]`. Inline flags other than a leading `(?i)` fail in JS itself.
 */
export const checkRegex: ValueCheck = (value) => {
  const { regex, caseInsensitive } = splitRegexFlags(value);
  if (regex === '') return 'regex is empty';
  const line = checkSingleLine(regex);
  if (line) return `regex ${line}`;
  if (regex.includes('"')) return 'regex contains a quote ("); match it with \\x22 instead';
  if (/[^\x20-\x7e]/.test(regex)) return 'regex contains a non-ASCII character; write it as an escape that PCRE and JS share (\\xHH)';
  try {
    new RegExp(regex, caseInsensitive ? 'i' : '');
  } catch (error) {
    const message = (error as Error).message.replace(/^Invalid regular expression: \/.*\/[a-z]*: /s, '');
    return `invalid regular expression: ${message}`;
  }
  for (let i = 0; i < regex.length; i++) {
    if (regex[i] !== '\\') continue;
    const next = regex[i + 1];
    if (next !== undefined && 'AZzGKQEhHRXC'.includes(next)) {
      return `regex uses \\${next}, which PCRE supports but JS reads as a plain "${next}"; njs and nginx would disagree`;
    }
    if (next === 'u') return 'regex uses \\u, which PCRE does not support; use \\xHH';
    i++;
  }
  if (/(^|[^\\])\[\^?\]/.test(regex)) return 'regex uses [] or [^], which JS and PCRE read differently';
  return undefined;
};

const DURATION = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/;
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** A duration such as `60s`, `5m`, `800ms` or `1h`. */
export const checkDuration: ValueCheck = (value) => {
  const match = DURATION.exec(value);
  if (!match) return `invalid duration "${value}": a number with a unit ms, s, m or h, e.g. 60s, 5m, 800ms`;
  if (Number(match[1]) <= 0) return 'duration must be above zero';
  if (Number(match[1]) * UNIT_MS[match[2]] > 7 * 24 * 3_600_000) return 'duration is longer than a week';
  return undefined;
};

/** Milliseconds of a duration accepted by checkDuration. */
export function parseDurationMs(value: string): number {
  const match = DURATION.exec(value);
  if (!match) throw new Error(`invalid duration "${value}"`);
  return Number(match[1]) * UNIT_MS[match[2]];
}

const PERCENT = /^(\d+(?:\.\d+)?)%$/;

/** A percentage such as `1%` or `80%`, between 0% and 100%. */
export const checkPercent: ValueCheck = (value) => {
  const match = PERCENT.exec(value);
  if (!match) return `invalid percentage "${value}": a number followed by %, e.g. 1% or 0.5%`;
  if (Number(match[1]) > 100) return 'percentage is above 100%';
  return undefined;
};

/** The fraction of a percentage accepted by checkPercent: `1%` → 0.01. */
export function parsePercent(value: string): number {
  const match = PERCENT.exec(value);
  if (!match) throw new Error(`invalid percentage "${value}"`);
  // Round away binary noise (0.07 * 100 / 100 …) so `7%` is exactly 0.07.
  return Number((Number(match[1]) / 100).toPrecision(12));
}

/** Only `{{version}}` is substituted in an app's `artifact` (path and build command). */
function checkVersionPlaceholderOnly(value: string): string | undefined {
  for (const match of value.matchAll(PLACEHOLDER)) {
    if (match[1] !== 'version') return `unknown placeholder "${match[0]}": only {{version}} is substituted here`;
  }
  const rest = value.replace(PLACEHOLDER, '');
  if (rest.includes('{{') || rest.includes('}}')) return 'has an unbalanced {{ or }}';
  return undefined;
}

/** An artifact path template: a file path (relative to the config file) naming a `.tar.gz` or `.tgz`, with only `{{version}}`. */
export const checkArtifactPath: ValueCheck = (value) => {
  const path = checkFilePath(value);
  if (path) return path;
  if (!/\.(tar\.gz|tgz)$/.test(value)) return `artifact "${value}" must name a gzipped tarball (.tar.gz or .tgz)`;
  return checkVersionPlaceholderOnly(value);
};

/** An artifact's build command: one line run on the operator's machine, with only `{{version}}`. */
export const checkArtifactBuild: ValueCheck = (value) => {
  if (value.trim() === '') return 'command is empty';
  const line = checkSingleLine(value);
  if (line) return `command ${line}`;
  return checkVersionPlaceholderOnly(value);
};

/** A Docker image reference (`node:20-bookworm-slim`, `registry.example.com/team/node:20@sha256:…`). */
export const checkImageReference: ValueCheck = (value) => {
  if (!/^[a-z0-9][a-z0-9._/:@-]{0,254}$/i.test(value) || value.includes('//') || value.startsWith('-')) {
    return `"${value}" is not an image reference such as node:20-bookworm-slim`;
  }
  return undefined;
};

/** `{{version}}` substituted into an artifact path or build command (the version is already checked). */
export function substituteVersion(template: string, version: string): string {
  return template.replace(PLACEHOLDER, (whole, name: string) => (name === 'version' ? version : whole));
}
