// Migration lint: every statement of a migration file, parsed by a real PostgreSQL parser
// (pgsql-ast-parser), classified expand or breaking with a rule and a hint (lintRules.ts).
// Statements are judged in order against what the file has really created so far and the
// session settings before them (migrationState.ts).
// A few safe-recipe forms the parser lacks (NOT VALID, VALIDATE CONSTRAINT, ADD CONSTRAINT …
// USING INDEX, ALTER … TYPE … USING) are recognised on the statement's words first, because the
// linter must not call the recommended recipe itself unparseable.
import { promises as fs } from 'node:fs';
import { parse, Statement, AlterTableStatement, DropStatement, TableAlteration, CreateColumnDef, Expr, QName, PGNode } from 'pgsql-ast-parser';
import { LINT_RULES, LintRule, MigrationPhase } from './lintRules';
import { SqlStatement, SqlToken, lineColumn, splitStatements } from './sqlStatements';
import { MigrationState, sessionEffect } from './migrationState';
import { withPlainLiterals } from './plainLiterals';

export interface LintFinding {
  file: string;
  /** 1-based. */
  line: number;
  /** 1-based. */
  column: number;
  /** Offset in the file, for editors that place diagnostics by offset. */
  offset: number;
  rule: string;
  phase: MigrationPhase;
  /** What the statement does here, e.g. `drop a column: orders.note`. */
  message: string;
  hint: string;
  /** The statement's first line, for a report. */
  statement: string;
}

export interface FileLint {
  file: string;
  statements: number;
  findings: LintFinding[];
  breaking: boolean;
  /** The file has CONCURRENTLY statements: it cannot run inside a transaction. */
  concurrently: boolean;
}

/** Lints the SQL text of one migration file. `file` only labels the findings. */
export function lintSql(source: string, file = '<sql>'): FileLint {
  const statements = splitStatements(source);
  const state = new MigrationState();
  const findings: LintFinding[] = [];
  for (const statement of statements) {
    for (const hit of classifyStatement(statement, state)) {
      const offset = statement.offset + hit.at;
      const { line, column } = lineColumn(source, offset);
      findings.push({
        file,
        line,
        column,
        offset,
        rule: hit.rule.name,
        phase: hit.rule.phase,
        message: hit.subject ? `${hit.rule.title}: ${hit.subject}` : hit.rule.title,
        hint: hit.rule.hint,
        statement: statement.text.split('\n')[0].slice(0, 160),
      });
    }
  }
  return {
    file,
    statements: statements.length,
    findings,
    breaking: findings.some((f) => f.phase === 'breaking'),
    concurrently: statements.some((s) => s.tokens.some((t) => t.kind === 'word' && t.text === 'CONCURRENTLY')),
  };
}

export async function lintFile(file: string): Promise<FileLint> {
  return lintSql(await fs.readFile(file, 'utf8'), file);
}

interface Hit {
  rule: LintRule;
  /** Offset in the statement text. */
  at: number;
  subject?: string;
}

const R = LINT_RULES;

function classifyStatement(statement: SqlStatement, state: MigrationState): Hit[] {
  const session = sessionEffect(statement);
  if (session?.kind === 'unfollowable') return [{ rule: R.sessionSettingUnfollowable, at: session.at, subject: session.what }];
  if (session) {
    state.apply(session);
    return [{ rule: R.sessionSetting, at: 0 }];
  }
  const recognised = recogniseByWords(statement);
  if (recognised) return [recognised];

  const { text: parsable, notValidAt } = blankUnsupportedClauses(statement, withPlainLiterals(statement));
  let parsed: Statement[];
  try {
    parsed = parse(parsable, { locationTracking: true });
  } catch (error) {
    const lines = (error as Error).message.split('\n');
    const unexpected = lines.find((l) => l.startsWith('Unexpected'))?.replace(/\. Instead.*$/, '').replace(/:$/, '');
    const where = lines[0].replace(/:$/, '');
    return [{ rule: R.unparseable, at: syntaxErrorOffset(statement.text, where), subject: unexpected ? `${where}: ${unexpected}` : where }];
  }
  return parsed.flatMap((node) => classifyNode(node, state, notValidAt));
}

