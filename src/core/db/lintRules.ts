// The catalogue of migration lint rules, in the spirit of squawk and strong_migrations: every
// statement is either *expand* (safe while both colors run, old and new code side by side) or
// *breaking* (the color still on the old version fails, or the table is locked for a rewrite).
// A breaking rule carries the safe recipe as its hint.

export type MigrationPhase = 'expand' | 'breaking';

export interface LintRule {
  name: string;
  phase: MigrationPhase;
  /** What the statement does, in a few words. */
  title: string;
  /** The safe recipe (breaking rules) or why it is safe (expand rules). */
  hint: string;
}

const expand = (name: string, title: string, hint: string): LintRule => ({ name, phase: 'expand', title, hint });
const breaking = (name: string, title: string, hint: string): LintRule => ({ name, phase: 'breaking', title, hint });

export const LINT_RULES = {
  // ---- expand ----------------------------------------------------------------------------
  createTable: expand('create-table', 'create a table', 'a new table is invisible to the running code'),
  addColumnNullable: expand('add-column-nullable', 'add a nullable column', 'old code neither reads nor writes it'),
  addColumnConstantDefault: expand('add-column-constant-default', 'add a column with a constant default',
    'PostgreSQL 11+ stores the default without rewriting the table; old inserts get the default'),
  createIndexConcurrently: expand('create-index-concurrently', 'create an index concurrently', 'builds without blocking writes'),
  changeNewTable: expand('change-new-table', 'index, constraint or column change on a table created in the same file',
    'the table is new and empty: no running code uses it yet, nobody waits on its lock'),
  addConstraintNotValid: expand('add-constraint-not-valid', 'add a constraint NOT VALID',
    'checks new rows only; VALIDATE CONSTRAINT it in a later migration'),
  validateConstraint: expand('validate-constraint', 'validate a NOT VALID constraint',
    'scans the table under a lock that still allows reads and writes'),
  addConstraintUsingIndex: expand('add-constraint-using-index', 'unique or primary key constraint from an existing index',
    'the index was built concurrently beforehand, so no scan happens here'),
  dropConstraint: expand('drop-constraint', 'drop a constraint', 'relaxes a rule; code that obeyed it still works'),
  dropNotNull: expand('drop-not-null', 'drop NOT NULL', 'relaxes a rule; code that obeyed it still works'),
  columnDefault: expand('column-default', 'set or drop a column default', 'changes only what future inserts get'),
  createObject: expand('create-object', 'create a sequence, type, view, function, schema or extension',
    'a new object is invisible to the running code'),
  addEnumValue: expand('add-enum-value', 'add an enum value', 'existing values keep working'),
  renameIndexOrConstraint: expand('rename-index-or-constraint', 'rename an index or a constraint', 'code does not name them'),
  dropIndexConcurrently: expand('drop-index-concurrently', 'drop an index concurrently', 'does not block reads or writes'),
  dataChange: expand('data-change', 'insert, update or delete rows', 'rows change, the schema does not; keep backfills small (batches)'),
  readOnly: expand('read-only', 'a query or a comment', 'changes nothing the running code depends on'),
  sessionSetting: expand('session-setting', 'a session setting (SET)', 'lasts for this migration only'),
  ownerOrSequenceOptions: expand('owner-or-options', 'change an owner or sequence options', 'code does not depend on it'),
  refreshConcurrently: expand('refresh-materialized-view-concurrently', 'refresh a materialized view concurrently', 'readers are not blocked'),

  // ---- breaking --------------------------------------------------------------------------
  unparseable: breaking('unparseable', 'a statement the SQL parser cannot read',
    'the linter cannot prove it safe: split it into plain statements it understands, or apply it as a contract step (--contract)'),
  dropTable: breaking('drop-table', 'drop a table',
    'stop using the table in code, release to both colors, then drop it with `bluegreen migrate --contract`'),
  dropColumn: breaking('drop-column', 'drop a column',
    'stop reading and writing the column, release to both colors, then drop it with `bluegreen migrate --contract`'),
  renameTable: breaking('rename-table', 'rename a table',
    'create the new table (or a view with the new name), write to both, move readers, release, then drop the old one in a contract step'),
  renameColumn: breaking('rename-column', 'rename a column',
    'add the new column, write to both and backfill, move readers to it, release to both colors, then drop the old column (--contract)'),
  alterColumnType: breaking('alter-column-type', 'change a column type',
    'add a column of the new type, write to both and backfill, switch readers, release, then drop the old column (--contract)'),
  setNotNull: breaking('set-not-null', 'SET NOT NULL',
    'add CHECK (col IS NOT NULL) NOT VALID, VALIDATE CONSTRAINT it in a later migration; then SET NOT NULL is instant (PostgreSQL 12+)'),
  addColumnNotNullWithoutDefault: breaking('add-column-not-null-without-default', 'add a NOT NULL column without a default',
    'the color on the old version inserts without it and fails: add it nullable (or with a constant default), backfill, then enforce NOT NULL'),
  addColumnVolatileDefault: breaking('add-column-volatile-default', 'add a column with a volatile default (serial, random(), a function)',
    'the table is rewritten under an exclusive lock: add the column without a default, set the default, backfill in batches'),
  addColumnRewrite: breaking('add-column-rewrite', 'add a generated or identity column',
    'the table is rewritten under an exclusive lock: add a plain nullable column and fill it from code or in batches'),
  addColumnUnique: breaking('add-column-unique', 'add a column with UNIQUE or PRIMARY KEY',
    'builds an index while blocking writes: add the column, CREATE UNIQUE INDEX CONCURRENTLY, then ADD CONSTRAINT … USING INDEX'),
  createIndexBlocking: breaking('create-index-non-concurrently', 'create an index without CONCURRENTLY',
    'blocks writes while it builds: CREATE INDEX CONCURRENTLY (in a migration file of its own)'),
  dropIndexBlocking: breaking('drop-index-non-concurrently', 'drop an index without CONCURRENTLY',
    'waits for and blocks every query on the table: DROP INDEX CONCURRENTLY'),
  addConstraintValidated: breaking('add-constraint-validated', 'add a CHECK or FOREIGN KEY that is checked at once',
    'scans the table under an exclusive lock: ADD CONSTRAINT … NOT VALID, then VALIDATE CONSTRAINT in a later migration'),
  addUniqueConstraint: breaking('add-unique-constraint', 'add a UNIQUE or PRIMARY KEY constraint',
    'builds an index while blocking writes: CREATE UNIQUE INDEX CONCURRENTLY, then ADD CONSTRAINT … UNIQUE USING INDEX'),
  truncate: breaking('truncate', 'truncate a table', 'deletes every row both colors use: delete what is no longer needed in batches'),
  dropObject: breaking('drop-object', 'drop a sequence, type, trigger or function',
    'stop using it in code, release to both colors, then drop it with `bluegreen migrate --contract`'),
  renameObject: breaking('rename-object', 'rename a sequence or a type',
    'create the new one, move code to it, release to both colors, then drop the old one (--contract)'),
  indexSetTablespace: breaking('index-set-tablespace', 'move an index to another tablespace', 'rewrites the index under a lock: do it in a quiet window'),
  refreshBlocking: breaking('refresh-materialized-view', 'refresh a materialized view without CONCURRENTLY',
    'blocks its readers: REFRESH MATERIALIZED VIEW CONCURRENTLY (needs a unique index)'),
  opaqueCode: breaking('opaque-code', 'a DO block', 'the linter cannot see inside it: write the statements out plainly'),
  transactionControl: breaking('transaction-control', 'BEGIN, COMMIT or ROLLBACK in a migration',
    'remove it: migrate runs each file in its own transaction (or without one when it uses CONCURRENTLY)'),
  sessionSettingUnfollowable: breaking('session-setting-unfollowable', 'a session setting that changes how later statements are read or which tables they reach',
    'the linter cannot follow it, so it cannot judge what comes after: name tables with their schema (app.orders) instead of setting search_path, leave standard_conforming_strings, client_encoding and the role as they are, or apply the file as a contract step (--contract)'),
  unrecognised: breaking('unrecognised', 'a statement the linter has no rule for', 'apply it as a contract step (--contract) after reviewing it'),
} satisfies Record<string, LintRule>;

export type LintRuleKey = keyof typeof LINT_RULES;

export function allLintRules(): LintRule[] {
  return Object.values(LINT_RULES);
}
