// `bluegreen db lint [files...]`, `bluegreen db connections` and the `migrate [--contract]` stage.
// `db lint` works without a config when files are given (a CI job on a migrations folder).
import { Command } from 'commander';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { InputError, PrerequisiteError, RefusedError } from '../../core/errors';
import { FileLint, lintFile } from '../../core/db/lint';
import { listMigrationFiles, migrationsFolder } from '../../core/db/migrationFiles';
import { formatFinding, migrateStage } from '../../core/stages/migrate';
import { formatConnections, readConnections } from '../../core/db/connections';
import { runStage } from '../../core/stages/runStage';
import { stageLabel } from '../../core/stages/registry';
import { CommandContext, loadConfigOrThrow } from '../context';
import { stageCommand, verboseOption } from '../stageCommand';
import { showPlan, withStageSession } from '../stageSession';

export function registerDb(program: Command, ctx: CommandContext): void {
  const db = program.command('db').description('the shared database: migration lint and the connection watch');

  db.command('lint').description('classify every migration statement as expand or breaking; exit 1 when anything is breaking')
    .argument('[files...]', 'SQL files or folders (default: the config\'s database.migrations folder)')
    .action(async (files: string[]) => {
      const out = ctx.output();
      const targets = files.length ? await expandTargets(files) : await configuredMigrations(ctx);
      const results = await Promise.all(targets.map((file) => lintFile(file)));
      const breaking = results.filter((r) => r.breaking);
      out.result({ ok: breaking.length === 0, files: results }, formatLint(results));
      if (breaking.length) {
        const count = breaking.reduce((n, r) => n + r.findings.filter((f) => f.phase === 'breaking').length, 0);
        throw new RefusedError(`${count} breaking statement(s) in ${breaking.length} file(s)`,
          'follow each hint above (expand now, contract after both colors run the new version: `bluegreen migrate --contract`)');
      }
    });

  db.command('connections').description('connections per application (app, color, version): total, active, idle, idle in transaction, zombies')
    .addOption(verboseOption())
    .action(async (options: { verbose?: boolean }) => {
      await withStageSession(ctx, { verbose: options.verbose }, async (stage, handle) => {
        const report = await readConnections(handle, stage.signal);
        ctx.output().result(report, formatConnections(report));
      });
    });

  stageCommand(program, 'migrate')
    .action(async (options: { contract?: boolean; verbose?: boolean; dryRun?: boolean; without?: string[] }) => {
      await withStageSession(ctx, { verbose: options.verbose, dryRun: options.dryRun, without: options.without }, async (stage, handle) => {
        const label = stageLabel('migrate', { contract: options.contract });
        if (handle.plan) return showPlan(ctx, stage, label, () => runStage(stage, label, () => migrateStage(stage, { contract: options.contract })));
        const result = await runStage(stage, label, () => migrateStage(stage, { contract: options.contract }));
        const out = ctx.output();
        for (const w of result.warnings) out.progress(`warning: ${w}`);
        out.result(result, `${result.summary} (${(result.durationMs / 1000).toFixed(1)} s)`);
      });
    });
}

async function expandTargets(targets: string[]): Promise<string[]> {
  const files: string[] = [];
  for (const target of targets) {
    const stat = await fs.stat(target).catch(() => undefined);
    if (!stat) throw new PrerequisiteError(`no such file or folder: ${target}`, 'give SQL files or a folder of them: bluegreen db lint db/migrations');
    // A named pipe or a device would block the read: only files and folders are linted.
    if (!stat.isDirectory() && !stat.isFile()) throw new InputError(`not a file or a folder: ${target}`, 'give SQL files or a folder of them: bluegreen db lint db/migrations');
    files.push(...(stat.isDirectory() ? await listMigrationFiles(target) : [target]));
  }
  return files;
}

async function configuredMigrations(ctx: CommandContext): Promise<string[]> {
  const config = await loadConfigOrThrow(ctx.globals().config);
  const folder = migrationsFolder(config);
  if (!folder) {
    throw new PrerequisiteError(`${path.basename(config.file)} names no migrations folder`, 'set database.migrations, or pass the SQL files: bluegreen db lint FILE…');
  }
  return listMigrationFiles(folder);
}

function formatLint(results: FileLint[]): string {
  const lines: string[] = [];
  for (const result of results) {
    const shown = path.relative(process.cwd(), result.file) || result.file;
    for (const finding of result.findings) {
      lines.push(formatFinding({ ...finding, file: shown }));
      if (finding.phase === 'breaking') lines.push(`    hint: ${finding.hint}`);
    }
  }
  const breaking = results.filter((r) => r.breaking).length;
  lines.push(`${results.length} file(s), ${results.reduce((n, r) => n + r.statements, 0)} statement(s): ${breaking ? `${breaking} file(s) with breaking changes` : 'expand only'}`);
  return lines.join('\n');
}