function classifyNode(node: Statement, state: MigrationState, notValidAt: number[]): Hit[] {
  const at = startOf(node);
  const type: string = node.type;
  switch (type) {
    case 'create table': {
      const table = node as Extract<Statement, { type: 'create table' }>;
      state.createTable(table.name, { ifNotExists: Boolean(table.ifNotExists), temporary: Boolean(table.temporary) });
      return [{ rule: R.createTable, at, subject: qualified(table.name) }];
    }
    case 'alter table':
      return classifyAlterTable(node as AlterTableStatement, state, notValidAt);
    case 'create index': {
      const index = node as Extract<Statement, { type: 'create index' }>;
      const subject = `${index.indexName?.name ?? '(unnamed)'} on ${qualified(index.table)}`;
      if (index.concurrently) return [{ rule: R.createIndexConcurrently, at, subject }];
      if (state.isNew(index.table)) return [{ rule: R.changeNewTable, at, subject }];
      return [{ rule: R.createIndexBlocking, at, subject }];
    }
    case 'drop index': {
      const drop = node as DropStatement;
      return [{ rule: drop.concurrently ? R.dropIndexConcurrently : R.dropIndexBlocking, at, subject: drop.names.map(qualified).join(', ') }];
    }
    case 'drop table': {
      const drop = node as DropStatement;
      drop.names.forEach((name) => state.dropTable(name));
      return [{ rule: R.dropTable, at, subject: drop.names.map(qualified).join(', ') }];
    }
    case 'drop sequence': case 'drop type': case 'drop trigger': case 'drop function':
      return [{ rule: R.dropObject, at }];
    case 'truncate table':
      return [{ rule: R.truncate, at }];
    case 'create sequence': case 'create enum': case 'create composite type': case 'create view':
    case 'create materialized view': case 'create function': case 'create schema': case 'create extension':
      return [{ rule: R.createObject, at }];
    case 'alter enum': {
      const alter = node as Extract<Statement, { type: 'alter enum' }>;
      return [{ rule: alter.change.type === 'add value' ? R.addEnumValue : R.renameObject, at, subject: qualified(alter.name) }];
    }
    case 'alter sequence': {
      const alter = node as Extract<Statement, { type: 'alter sequence' }>;
      const renames = alter.change.type === 'rename' || alter.change.type === 'set schema';
      return [{ rule: renames ? R.renameObject : R.ownerOrSequenceOptions, at, subject: qualified(alter.name) }];
    }
    case 'alter index': {
      const alter = node as Extract<Statement, { type: 'alter index' }>;
      return [{ rule: alter.change.type === 'rename' ? R.renameIndexOrConstraint : R.indexSetTablespace, at, subject: alter.index.name }];
    }
    case 'refresh materialized view': {
      const refresh = node as Extract<Statement, { type: 'refresh materialized view' }>;
      return [{ rule: refresh.concurrently ? R.refreshConcurrently : R.refreshBlocking, at, subject: qualified(refresh.name) }];
    }
    case 'insert': case 'update': case 'delete': case 'with': case 'with recursive':
      return [{ rule: R.dataChange, at }];
    case 'select': case 'union': case 'union all': case 'values': case 'show': case 'comment':
    case 'prepare': case 'deallocate': case 'raise':
      return [{ rule: R.readOnly, at }];
    case 'set': case 'set timezone': case 'set names':
      return [{ rule: R.sessionSetting, at }];
    case 'begin': case 'start transaction': case 'commit': case 'rollback':
      return [{ rule: R.transactionControl, at }];
    case 'do':
      return [{ rule: R.opaqueCode, at }];
    default:
      return [{ rule: R.unrecognised, at, subject: type }];
  }
}

function classifyAlterTable(statement: AlterTableStatement, state: MigrationState, notValidAt: number[]): Hit[] {
  const table = qualified(statement.table);
  const isNew = state.isNew(statement.table);
  for (const change of statement.changes) if (isNew && change.type === 'rename') state.renameTable(statement.table, change.to.name);
  return statement.changes.map((change, index): Hit => {
    const at = startOf(change, startOf(statement));
    const next = statement.changes[index + 1];
    const rule = isNew ? R.changeNewTable : classifyChange(change, notValidAfter(change, next, notValidAt));
    return { rule, at, subject: `${table}${subjectOf(change)}` };
  });
}

