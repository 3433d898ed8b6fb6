// The psql script that applies one migration: time limits first, so a migration waiting on a
// lock gives up instead of queueing every query of both colors behind it; the file and its
// bookkeeping row in one transaction, so it is applied exactly once or not at all. A file with
// CONCURRENTLY statements cannot run in a transaction: its statements run one by one and the
// bookkeeping row follows the last.
import { sqlLiteral } from './psql';

export const MIGRATIONS_TABLE = 'bluegreen_migrations';

export const BOOKKEEPING_DDL = `CREATE TABLE IF NOT EXISTS ${MIGRATIONS_TABLE} (
  name       text PRIMARY KEY,
  checksum   text NOT NULL,
  applied_at timestamptz NOT NULL DEFAULT now(),
  applied_by text NOT NULL
);`;

export interface ScriptOptions {
  name: string;
  checksum: string;
  actor: string;
  /** Without a transaction (the file has CONCURRENTLY statements). */
  concurrently: boolean;
  lockTimeoutMs: number;
  statementTimeoutMs: number;
}

export function migrationScript(sql: string, options: ScriptOptions): string {
  const record = `INSERT INTO ${MIGRATIONS_TABLE} (name, checksum, applied_by) VALUES (${sqlLiteral(options.name)}, ${sqlLiteral(options.checksum)}, ${sqlLiteral(options.actor)});`;
  return [
    // Keep psql's output to real problems: a failure message must not start with a NOTICE.
    'SET client_min_messages = warning;',
    `SET lock_timeout = ${Math.max(1, Math.round(options.lockTimeoutMs))};`,
    `SET statement_timeout = ${Math.max(1, Math.round(options.statementTimeoutMs))};`,
    BOOKKEEPING_DDL,
    ...(options.concurrently ? [] : ['BEGIN;']),
    // The file as written; the newline ends a trailing `--` comment, the `;` a last statement.
    sql,
    ';',
    record,
    ...(options.concurrently ? [] : ['COMMIT;']),
    '',
  ].join('\n');
}

/** Applied migrations as JSON: [{ name, checksum, appliedAt, appliedBy }]. */
export const APPLIED_QUERY = `SET client_min_messages = warning;
${BOOKKEEPING_DDL}
SELECT coalesce(json_agg(json_build_object('name', name, 'checksum', checksum, 'appliedAt', applied_at, 'appliedBy', applied_by) ORDER BY applied_at, name), '[]'::json) FROM ${MIGRATIONS_TABLE};`;

export interface AppliedMigration {
  name: string;
  checksum: string;
  appliedAt: string;
  appliedBy: string;
}
