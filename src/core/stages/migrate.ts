// The `migrate` stage: applies the pending migrations of the config's folder, in order, each
// once, through the environment's own transport (psql.ts). Expand migrations may run while both
// colors serve users; a breaking one is refused until both colors run the same version and the
// operator says `--contract` (one database is shared by both colors: docs/architecture.md). Each applied
// migration leaves its own audit line.
import { COLORS } from '../model';
import { RefusedError, StageError } from '../errors';
import { appendAudit } from '../fleet/audit';
import { EnvironmentHandle } from '../environment/openEnvironment';
import { checkColorHealth } from './health';
import { confirmOrStop } from './confirm';
import { StageContext, StageResult } from './stageContext';
import { LintFinding } from '../db/lint';
import { MigrationFile, migrationsFolder, readMigrations } from '../db/migrationFiles';
import { APPLIED_QUERY, AppliedMigration, migrationScript } from '../db/migrationScript';
import { firstLines, openPsql } from '../db/psql';

export interface MigrateOptions {
  /** Allow breaking migrations (the contract phase); still needs both colors on one version. */
  contract?: boolean;
  /** How long a statement may wait for a lock before the migration gives up (default 5 s). */
  lockTimeoutMs?: number;
  /** How long one statement may run (default 15 min: concurrent index builds are slow). */
  statementTimeoutMs?: number;
}

export const DEFAULT_LOCK_TIMEOUT_MS = 5_000;
export const DEFAULT_STATEMENT_TIMEOUT_MS = 15 * 60_000;

export interface MigrationPlan {
  pending: MigrationFile[];
  /** Applied, and the file's checksum no longer matches: migrations are append-only. */
  changed: { file: MigrationFile; applied: AppliedMigration }[];
  /** Applied, but the file is gone from the folder. */
  missing: AppliedMigration[];
}

export function planMigrations(files: MigrationFile[], applied: AppliedMigration[]): MigrationPlan {
  const byName = new Map(applied.map((a) => [a.name, a]));
  const names = new Set(files.map((f) => f.name));
  return {
    pending: files.filter((f) => !byName.has(f.name)),
    changed: files.flatMap((file) => {
      const record = byName.get(file.name);
      return record && record.checksum !== file.checksum ? [{ file, applied: record }] : [];
    }),
    missing: applied.filter((a) => !names.has(a.name)),
  };
}