function classifyChange(change: TableAlteration, notValid: boolean): LintRule {
  switch (change.type) {
    case 'rename': return R.renameTable;
    case 'rename column': return R.renameColumn;
    case 'rename constraint': return R.renameIndexOrConstraint;
    case 'add column': return classifyAddColumn(change.column);
    case 'drop column': return R.dropColumn;
    case 'drop constraint': return R.dropConstraint;
    case 'owner': return R.ownerOrSequenceOptions;
    case 'add constraint': {
      const kind = change.constraint.type;
      if (kind === 'unique' || kind === 'primary key') return R.addUniqueConstraint;
      return notValid ? R.addConstraintNotValid : R.addConstraintValidated;
    }
    case 'alter column':
      switch (change.alter.type) {
        case 'set type': return R.alterColumnType;
        case 'set not null': return R.setNotNull;
        case 'drop not null': return R.dropNotNull;
        case 'set default': case 'drop default': case 'add generated': return R.columnDefault;
      }
  }
  return R.unrecognised;
}

const SERIAL_TYPES = new Set(['serial', 'bigserial', 'smallserial', 'serial2', 'serial4', 'serial8']);

function classifyAddColumn(column: CreateColumnDef): LintRule {
  const constraints = column.constraints ?? [];
  const has = (type: string) => constraints.some((c) => c.type === type);
  const typeName = 'name' in column.dataType ? column.dataType.name.toLowerCase() : '';
  if (has('add generated')) return R.addColumnRewrite;
  if (SERIAL_TYPES.has(typeName)) return R.addColumnVolatileDefault;
  if (has('unique') || has('primary key')) return R.addColumnUnique;
  if (has('reference') || has('check')) return R.addConstraintValidated;
  const defaultConstraint = constraints.find((c) => c.type === 'default');
  const defaultExpr = defaultConstraint && defaultConstraint.type === 'default' && defaultConstraint.default.type !== 'null'
    ? defaultConstraint.default : undefined;
  if (defaultExpr && !isConstant(defaultExpr)) return R.addColumnVolatileDefault;
  if (has('not null') && !defaultExpr) return R.addColumnNotNullWithoutDefault;
  return defaultExpr ? R.addColumnConstantDefault : R.addColumnNullable;
}

/** Non-volatile functions: PostgreSQL 11+ adds a column with such a default without a rewrite. */
const STABLE_FUNCTIONS = new Set(['now', 'transaction_timestamp', 'statement_timestamp', 'current_timestamp', 'current_date', 'localtimestamp']);

/** A default PostgreSQL evaluates once for the whole table (a literal, a cast, now()). */
export function isConstant(expr: Expr): boolean {
  switch (expr.type) {
    case 'integer': case 'numeric': case 'string': case 'boolean': case 'null': case 'constant': case 'keyword':
      return true;
    case 'cast': return isConstant(expr.operand);
    case 'unary': return isConstant(expr.operand);
    case 'binary': return isConstant(expr.left) && isConstant(expr.right);
    case 'array': case 'list': return expr.expressions.every(isConstant);
    case 'call': return !expr.function.schema && STABLE_FUNCTIONS.has(expr.function.name.toLowerCase()) && expr.args.every(isConstant);
    default: return false;
  }
}

// ---- forms the parser lacks ------------------------------------------------------------------

const words = (tokens: SqlToken[]) => tokens.map((t) => (t.kind === 'word' ? t.text : t.kind === 'symbol' ? t.text : '<name>'));

/** ALTER TABLE [IF EXISTS] [ONLY] name — the number of tokens it takes, or 0. */
function alterTableHead(tokens: SqlToken[]): number {
  const w = words(tokens);
  if (w[0] !== 'ALTER' || w[1] !== 'TABLE') return 0;
  let i = 2;
  if (w[i] === 'IF' && w[i + 1] === 'EXISTS') i += 2;
  if (w[i] === 'ONLY') i++;
  if (!tokens[i] || tokens[i].kind === 'symbol') return 0;
  i++;
  // schema-qualified with a quoted part: "s"."t" or s."t"
  while (w[i] === '.' && tokens[i + 1]) i += 2;
  return i;
}

