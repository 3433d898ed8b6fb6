// A whole release over SSH on plain servers the product did not build, under load from a client
// outside the product (test/helpers/plainRelease.ts): neither the njs router nor the one without
// njs (files mode) may lose a request — neither reloads nginx to move traffic. bench/plainRelease.ts runs the same at 300+ req/s.
import assert from 'node:assert/strict';
import { DB_PASSWORD } from '../helpers/plainServers';
import { PlainRelease, preparePlainRelease } from '../helpers/plainRelease';

/** The load's total rate across both routers. */
const RPS = Number(process.env.BLUEGREEN_PLAIN_RPS || 100);

describe('a whole release over SSH on plain servers, under load from an outside client', function () {
  this.timeout(40 * 60_000);
  let plain: PlainRelease;

  before(async () => {
    plain = await preparePlainRelease();
  });
  after(async () => {
    if (!process.env.BLUEGREEN_KEEP_PLAIN) await plain?.remove();
  });

  it(`walks the runbook (migrate … restore) while ${RPS} req/s go through both routers: nothing lost on either router, with njs or without`, async () => {
    const { release, figures } = await plain.releaseUnderLoad('1.0.1', RPS);
    process.stderr.write(`      plain release under load: ${JSON.stringify(figures)}\n`);
    assert.equal(release.code, 0, `release exited ${release.code}:\n${release.stderr}\n${release.stdout}`);
    assert.ok(figures.njs.sent > RPS * 10, `too little load: ${JSON.stringify(figures)}`);
    assert.equal(figures.njs.failedRaw, 0, `the njs router lost requests: ${JSON.stringify(figures)}`);
    assert.equal(figures.files.failedRaw, 0, `the router without njs lost requests: ${JSON.stringify(figures)}`);

    const status = JSON.parse((await plain.ok('status', '--json')).stdout);
    for (const color of status.colors) assert.deepEqual(color.versions, { api: ['1.0.1'], web: ['1.0.1'] }, color.color);
    assert.equal(status.state.plan.weights.blue, 50);
    const migrated = await plain.servers.exec('db1', `PGPASSWORD='${DB_PASSWORD}' psql -tA -h 127.0.0.1 -U app app -c "select count(*) from information_schema.columns where table_name = 'orders' and column_name like 'delivery%'"`);
    assert.equal(migrated.stdout.trim(), '2', 'the runbook\'s migrate step ran on the database host');
  });
});