export function formatFinding(f: LintFinding, base = ''): string {
  const shown = base && f.file.startsWith(base) ? f.file.slice(base.length).replace(/^\//, '') : f.file;
  return `${shown}:${f.line}:${f.column}: ${f.phase} [${f.rule}] ${f.message}`;
}

/** Whether every app runs one and the same version on both colors, read from the hosts. */
export async function colorsOnOneVersion(handle: EnvironmentHandle): Promise<{ aligned: boolean; detail: string }> {
  const [blue, green] = await Promise.all(COLORS.map((color) => checkColorHealth(handle, color)));
  const differences: string[] = [];
  for (const app of handle.config.apps) {
    const b = blue.versions[app.name] ?? [];
    const g = green.versions[app.name] ?? [];
    if (b.length !== 1 || g.length !== 1 || b[0] !== g[0]) {
      differences.push(`${app.name}: blue ${b.join(',') || 'none'}, green ${g.join(',') || 'none'}`);
    }
  }
  return { aligned: differences.length === 0, detail: differences.join('; ') || 'both colors run the same versions' };
}

export async function migrateStage(ctx: StageContext, options: MigrateOptions = {}): Promise<StageResult> {
  const started = Date.now();
  const { handle } = ctx;
  const stage = options.contract ? 'migrate --contract' : 'migrate';
  const folder = migrationsFolder(handle.config);
  if (!folder) return { stage, summary: 'no migrations configured (database.migrations)', warnings: [], durationMs: Date.now() - started };

  const files = await readMigrations(folder);
  const psql = openPsql(handle);
  ctx.progress(`reading applied migrations on ${psql.where}`);
  const applied = await psql.queryJson<AppliedMigration[]>(APPLIED_QUERY, { signal: ctx.signal });
  const plan = planMigrations(files, applied);
  const warnings = plan.missing.map((m) => `migration ${m.name} was applied (${m.appliedAt} by ${m.appliedBy}) but its file is not in ${folder}`);

  if (plan.changed.length) {
    throw new RefusedError(
      `migration(s) changed after they were applied: ${plan.changed.map((c) => `${c.file.name} (applied ${c.applied.checksum.slice(0, 19)}…, file ${c.file.checksum.slice(0, 19)}…)`).join(', ')}`,
      'applied migrations are history: put the change in a new migration file and restore the old file',
    );
  }
  if (!plan.pending.length) {
    return { stage, summary: `no pending migrations (${applied.length} applied)`, warnings, durationMs: Date.now() - started, details: { applied: [], pending: [] } };
  }

  // Refuse before changing anything: a breaking file anywhere in the pending list stops the run.
  const breaking = plan.pending.filter((f) => f.lint.breaking);
  if (breaking.length) {
    const findings = breaking.flatMap((f) => f.lint.findings.filter((x) => x.phase === 'breaking'));
    const listing = findings.map((f) => `  ${formatFinding(f, folder)}`).join('\n');
    if (!options.contract) {
      throw new RefusedError(
        `breaking migration(s) pending, refused while both colors share the database:\n${listing}`,
        `${findings[0].hint}. A breaking change runs only in the contract phase: once both colors run the new version, \`bluegreen migrate --contract\``,
      );
    }
    ctx.progress('checking that both colors run the same version (contract phase)');
    const versions = await colorsOnOneVersion(handle);
    if (!versions.aligned) {
      throw new RefusedError(
        `breaking migration(s) refused: the colors run different versions (${versions.detail}):\n${listing}`,
        'release the new version to both colors first, then run `bluegreen migrate --contract`',
      );
    }
    await confirmOrStop(ctx, `Apply ${breaking.length} breaking migration(s) to ${handle.env.name} (${breaking.map((f) => f.name).join(', ')})?`);
  }

  const done: { name: string; checksum: string; phase: string; durationMs: number }[] = [];
  for (const file of plan.pending) {
    ctx.signal?.throwIfAborted();
    const phase = file.lint.breaking ? 'contract' : 'expand';
    ctx.progress(`applying ${file.name} (${phase}${file.lint.concurrently ? ', no transaction: CONCURRENTLY' : ''})`);
    const statementTimeoutMs = options.statementTimeoutMs ?? DEFAULT_STATEMENT_TIMEOUT_MS;
    const script = migrationScript(file.sql, {
      name: file.name,
      checksum: file.checksum,
      actor: ctx.actor,
      concurrently: file.lint.concurrently,
      lockTimeoutMs: options.lockTimeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS,
      statementTimeoutMs,
    });
    const result = await psql.run(script, { timeoutMs: statementTimeoutMs * 2 + 60_000, signal: ctx.signal });
    const audit = (outcome: 'ok' | 'failed', detail: string) => appendAudit(handle.routers, {
      time: new Date().toISOString(), who: ctx.actor, environment: handle.env.name, stage: `migrate ${file.name}`, result: outcome, detail,
    }).catch((error: Error) => ctx.progress(`warning: could not write the audit line: ${error.message}`));
    if (result.code !== 0) {
      const why = firstLines(result.stderr || result.stdout) || `psql exited ${result.code}`;
      await audit('failed', `${phase}: ${why.split('\n')[0]}`);
      const left = file.lint.concurrently
        ? 'it ran without a transaction: statements before the failure stay applied (an interrupted CREATE INDEX CONCURRENTLY leaves an INVALID index to drop)'
        : 'its transaction was rolled back: nothing of it is applied';
      throw new StageError(
        `migration ${file.name} failed on ${psql.where}${result.timedOut ? ' (timed out)' : ''}: ${why}\n  ${left}${done.length ? `; applied before it: ${done.map((d) => d.name).join(', ')}` : ''}`,
        /lock timeout/i.test(why) ? 'a lock was held too long (the other color\'s transactions?): try again when the database is quieter' : 'fix the migration (in a new file if it partly applied) and run migrate again',
      );
    }
    await audit('ok', `${phase}, ${file.checksum.slice(0, 19)}…, ${Math.round(result.durationMs)} ms`);
    done.push({ name: file.name, checksum: file.checksum, phase, durationMs: Math.round(result.durationMs) });
  }
  return {
    stage,
    summary: `applied ${done.length} migration(s) on ${handle.env.name}: ${done.map((d) => `${d.name} (${d.phase})`).join(', ')}`,
    warnings,
    durationMs: Date.now() - started,
    details: { applied: done, pending: [] },
  };
}

/** The runbook's `migrate` step (ReleaseOptions.migrate): the expand phase only. */
export function releaseMigrateStep(options: Omit<MigrateOptions, 'contract'> = {}): (ctx: StageContext) => Promise<StageResult> {
  return (ctx) => migrateStage(ctx, { ...options, contract: false });
}
