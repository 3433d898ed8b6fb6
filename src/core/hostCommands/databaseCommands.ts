// Every command the product runs on the database host: psql, fed its script on stdin (db/psql.ts
// decides where it runs and resolves the connection). A connection URL is a secret: it goes on
// stdin as the first line — never in the script, so never on a command line or in a log (a
// plan shows stdin by size only). Pinned by test/unit/host-commands-setup.test.ts.
import { HostCommand, hostCommand } from './hostCommand';

/** What the database sees as our own sessions' application_name (the connection watch leaves them out). */
export const OWN_APPLICATION_NAME = 'bluegreen';

/** No psqlrc, quiet, unaligned tuples-only output, stop at the first error. */
const PSQL_FLAGS = '-X -q -A -t -v ON_ERROR_STOP=1';

/** How psql reaches the database from the host it runs on. */
export type PsqlConnection =
  /** The local socket as `user` (the sandbox's db container: no password). */
  | { kind: 'socket'; user: string; database: string }
  /** psql's own defaults on the host (its PG* variables, ~/.pgpass): the config names no URL. */
  | { kind: 'defaults' }
  /** A connection URL, read by the shell from the first stdin line. */
  | { kind: 'url'; url: string };

/** The psql command line (holds no secret). */
export function psqlScript(connection: PsqlConnection): string {
  switch (connection.kind) {
    case 'socket': return `PGAPPNAME=${OWN_APPLICATION_NAME} psql ${PSQL_FLAGS} -U ${connection.user} -d ${connection.database}`;
    case 'defaults': return `PGAPPNAME=${OWN_APPLICATION_NAME} psql ${PSQL_FLAGS}`;
    // The first stdin line is the URL; psql reads the rest as its script.
    case 'url': return `IFS= read -r BLUEGREEN_DATABASE_URL && PGAPPNAME=${OWN_APPLICATION_NAME} exec psql "$BLUEGREEN_DATABASE_URL" ${PSQL_FLAGS}`;
  }
}

/** What goes on stdin before the SQL: the URL's line, or nothing. */
export function psqlStdinPrefix(connection: PsqlConnection): string {
  return connection.kind === 'url' ? `${connection.url}\n` : '';
}

export interface PsqlCommandOptions {
  /** `read`: a query; `change`: a script that changes the database (a migration). */
  effect: 'read' | 'change';
  timeoutMs?: number;
  purpose?: string;
}

/** psql with `sql` as its script, on stdin after the connection's prefix. */
export function psqlCommand(connection: PsqlConnection, sql: string, options: PsqlCommandOptions): HostCommand {
  return hostCommand(options.purpose ?? (options.effect === 'read' ? 'query the database with psql' : 'run a psql script that changes the database'),
    psqlScript(connection), { sudo: false, effect: options.effect, input: psqlStdinPrefix(connection) + sql, timeoutMs: options.timeoutMs ?? 60_000 });
}

/** A query: reads, changes nothing. */
export function psqlQueryCommand(connection: PsqlConnection, sql: string, timeoutMs?: number): HostCommand {
  return psqlCommand(connection, sql, { effect: 'read', timeoutMs });
}

/** A script that changes the database (a migration and its bookkeeping). */
export function psqlChangeCommand(connection: PsqlConnection, sql: string, timeoutMs?: number): HostCommand {
  return psqlCommand(connection, sql, { effect: 'change', timeoutMs });
}
