// A whole release over SSH on plain servers the product did not build, under load from a client
// that knows nothing of the product (test/fixtures/load/load-client.js, in a container on the
// servers' network): two routers — one without njs (files mode), one with — the sample Java and
// Node.js apps on one host per color, and PostgreSQL on its own host, every one prepared only by
// docs/hosts.md's operator steps, then `hosts setup` and `bootstrap` through the built CLI. Used
// by test/integration/release-plain.test.ts (about 100 req/s) and bench/plainRelease.ts (300+).
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ADMIN_USER, DB_PASSWORD, LoadReport, PlainServers, startPlainServers } from './plainServers';
import { CliRun, ROOT, cliRunner, ensureCliBuilt } from './cli';

export const PLAIN_RELEASE_ENV = 'plainrel';
const APP_DATABASE_URL = `postgres://app:${DB_PASSWORD}@db1:5432/app`;

export type Run = CliRun;

export interface RouterFigures { sent: number; failedRaw: number; failedAsBrowser: number }
export interface PlainReleaseFigures {
  rps: number;
  seconds: number;
  releaseSeconds: number;
  njs: RouterFigures;
  /** The router without njs (files mode). */
  files: RouterFigures;
  errors: Record<string, Record<string, number>>;
}

export interface PlainRelease {
  servers: PlainServers;
  cli(...args: string[]): Promise<Run>;
  ok(...args: string[]): Promise<Run>;
  /** `release VERSION --yes` while the outside client sends `rps` through both routers. */
  releaseUnderLoad(version: string, rps: number): Promise<{ release: Run; figures: PlainReleaseFigures }>;
  remove(): Promise<void>;
}

function configYaml(servers: PlainServers): string {
  const app = (name: string, port: number, route: string, context: string) => [
    `  ${name}:`,
    `    port: ${port}`,
    '    health: /health',
    `    route: ${route}`,
    `    build: { context: ${JSON.stringify(path.join(ROOT, context))} }`,
    `    deploy: ["/opt/bluegreen/bin/deploy ${name} {{version}}"]`,
  ];
  return [
    '# Written by test/integration/release-plain.test.ts: the sample apps on plain servers.',
    'apps:',
    ...app('api', 8080, '/api/', 'sandbox/java-app'),
    ...app('web', 3000, '/', 'sandbox/node-app'),
    'traffic:',
    '  initial: { blue: 50, green: 50 }',
    '  canary: { window: 6s, maxErrorRate: 5%, maxP95: 3000ms }',
    'smoke:',
    '  - { path: /api/version, expect: 200, contains: version }',
    '  - { path: /, expect: 200 }',
    'release:',
    '  - migrate',
    '  - drain: green',
    '  - deploy: green',
    '  - verify: green',
    '  - canary: { color: green, percent: 20 }',
    '  - pause: "A fifth of the users are on green."',
    '  - switch: green',
    '  - deploy: blue',
    '  - verify: blue',
    '  - restore',
    'database:',
    `  migrations: ${JSON.stringify(path.join(ROOT, 'db/migrations'))}`,
    'environments:',
    servers.environmentYaml(PLAIN_RELEASE_ENV, ['api', 'web']),
    '    database: { host: db1, url: env:PLAIN_DATABASE_URL }',
    '',
  ].join('\n');
}

/** Plain servers up, hosts set up, the apps' database and app.env as an operator makes them, 1.0.0 bootstrapped. */
export async function preparePlainRelease(prefix = 'bgrel', firstVersion = '1.0.0'): Promise<PlainRelease> {
  ensureCliBuilt();
  const servers = await startPlainServers(prefix, [
    { name: 'lb1', role: 'router' },
    { name: 'lb2', role: 'router', njs: true },
    { name: 'app1', role: 'app', color: 'blue', apps: ['api', 'web'] },
    { name: 'app2', role: 'app', color: 'green', apps: ['api', 'web'] },
    { name: 'db1', role: 'database' },
  ]);
  const dir = mkdtempSync(path.join(tmpdir(), `${prefix}-config-`));
  const configFile = path.join(dir, 'bluegreen.yaml');
  writeFileSync(configFile, configYaml(servers));
  const { run: cli, ok } = cliRunner(() => configFile, PLAIN_RELEASE_ENV, {
    BLUEGREEN_ACTOR: 'plainrel@itest', PLAIN_DATABASE_URL: `postgres://app:${DB_PASSWORD}@127.0.0.1:5432/app`,
  });

  // The operator loads the apps' schema (the samples' is sandbox/db/init.sql).
  await servers.put('db1', '/tmp/schema.sql', readFileSync(path.join(ROOT, 'sandbox/db/init.sql')));
  const schema = await servers.exec('db1', `PGPASSWORD='${DB_PASSWORD}' psql -v ON_ERROR_STOP=1 -h 127.0.0.1 -U app app -f /tmp/schema.sql`);
  assert.equal(schema.exitCode, 0, schema.stderr);
  // Setup needs an administrator once; every stage after it runs as `deploy`, with the narrow sudo rule.
  const setup = await ok('hosts', 'setup', '--ssh-user', ADMIN_USER);
  assert.match(setup.stdout, /router lb1: files mode/);
  assert.match(setup.stdout, /router lb2: njs mode/);
  // The operator's part of app.env (docs/hosts.md): where the database and the api are.
  for (const host of ['app1', 'app2']) {
    const added = await servers.exec(host, `printf '%s\\n' 'DATABASE_URL=${APP_DATABASE_URL}' >> /opt/api/app.env && `
      + `printf '%s\\n' 'DATABASE_URL=${APP_DATABASE_URL}' 'ROUTER_URL=http://lb2' >> /opt/web/app.env`);
    assert.equal(added.exitCode, 0, added.stderr);
  }
  await ok('bootstrap', firstVersion);

  return {
    servers,
    cli,
    ok,
    async releaseUnderLoad(version, rps) {
      const targets = ['http://lb1/', 'http://lb1/api/version', 'http://lb2/', 'http://lb2/api/version'];
      const load = await servers.startLoad({ targets, rps, maxSeconds: 1500 });
      let report: LoadReport;
      let release: Run;
      const started = Date.now();
      try {
        await new Promise((resolve) => setTimeout(resolve, 3000));
        release = await cli('release', version);
        await new Promise((resolve) => setTimeout(resolve, 2000));
      } finally {
        report = await load.stop();
      }
      const releaseSeconds = (Date.now() - started) / 1000 - 5;
      const byRouter = (router: string) => Object.entries(report.targets).filter(([url]) => url.includes(`//${router}/`)).map(([, c]) => c);
      const figuresOf = (router: string): RouterFigures => byRouter(router).reduce(
        (n, c) => ({ sent: n.sent + c.sent, failedRaw: n.failedRaw + c.failedRaw, failedAsBrowser: n.failedAsBrowser + c.failedAsBrowser }),
        { sent: 0, failedRaw: 0, failedAsBrowser: 0 },
      );
      const figures: PlainReleaseFigures = {
        rps,
        seconds: report.seconds,
        releaseSeconds,
        njs: figuresOf('lb2'),
        files: figuresOf('lb1'),
        errors: Object.fromEntries(Object.entries(report.targets).map(([url, c]) => [url, c.errors])),
      };
      return { release, figures };
    },
    remove: () => servers.remove(),
  };
}
