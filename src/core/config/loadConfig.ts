// Reading the config from disk: finding it, loading it, and failing loudly when it is broken.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import type { BluegreenConfig } from '../model';
import { ConfigInvalid } from './errors';
import type { ConfigError, ConfigResult } from './errors';
import { parseConfig } from './parseConfig';
import { decodeUtf8 } from './decodeText';

export const CONFIG_FILE_NAME = 'bluegreen.yaml';

// fs's callback API, promised: fs.promises loads a dozen modules of its own at first use (2.6 ms of
// the CLI's start, before its first host call).
const statFile = promisify(fs.stat);
const readFile = promisify(fs.readFile);

/**
 * Reads and validates a config file; an unreadable file is one error at 1:1 saying why. Only a
 * regular file is read: a named pipe or a device would block the read (or never end).
 */
export async function loadConfig(file: string): Promise<ConfigResult> {
  const absolute = path.resolve(file);
  let bytes: Buffer;
  try {
    const stat = await statFile(absolute);
    if (!stat.isFile() && !stat.isDirectory()) {
      return { ok: false, errors: [fileError(absolute, `config file is not a regular file (${kindOf(stat)}): ${absolute}; give the path of a bluegreen.yaml file`)] };
    }
    bytes = await readFile(absolute);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const message =
      code === 'ENOENT' ? `config file not found: ${absolute}`
      : code === 'EISDIR' ? `config file is a folder: ${absolute}`
      : `cannot read config file ${absolute}: ${(error as Error).message}`;
    return { ok: false, errors: [fileError(absolute, message)] };
  }
  const decoded = decodeUtf8(bytes);
  if (!decoded.ok) {
    const { offset, line, column, message } = decoded;
    return { ok: false, errors: [{ path: '', message, file: absolute, line, column, endLine: line, endColumn: column + 1, offset, endOffset: offset + 1 }] };
  }
  return parseConfig(decoded.text, absolute);
}

function kindOf(stat: fs.Stats): string {
  if (stat.isFIFO()) return 'a named pipe';
  if (stat.isSocket()) return 'a socket';
  if (stat.isCharacterDevice() || stat.isBlockDevice()) return 'a device';
  return 'not a file';
}

/** The nearest bluegreen.yaml in startDir or a folder above it. */
export function findConfigFile(startDir: string): string | undefined {
  let dir = path.resolve(startDir);
  for (;;) {
    const candidate = path.join(dir, CONFIG_FILE_NAME);
    if (fs.existsSync(candidate) && fs.statSync(candidate).isFile()) return candidate;
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/** Loads a config or throws ConfigInvalid carrying every error. */
export async function requireConfig(file: string): Promise<BluegreenConfig> {
  const result = await loadConfig(file);
  if (!result.ok) throw new ConfigInvalid(result.errors);
  return result.config;
}

function fileError(file: string, message: string): ConfigError {
  return { path: '', message, file, line: 1, column: 1, endLine: 1, endColumn: 1, offset: 0, endOffset: 0 };
}
