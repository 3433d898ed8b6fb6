// The database features against the sandbox's real PostgreSQL: `migrate` applies the pending
// files in order, once, through the db container (a failing one rolls back, a breaking one is
// refused until --contract, an edited one is caught, every applied one audited on the router);
// the connection watch groups real sessions by application_name, flags the leaky build's
// zombies and not a healthy one, and the gate refuses while they are there.
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { down, up } from '../../src/core/sandbox';
import { dbContainerName } from '../../src/core/sandbox/naming';
import { EnvironmentHandle, openEnvironment } from '../../src/core/environment/openEnvironment';
import { StageContext } from '../../src/core/stages/stageContext';
import { RefusedError, StageError } from '../../src/core/errors';
import { readAudit } from '../../src/core/fleet/audit';
import { migrateStage } from '../../src/core/stages/migrate';
import { readConnections } from '../../src/core/db/connections';
import { connectionGate } from '../../src/core/stages/connectionGate';
import { openPsql } from '../../src/core/db/psql';
import { shellQuote } from '../../src/core/transport';
import { SANDBOX_UP_TIMEOUT_MS, TestSandbox, progressPrinter, testSandbox } from '../helpers/sandbox';

const ENV = 'dbtest';
const REPO_MIGRATIONS = path.resolve(__dirname, '../../db/migrations');
const ZOMBIE_AFTER_SECONDS = 4;
const LEAKY = 'web-green-9.9.9-leaky';
const HEALTHY = 'web-blue-9.9.8';

