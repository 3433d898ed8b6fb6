// What a migration has really created so far, and how a table name resolves at each statement.
// A statement on a table is harmless when the table is new in this file (no running code uses
// it). That holds only for the table the name really reaches: `CREATE TABLE IF NOT EXISTS` may
// create nothing (the table existed), and `SET search_path` changes which schema an unqualified
// name means. Session settings the linter cannot follow are breaking themselves (lintRules.ts).
import type { QName } from 'pgsql-ast-parser';
import type { SqlStatement, SqlToken } from './sqlStatements';

/** The schema unqualified names reach with PostgreSQL's default search_path in a typical database. */
const DEFAULT_SCHEMA = 'public';

export class MigrationState {
  private schema = DEFAULT_SCHEMA;
  private readonly created = new Set<string>();

  /** `schema.table` for a name as written at this point of the migration. */
  resolve(name: QName): string {
    return `${name.schema ?? this.schema}.${name.name}`;
  }

  isNew(name: QName): boolean {
    return this.created.has(this.resolve(name));
  }

  /** A CREATE TABLE: new only when it surely creates (not IF NOT EXISTS on a table made elsewhere). */
  createTable(name: QName, options: { ifNotExists: boolean; temporary: boolean }): void {
    // A temporary table lives in pg_temp; treating it as new here could hide a change to the real one.
    if (options.temporary) return;
    if (options.ifNotExists && !this.isNew(name)) return;
    this.created.add(this.resolve(name));
  }

  renameTable(from: QName, to: string): void {
    const was = this.resolve(from);
    if (!this.created.delete(was)) return;
    this.created.add(`${from.schema ?? this.schema}.${to}`);
  }

  dropTable(name: QName): void {
    this.created.delete(this.resolve(name));
  }

  /** Applies a session setting the linter follows (see sessionEffect). */
  apply(effect: SessionEffect): void {
    if (effect.kind === 'schema') this.schema = effect.schema;
    if (effect.kind === 'reset') this.schema = DEFAULT_SCHEMA;
  }
}

export type SessionEffect =
  | { kind: 'harmless' }
  | { kind: 'schema'; schema: string }
  | { kind: 'reset' }
  | { kind: 'unfollowable'; what: string; at: number };

/** Settings that change how later statements are parsed or which objects their names reach. */
const READING_SETTINGS: Record<string, (values: string[]) => boolean> = {
  // Followed when set to the default; other values change how '\' in strings is read.
  standard_conforming_strings: (v) => v.length === 1 && ['on', 'true', 'default'].includes(v[0].toLowerCase()),
  client_encoding: (v) => v.length === 1 && ['utf8', 'utf-8', 'default'].includes(v[0].toLowerCase()),
  // Who runs the statements decides what "$user" in the search path means.
  role: (v) => v.length === 1 && ['none', 'default'].includes(v[0].toLowerCase()),
  session_authorization: (v) => v.length === 1 && v[0].toLowerCase() === 'default',
};

/**
 * What a SET, RESET or set_config() statement does to the reading of the statements after it,
 * or undefined when the statement is not a session setting.
 */
export function sessionEffect(statement: SqlStatement): SessionEffect | undefined {
  const { tokens } = statement;
  const call = tokens.findIndex((t) => t.kind === 'word' && /^(PG_CATALOG\.)?SET_CONFIG$/.test(t.text));
  if (call >= 0) return { kind: 'unfollowable', what: 'set_config()', at: tokens[call].start };
  const first = tokens[0]?.kind === 'word' ? tokens[0].text : '';
  if (first === 'RESET') {
    const name = (tokens[1]?.text ?? '').toLowerCase();
    return name === 'search_path' || name === 'all' ? { kind: 'reset' } : { kind: 'harmless' };
  }
  if (first !== 'SET') return undefined;
  let i = 1;
  if (tokens[i]?.text === 'SESSION' && tokens[i + 1]?.text !== 'AUTHORIZATION') i++;
  else if (tokens[i]?.text === 'LOCAL') i++;
  const at = tokens[i]?.start ?? 0;
  // SET NAMES / SET SCHEMA / SET ROLE / SET SESSION AUTHORIZATION: forms without TO or =.
  const word = tokens[i]?.text;
  const name = word === 'NAMES' ? 'client_encoding' : word === 'SCHEMA' ? 'search_path'
    : word === 'SESSION' && tokens[i + 1]?.text === 'AUTHORIZATION' ? 'session_authorization' : (word ?? '').toLowerCase();
  const valueStart = i + (name === 'session_authorization' ? 2 : 1) + (['TO', '='].includes(tokens[i + (name === 'session_authorization' ? 2 : 1)]?.text ?? '') ? 1 : 0);
  const values = tokens.slice(valueStart).filter((t) => t.text !== ',').map((t) => valueText(statement, t));
  if (name === 'search_path') return searchPathEffect(values, at);
  const followed = READING_SETTINGS[name];
  if (followed && !followed(values)) return { kind: 'unfollowable', what: `${name} ${values.join(', ')}`, at };
  return { kind: 'harmless' };
}

function searchPathEffect(values: string[], at: number): SessionEffect {
  if (values.length === 1 && values[0].toLowerCase() === 'default') return { kind: 'reset' };
  // Unqualified names reach the first schema of a plain list; $user, pg_* and strings holding
  // several names depend on things the linter cannot see.
  const plain = values.length > 0 && values.every((v) => /^[^$,\s]+$/.test(v) && !v.startsWith('pg_'));
  if (!plain) return { kind: 'unfollowable', what: `search_path ${values.join(', ') || '(empty)'}`, at };
  return { kind: 'schema', schema: values[0] };
}

/** A setting value as PostgreSQL reads it: unquoted words fold to lower case, quotes are removed. */
function valueText(statement: SqlStatement, token: SqlToken): string {
  const raw = statement.text.slice(token.start, token.end);
  if (token.kind === 'word') return raw.toLowerCase();
  if (raw.startsWith('"') || raw.startsWith("'")) return raw.slice(1, -1).replace(/""|''/g, (q) => q[0]);
  return raw;
}
