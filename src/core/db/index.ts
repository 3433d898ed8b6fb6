// The database: migration lint, the `migrate` stage and the connection watch with its gate.
export { lintSql, lintFile, type LintFinding, type FileLint } from './lint';
export { LINT_RULES, allLintRules, type LintRule, type MigrationPhase } from './lintRules';
export { migrationsFolder, readMigrations, listMigrationFiles, type MigrationFile } from './migrationFiles';
export { migrateStage, releaseMigrateStep, planMigrations, colorsOnOneVersion, formatFinding, type MigrateOptions, type MigrationPlan } from './migrate';
export { MIGRATIONS_TABLE } from './migrationScript';
export { readConnections, summariseConnections, parseApplicationName, formatConnections, type ConnectionReport, type ConnectionGroup } from './connections';
export { connectionGate, judgeConnections, type GateVerdict } from './connectionGate';
export { openPsql, type Psql } from './psql';
