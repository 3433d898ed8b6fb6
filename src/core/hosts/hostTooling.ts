// What set a host up: `hosts setup` records, on every host, the fingerprint of the host tooling it
// installed (host/: deploy, the supervisor, the unit) and the router state format, so a
// host prepared by an older release of the product does not meet newer stages unannounced.
// Stages on real hosts compare the record with their own and refuse with "run hosts setup".
import { createHash } from '../lazyCrypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { RefusedError } from '../errors';
import { productFiles } from '../productFiles';

declare const BLUEGREEN_VERSION: string | undefined;

// The app user and where the record lives on every host (routers and app hosts) are part of the
// host layout, defined once in hostCommands/layout.ts; re-exported for the importers that take them from here.
export { APP_USER, TOOLING_RECORD_PATH } from '../hostCommands/layout';
/** The router state document's format (`schema` in state.json). */
export const STATE_FORMAT = 1;

export interface ToolingRecord {
  /** Fingerprint of the host tooling's files. */
  tooling: string;
  stateFormat: number;
  /** The product version that ran `hosts setup`. */
  product: string;
  setupAt?: string;
  setupBy?: string;
}

let cached: string | undefined;

/** A short hash over the tooling files' names, modes and bytes: changes whenever any of them does. */
export function toolingFingerprint(hostDir = productFiles().host): string {
  if (cached && hostDir === productFiles().host) return cached;
  const hash = createHash('sha256');
  const walk = (dir: string, prefix: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full, `${prefix}${entry.name}/`);
      else hash.update(`${prefix}${entry.name}\0`).update(readFileSync(full)).update('\0');
    }
  };
  walk(hostDir, '');
  const fingerprint = hash.digest('hex').slice(0, 12);
  if (hostDir === productFiles().host) cached = fingerprint;
  return fingerprint;
}

export function productVersion(): string {
  return typeof BLUEGREEN_VERSION === 'string' ? BLUEGREEN_VERSION : 'dev';
}

export function currentRecord(actor: string, now = new Date()): ToolingRecord {
  return { tooling: toolingFingerprint(), stateFormat: STATE_FORMAT, product: productVersion(), setupAt: now.toISOString(), setupBy: actor };
}

/** The record's text on a host (empty when absent) → the record, or why it is not usable. */
export function parseRecord(text: string): ToolingRecord | undefined {
  if (!text.trim()) return undefined;
  try {
    const value = JSON.parse(text) as Partial<ToolingRecord>;
    if (typeof value.tooling === 'string' && typeof value.stateFormat === 'number') {
      return { tooling: value.tooling, stateFormat: value.stateFormat, product: String(value.product ?? 'unknown'), setupAt: value.setupAt, setupBy: value.setupBy };
    }
  } catch {
    // An unreadable record is treated as none.
  }
  return undefined;
}

/** Why a host's record does not match this engine, in words; undefined when it matches. */
export function toolingMismatch(record: ToolingRecord | undefined): string | undefined {
  if (!record) return 'no record of what set it up (prepared by hand or by a bluegreen older than the record)';
  if (record.stateFormat > STATE_FORMAT) return `set up by bluegreen ${record.product} with a newer state format (${record.stateFormat}; this bluegreen reads ${STATE_FORMAT})`;
  if (record.tooling !== toolingFingerprint() || record.stateFormat !== STATE_FORMAT) {
    return `set up by bluegreen ${record.product} (tooling ${record.tooling}); this is bluegreen ${productVersion()} (tooling ${toolingFingerprint()})`;
  }
  return undefined;
}

/**
 * The gate stages run on real hosts: the routers' records (read with their state) and any other
 * hosts' must match this engine. The sandbox is built by this engine, so it always matches.
 */
export function requireCurrentToolingOn(
  env: { kind: string; name: string },
  routers: Array<{ router: string; tooling?: ToolingRecord }>,
  hosts: Array<{ host: string; record: ToolingRecord | undefined }> = [],
): void {
  if (env.kind !== 'ssh') return;
  requireCurrentTooling(env.name, [...routers.map((r) => ({ host: r.router, record: r.tooling })), ...hosts]);
}

/** Refuses a stage on hosts whose tooling does not match, naming each host and the way on. */
export function requireCurrentTooling(env: string, hosts: Array<{ host: string; record: ToolingRecord | undefined }>): void {
  const mismatched = hosts.map((h) => ({ host: h.host, why: toolingMismatch(h.record) })).filter((h) => h.why);
  if (!mismatched.length) return;
  const newer = mismatched.some((h) => h.why?.includes('newer state format'));
  throw new RefusedError(
    `host tooling does not match this bluegreen on ${mismatched.map((h) => `${h.host} (${h.why})`).join('; ')}; nothing was changed`,
    newer
      ? `a newer bluegreen set these hosts up: upgrade this one, or run bluegreen hosts setup --env ${env} to put this version's tooling back`
      : `run bluegreen hosts setup --env ${env}: it upgrades the tooling in place and moves no traffic`,
  );
}
