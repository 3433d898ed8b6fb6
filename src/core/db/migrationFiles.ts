// The migrations folder named in the config: `*.sql` files applied in name order (numbers
// compared as numbers, so 10_x follows 9_x), each identified by its name and checksummed so a
// file edited after it was applied is caught.
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { BluegreenConfig } from '../model';
import { InputError } from '../errors';
import { FileLint, lintSql } from './lint';

export interface MigrationFile {
  /** The file name, e.g. `002_orders_delivery_columns.sql`: the key in bluegreen_migrations. */
  name: string;
  path: string;
  sql: string;
  /** `sha256:` and the hex digest of the file's bytes. */
  checksum: string;
  lint: FileLint;
}

/** Absolute path of the config's migrations folder, or undefined when none is configured. */
export function migrationsFolder(config: BluegreenConfig): string | undefined {
  const folder = config.database.migrations;
  return folder === undefined ? undefined : path.resolve(path.dirname(config.file), folder);
}

export function compareMigrationNames(a: string, b: string): number {
  return a.localeCompare(b, 'en', { numeric: true });
}

export function checksumOf(sql: string): string {
  return `sha256:${createHash('sha256').update(sql, 'utf8').digest('hex')}`;
}

/** The `*.sql` files of a folder, in apply order. */
export async function listMigrationFiles(folder: string): Promise<string[]> {
  let entries: string[];
  try {
    entries = await fs.readdir(folder);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new InputError(`the migrations folder ${folder} does not exist`, 'create it, or fix database.migrations in the config');
    }
    throw error;
  }
  return entries.filter((e) => e.endsWith('.sql')).sort(compareMigrationNames).map((e) => path.join(folder, e));
}

export async function readMigrations(folder: string): Promise<MigrationFile[]> {
  const files = await listMigrationFiles(folder);
  return Promise.all(files.map(async (file) => {
    const sql = await fs.readFile(file, 'utf8');
    return { name: path.basename(file), path: file, sql, checksum: checksumOf(sql), lint: lintSql(sql, file) };
  }));
}
