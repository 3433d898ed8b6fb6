import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { planMigrations } from '../../src/core/stages/migrate';
import { MigrationFile, checksumOf, compareMigrationNames } from '../../src/core/db/migrationFiles';
import { migrationScript } from '../../src/core/db/migrationScript';
import { psqlInvocation, sqlLiteral } from '../../src/core/db/psql';
import { lintSql } from '../../src/core/db/lint';
import { Environment, SshEnvironment, plainSite } from '../../src/core/model';

const file = (name: string, sql: string): MigrationFile => ({ name, path: `/m/${name}`, sql, checksum: checksumOf(sql), lint: lintSql(sql, name) });

describe('db migrate planning', () => {
  it('orders names with numbers compared as numbers', () => {
    assert.deepEqual(['10_c.sql', '2_b.sql', '001_a.sql'].sort(compareMigrationNames), ['001_a.sql', '2_b.sql', '10_c.sql']);
  });

  it('finds pending, changed and missing migrations', () => {
    const a = file('001_a.sql', 'ALTER TABLE t ADD COLUMN a text;');
    const b = file('002_b.sql', 'ALTER TABLE t ADD COLUMN b text;');
    const c = file('003_c.sql', 'ALTER TABLE t ADD COLUMN c text;');
    const applied = [
      { name: '001_a.sql', checksum: a.checksum, appliedAt: 't', appliedBy: 'x' },
      { name: '002_b.sql', checksum: checksumOf('something else'), appliedAt: 't', appliedBy: 'x' },
      { name: '000_gone.sql', checksum: 'sha256:0', appliedAt: 't', appliedBy: 'x' },
    ];
    const plan = planMigrations([a, b, c], applied);
    assert.deepEqual(plan.pending.map((f) => f.name), ['003_c.sql']);
    assert.deepEqual(plan.changed.map((x) => x.file.name), ['002_b.sql']);
    assert.deepEqual(plan.missing.map((m) => m.name), ['000_gone.sql']);
  });

  it('applies a migration and its bookkeeping row in one transaction, with the time limits first', () => {
    const script = migrationScript("ALTER TABLE t ADD COLUMN a text -- trailing comment", {
      name: "001_it's.sql", checksum: 'sha256:ab', actor: 'me@host', concurrently: false, lockTimeoutMs: 5000, statementTimeoutMs: 60000,
    });
    const lines = script.split('\n');
    assert.deepEqual(lines.slice(0, 3), ['SET client_min_messages = warning;', 'SET lock_timeout = 5000;', 'SET statement_timeout = 60000;']);
    const begin = lines.indexOf('BEGIN;');
    const commit = lines.indexOf('COMMIT;');
    const body = lines.indexOf('ALTER TABLE t ADD COLUMN a text -- trailing comment');
    const record = lines.findIndex((l) => l.startsWith('INSERT INTO bluegreen_migrations'));
    assert.ok(begin > 2 && begin < body && body < record && record < commit, script);
    assert.match(lines[record], /VALUES \('001_it''s\.sql', 'sha256:ab', 'me@host'\);/);
    // The trailing comment must not swallow the statement terminator.
    assert.equal(lines[body + 1], ';');
  });

  it('runs a CONCURRENTLY migration without a transaction', () => {
    const script = migrationScript('CREATE INDEX CONCURRENTLY i ON t (a);', {
      name: '002.sql', checksum: 'sha256:cd', actor: 'me', concurrently: true, lockTimeoutMs: 5000, statementTimeoutMs: 60000,
    });
    assert.ok(!/^BEGIN;$/m.test(script) && !/^COMMIT;$/m.test(script));
    assert.match(script, /INSERT INTO bluegreen_migrations/);
  });

  it('quotes SQL literals', () => {
    assert.equal(sqlLiteral("a'b"), "'a''b'");
  });
});

describe('db psql invocation', () => {
  const ssh = (database?: SshEnvironment['database']): Environment => ({
    kind: 'ssh', name: 'production', ssh: { sudo: false, options: {} }, site: plainSite(), hosts: {}, routers: ['lb1'],
    colors: { blue: {}, green: {} }, ...(database ? { database } : {}),
  });

  it('runs psql inside the sandbox db container over its local socket', () => {
    const call = psqlInvocation({ env: { kind: 'docker', name: 'dbtest', routers: 1, hostsPerColor: 1, ssh: false, basePort: 0, initialVersion: '1.0.0', dockerHost: '' } });
    assert.equal(call.host, 'bg-dbtest-db');
    assert.match(call.command, /psql .*-v ON_ERROR_STOP=1 -U bluegreen -d bluegreen$/);
    assert.equal(call.stdinPrefix, '');
    // The connection watch reads as the superuser, whose reserved slots a leak cannot take.
    const watch = psqlInvocation({ env: { kind: 'docker', name: 'dbtest', routers: 1, hostsPerColor: 1, ssh: false, basePort: 0, initialVersion: '1.0.0', dockerHost: '' } }, {}, { watch: true });
    assert.match(watch.command, /psql .* -U postgres -d bluegreen$/);
  });

  it('hands the URL over on stdin, never on the command line', () => {
    const url = 'postgres://app:s3cret@db1:5432/shop';
    const call = psqlInvocation({ env: ssh({ host: 'db1', url: 'env:SHOP_DB' }) }, { SHOP_DB: url });
    assert.equal(call.host, 'db1');
    assert.ok(!call.command.includes('s3cret'));
    assert.equal(call.stdinPrefix, `${url}\n`);
    // The shell really reads the first line as the URL and leaves the rest for psql.
    const shown = execFileSync('sh', ['-c', call.command.replace(/exec psql .*/, 'printf "%s|" "$BLUEGREEN_DATABASE_URL"; cat')], {
      input: `${call.stdinPrefix}SELECT 1;\n`, encoding: 'utf8',
    });
    assert.equal(shown, `${url}|SELECT 1;\n`);
  });

  it('says what is missing on a real environment', () => {
    assert.throws(() => psqlInvocation({ env: ssh() }), /names no database host/);
    assert.throws(() => psqlInvocation({ env: ssh({ host: 'db1', url: 'env:NOPE_NOT_SET' }) }, {}), /NOPE_NOT_SET is not set/);
    assert.throws(() => psqlInvocation({ env: ssh({ host: 'db1', url: 'postgres://x' }) }, {}), /must be env:NAME/);
    assert.equal(psqlInvocation({ env: ssh({ host: 'db1' }) }).stdinPrefix, '');
  });
});
