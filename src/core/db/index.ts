// The database: migration lint, the `migrate` stage and the connection watch with its gate.
export { lintSql, lintFile, type LintFinding, type FileLint } from './lint';
export { LINT_RULES, allLintRules, type LintRule, type MigrationPhase } from './lintRules';
export { migrationsFolder, readMigrations, listMigrationFiles, type MigrationFile } from './migrationFiles';
export { MIGRATIONS_TABLE } from './migrationScript';
export { readConnections, summariseConnections, parseApplicationName, formatConnections, type ConnectionReport, type ConnectionGroup } from './connections';
export { openPsql, type Psql } from './psql';