describe('database: migrate and the connection watch (sandbox PostgreSQL)', function () {
  this.timeout(SANDBOX_UP_TIMEOUT_MS);
  let sandbox: TestSandbox;
  let handle: EnvironmentHandle;
  let folder: string;
  const progress: string[] = [];
  const stage = (): StageContext => ({ handle, actor: 'dbtest@itest', progress: (l) => progress.push(l), yes: true, force: false });
  const sql = async (query: string) => {
    const result = await openPsql(handle).run(`${query}\n`);
    assert.equal(result.code, 0, result.stderr);
    return result.stdout.trim();
  };
  const write = (name: string, text: string) => fs.writeFile(path.join(folder, name), text);

  before(async () => {
    folder = await fs.mkdtemp(path.join(os.tmpdir(), 'bluegreen-dbtest-'));
    for (const file of await fs.readdir(REPO_MIGRATIONS)) await fs.copyFile(path.join(REPO_MIGRATIONS, file), path.join(folder, file));
    const base = await testSandbox(ENV, { routers: 1, hostsPerColor: 1 });
    sandbox = {
      env: base.env,
      config: { ...base.config, database: { ...base.config.database, declared: true, migrations: folder, zombieAfterSeconds: ZOMBIE_AFTER_SECONDS, maxZombies: 2, maxConnectionShare: 0.8 } },
    };
    await up(sandbox.config, sandbox.env, { onProgress: progressPrinter(ENV) });
    handle = openEnvironment(sandbox.config, ENV);
  });

  after(async () => {
    await handle?.close();
    if (sandbox) await down(sandbox.config, sandbox.env, { volumes: true });
    if (folder) await fs.rm(folder, { recursive: true, force: true });
  });

  it('applies the pending migrations in order, each in its transaction, and audits each one', async () => {
    await write('002_shipments.sql', 'CREATE TABLE shipments (id serial PRIMARY KEY, order_id int NOT NULL);\nCREATE INDEX shipments_order ON shipments (order_id);\n');
    await write('010_orders_item_index.sql', 'CREATE INDEX CONCURRENTLY IF NOT EXISTS orders_item ON orders (item);\n');
    const result = await migrateStage(stage());
    assert.match(result.summary, /applied 3 migration\(s\) on dbtest: 001_orders_delivery_columns\.sql \(expand\), 002_shipments\.sql \(expand\), 010_orders_item_index\.sql \(expand\)/);
    assert.equal(await sql("SELECT string_agg(column_name, ',' ORDER BY column_name) FROM information_schema.columns WHERE table_name = 'orders' AND column_name LIKE 'delivery%'"),
      'delivery_address,delivery_window');
    assert.equal(await sql("SELECT indisvalid FROM pg_index WHERE indexrelid = 'orders_item'::regclass"), 't');
    assert.equal(await sql("SELECT string_agg(name || ':' || applied_by, ',' ORDER BY name) FROM bluegreen_migrations"),
      '001_orders_delivery_columns.sql:dbtest@itest,002_shipments.sql:dbtest@itest,010_orders_item_index.sql:dbtest@itest');
    const audit = await readAudit(handle.routers, 20);
    for (const name of ['001_orders_delivery_columns.sql', '002_shipments.sql', '010_orders_item_index.sql']) {
      assert.ok(audit.some((e) => e.stage === `migrate ${name}` && e.result === 'ok' && e.environment === ENV), `audit line for ${name}`);
    }
    // The apps keep working on the widened table (an expand migration).
    assert.equal(await sql("INSERT INTO orders (item) VALUES ('after-expand') RETURNING delivery_address IS NULL"), 't');
  });

  it('does nothing the second time', async () => {
    const result = await migrateStage(stage());
    assert.equal(result.summary, 'no pending migrations (3 applied)');
  });

  it('rolls a failing migration back entirely and records nothing', async () => {
    await write('020_fails.sql', 'ALTER TABLE orders ADD COLUMN half_done text;\nSELECT 1 / 0;\n');
    await assert.rejects(migrateStage(stage()), (error: Error) => {
      assert.ok(error instanceof StageError);
      assert.match(error.message, /020_fails\.sql failed on bg-dbtest-db: .*division by zero/s);
      assert.match(error.message, /rolled back/);
      return true;
    });
    assert.equal(await sql("SELECT count(*) FROM information_schema.columns WHERE table_name = 'orders' AND column_name = 'half_done'"), '0');
    assert.equal(await sql("SELECT count(*) FROM bluegreen_migrations WHERE name = '020_fails.sql'"), '0');
    assert.ok((await readAudit(handle.routers, 20)).some((e) => e.stage === 'migrate 020_fails.sql' && e.result === 'failed'));
    await fs.rm(path.join(folder, '020_fails.sql'));
  });

  it('refuses a breaking migration without --contract, naming file, rule and hint; applies it with --contract once both colors match', async () => {
    await write('030_drop_delivery_window.sql', '-- contract: nothing reads it any more\nALTER TABLE orders DROP COLUMN delivery_window;\n');
    await assert.rejects(migrateStage(stage()), (error: Error) => {
      assert.ok(error instanceof RefusedError);
      assert.match(error.message, /030_drop_delivery_window\.sql:2:20: breaking \[drop-column\] drop a column: orders\.delivery_window/);
      assert.match(error.hint ?? '', /stop reading and writing the column.*--contract/);
      return true;
    });
    assert.equal(await sql("SELECT count(*) FROM information_schema.columns WHERE table_name = 'orders' AND column_name = 'delivery_window'"), '1');
    // Both colors run the sandbox's initial version, so the contract phase may go ahead.
    const result = await migrateStage(stage(), { contract: true });
    assert.match(result.summary, /030_drop_delivery_window\.sql \(contract\)/);
    assert.equal(await sql("SELECT count(*) FROM information_schema.columns WHERE table_name = 'orders' AND column_name = 'delivery_window'"), '0');
  });

  it('refuses when an applied migration was edited', async () => {
    const file = path.join(folder, '002_shipments.sql');
    const original = await fs.readFile(file, 'utf8');
    await fs.writeFile(file, `${original}-- edited afterwards\n`);
    try {
      await assert.rejects(migrateStage(stage()), (error: Error) => error instanceof RefusedError && /002_shipments\.sql/.test(error.message) && /changed after/.test(error.message));
    } finally {
      await fs.writeFile(file, original);
    }
  });

  describe('connection watch', () => {
    const container = () => handle.host(dbContainerName(ENV));
    /** A psql session kept open in the db container: its stdin stays open while `sh` sleeps. */
    const holdSession = async (applicationName: string, feed: string) => {
      const session = `(${feed}) | PGAPPNAME=${applicationName} psql -X -q -U bluegreen -d bluegreen > /dev/null 2>&1`;
      const command = `setsid sh -c ${shellQuote(session)} > /dev/null 2>&1 < /dev/null &`;
      const result = await container().exec(command);
      assert.equal(result.code, 0, result.stderr);
    };

    before(async () => {
      // The leaky build: two idle sessions and one idle in a transaction, never given back.
      await holdSession(LEAKY, "echo 'SELECT 1;'; sleep 600");
      await holdSession(LEAKY, "echo 'SELECT 1;'; sleep 600");
      await holdSession(LEAKY, "echo 'BEGIN; SELECT 1;'; sleep 600");
      // A healthy build: its connection is busy every second, never idle for long.
      await holdSession(HEALTHY, "while true; do echo 'SELECT 1;'; sleep 1; done");
      await new Promise((resolve) => setTimeout(resolve, (ZOMBIE_AFTER_SECONDS + 3) * 1000));
    });

    after(async () => {
      await sql(`SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name IN ('${LEAKY}', '${HEALTHY}')`).catch(() => undefined);
    });

    it('groups connections by app, color and version and flags the leaky build\'s zombies', async () => {
      const report = await readConnections(handle);
      const leaky = report.groups.find((g) => g.applicationName === LEAKY);
      assert.ok(leaky, JSON.stringify(report.groups));
      assert.deepEqual(
        { app: leaky.app, color: leaky.color, version: leaky.version, total: leaky.total, idle: leaky.idle, idleInTransaction: leaky.idleInTransaction, zombies: leaky.zombies },
        { app: 'web', color: 'green', version: '9.9.9-leaky', total: 3, idle: 2, idleInTransaction: 1, zombies: 3 },
      );
      assert.ok((leaky.oldestIdleSeconds ?? 0) > ZOMBIE_AFTER_SECONDS);
      assert.ok(report.maxConnections >= 100, 'max_connections read from the server');
      assert.ok(report.total >= 4);
      assert.ok(!report.groups.some((g) => g.applicationName === 'bluegreen'), 'our own session is left out');
    });

    it('does not flag a healthy build', async () => {
      const report = await readConnections(handle);
      const healthy = report.groups.find((g) => g.applicationName === HEALTHY);
      assert.ok(healthy, JSON.stringify(report.groups));
      assert.equal(healthy.zombies, 0);
      assert.deepEqual([healthy.app, healthy.color, healthy.version, healthy.total], ['web', 'blue', '9.9.8', 1]);
    });

    it('the gate refuses, naming the app, color and version that hold the zombies', async () => {
      await assert.rejects(connectionGate(stage()), (error: Error) => {
        assert.ok(error instanceof RefusedError);
        assert.match(error.message, /database gate: \d+ zombie connection\(s\) idle longer than 4s \(at most 2 allowed\)/);
        assert.match(error.message, /web on green at 9\.9\.9-leaky: 3 zombie\(s\), 3 connection\(s\)/);
        return true;
      });
    });

    it('the gate lets the release through with the default thresholds (5 minutes, 5 zombies)', async () => {
      const relaxed: EnvironmentHandle = { ...handle, config: { ...handle.config, database: { ...handle.config.database, zombieAfterSeconds: 300, maxZombies: 5 } } };
      await connectionGate({ ...stage(), handle: relaxed });
    });
  });
});