function recogniseByWords(statement: SqlStatement): Hit | undefined {
  const { tokens } = statement;
  // ALTER TYPE t ADD VALUE [IF NOT EXISTS] 'v' [BEFORE | AFTER 'w']: the parser lacks IF NOT EXISTS.
  const w = words(tokens);
  const add = w.indexOf('ADD');
  if (w[0] === 'ALTER' && w[1] === 'TYPE' && add > 2 && /^ADD VALUE (IF NOT EXISTS )?<name>( (BEFORE|AFTER) <name>)?$/.test(w.slice(add).join(' '))) {
    return { rule: R.addEnumValue, at: 0, subject: statement.text.slice(tokens[2].start, tokens[add - 1].end) };
  }
  const head = alterTableHead(tokens);
  if (!head) return undefined;
  const rest = w.slice(head);
  const table = statement.text.slice(tokens[head - 1 - (w[head - 2] === '.' ? 2 : 0)].start, tokens[head - 1].end);
  // ALTER TABLE t VALIDATE CONSTRAINT c
  if (rest.length === 3 && rest[0] === 'VALIDATE' && rest[1] === 'CONSTRAINT') {
    return { rule: R.validateConstraint, at: tokens[head].start, subject: `${table} ${tokens[head + 2].text.toLowerCase()}` };
  }
  // ALTER TABLE t ADD CONSTRAINT c (UNIQUE | PRIMARY KEY) USING INDEX i
  const usingIndex = rest.join(' ').match(/^ADD CONSTRAINT \S+ (UNIQUE|PRIMARY KEY) USING INDEX \S+$/);
  if (usingIndex) return { rule: R.addConstraintUsingIndex, at: tokens[head].start, subject: table };
  return undefined;
}

/**
 * Replaces (with spaces, so offsets stay) the clauses the parser cannot read but that do not
 * change the classification: `NOT VALID` after a constraint (its position is remembered) and the
 * `USING expr` of an ALTER COLUMN … TYPE (breaking either way).
 */
function blankUnsupportedClauses(statement: SqlStatement, text: string): { text: string; notValidAt: number[] } {
  const { tokens } = statement;
  if (!alterTableHead(tokens)) return { text, notValidAt: [] };
  const chars = text.split('');
  const blank = (from: number, to: number) => { for (let i = from; i < to; i++) if (chars[i] !== '\n') chars[i] = ' '; };
  const notValidAt: number[] = [];
  let afterType = false;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (t.depth !== 0) continue;
    if (t.text === ',') afterType = false;
    if (t.kind === 'word' && t.text === 'TYPE') afterType = true;
    if (t.kind === 'word' && t.text === 'NOT' && tokens[i + 1]?.text === 'VALID' && (i + 2 === tokens.length || tokens[i + 2].text === ',')) {
      notValidAt.push(t.start);
      blank(t.start, tokens[i + 1].end);
      i++;
      continue;
    }
    if (afterType && t.kind === 'word' && t.text === 'USING') {
      let j = i;
      while (j + 1 < tokens.length && !(tokens[j + 1].depth === 0 && tokens[j + 1].text === ',')) j++;
      blank(t.start, tokens[j].end);
      i = j;
      afterType = false;
    }
  }
  return { text: chars.join(''), notValidAt };
}

function notValidAfter(change: TableAlteration, next: TableAlteration | undefined, notValidAt: number[]): boolean {
  const from = (change as PGNode)._location?.end ?? 0;
  const to = next ? ((next as PGNode)._location?.start ?? Infinity) : Infinity;
  return notValidAt.some((at) => at >= from && at < to);
}

// ---- small helpers ---------------------------------------------------------------------------

function startOf(node: PGNode, fallback = 0): number {
  return node._location?.start ?? fallback;
}

function qualified(name: QName): string {
  return name.schema ? `${name.schema}.${name.name}` : name.name;
}

function subjectOf(change: TableAlteration): string {
  switch (change.type) {
    case 'add column': return `.${change.column.name.name}`;
    case 'drop column': case 'alter column': return `.${change.column.name}`;
    case 'rename column': return `.${change.column.name} → ${change.to.name}`;
    case 'rename': return ` → ${change.to.name}`;
    case 'add constraint': return change.constraint.constraintName ? ` ${change.constraint.constraintName.name}` : '';
    case 'drop constraint': return ` ${change.constraint.name}`;
    default: return '';
  }
}

/** The parser says `Syntax error at line L col C`: point there instead of the statement start. */
function syntaxErrorOffset(text: string, message: string): number {
  const match = /line (\d+) col (\d+)/.exec(message);
  if (!match) return 0;
  const lines = text.split('\n');
  const line = Math.min(Number(match[1]), lines.length) - 1;
  const before = lines.slice(0, line).reduce((n, l) => n + l.length + 1, 0);
  return Math.min(text.length, before + Math.max(0, Number(match[2]) - 1));
}
