// Routers that already serve sites (issue "real hosts 2/2"): plain Debian routers with a site of
// their own on 80 and one on 443 (self-signed), as a person set them up. `hosts setup` refuses a
// certificate path that is not there and a server name another block claims on the same port,
// each time with the router's sites answering as before and nothing of the product left; then it
// installs beside them (both still answer) and a release goes through the product's TLS listener;
// in include mode the operator's own HTTPS site carries the routing once it includes the snippet.
// The app is the published npm server of test/helpers/yourAppProject.ts, built without Docker.
import assert from 'node:assert/strict';
import { promises as fs, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ADMIN_USER, EXISTING_SITE_ANSWERS, EXISTING_SITE_NAMES, EXISTING_TLS, PlainServers, startPlainServers } from '../helpers/plainServers';
import { CliRunner, cliRunner, ensureCliBuilt } from '../helpers/cli';
import { PACK_SH } from '../helpers/yourAppProject';

const PREFIX = 'bgsites';
const ENV = 'sites';
const SHOP = 'shop.test';
const SHOP_TLS = { certificate: '/etc/ssl/shop/cert.pem', key: '/etc/ssl/shop/key.pem' };

describe('hosts setup beside the sites a router already serves (plain servers, TLS, include mode)', function () {
  this.timeout(30 * 60_000);
  let servers: PlainServers;
  let cli: CliRunner;
  let environment: string;
  const project = mkdtempSync(path.join(os.tmpdir(), 'bg-hosts-sites-'));

  /** The config, with `site` as given (YAML flow text). */
  const writeConfig = (site: string) => fs.writeFile(path.join(project, 'bluegreen.yaml'), [
    'apps:',
    '  site:',
    '    port: 8080',
    '    health: /',
    '    route: /',
    '    runtime: node',
    '    artifact: { build: "sh pack.sh {{version}}", path: "dist/site-{{version}}.tar.gz" }',
    '    deploy: ["/opt/bluegreen/bin/deploy site {{version}}"]',
    'traffic:',
    '  initial: { blue: 100, green: 0 }',
    '  canary: { window: 3s, maxErrorRate: 5%, maxP95: 3000ms }',
    'smoke:',
    '  - { path: /package.json, expect: 200, contains: http-server }',
    'release:',
    '  - drain: green',
    '  - deploy: green',
    '  - verify: green',
    '  - switch: green',
    'environments:',
    environment.replace(/^( {2}\S+:\n)/, `$1    site: ${site}\n`),
    '',
  ].join('\n'));

  /** What a request on lb1 gets, under `name` on `port` (TLS for 443, not checked). */
  const ask = async (name: string, port: 80 | 443, urlPath = '/') => {
    const url = port === 443 ? `-k --resolve ${name}:443:127.0.0.1 https://${name}${urlPath}` : `-H 'Host: ${name}' http://127.0.0.1${urlPath}`;
    const result = await servers.exec('lb1', `curl -sS -w '\\n%{http_code}' --max-time 5 ${url}`);
    // -w puts the status on a line of its own after the body.
    const cut = result.stdout.lastIndexOf('\n');
    return { status: result.stdout.slice(cut + 1), body: result.stdout.slice(0, cut) };
  };
  const ownSitesAnswer = async () => {
    assert.deepEqual(await ask(EXISTING_SITE_NAMES.http, 80), { status: '200', body: EXISTING_SITE_ANSWERS.http }, 'the router\'s own HTTP site');
    assert.deepEqual(await ask(EXISTING_SITE_NAMES.https, 443), { status: '200', body: EXISTING_SITE_ANSWERS.https }, 'the router\'s own HTTPS site');
  };
  const productInstalled = async () => (await servers.exec('lb1', 'test -e /etc/nginx/conf.d/bluegreen.conf')).exitCode === 0;

  before(async () => {
    ensureCliBuilt();
    servers = await startPlainServers(PREFIX, [
      { name: 'lb1', role: 'router', njs: true },
      { name: 'app1', role: 'app', color: 'blue', apps: ['web'] },
      { name: 'app2', role: 'app', color: 'green', apps: ['web'] },
    ]);
    environment = servers.environmentYaml(ENV, ['web']).replace(/\{ web: \[/g, '{ site: [');
    await fs.writeFile(path.join(project, 'pack.sh'), PACK_SH);
    // The operator's certificate for the name users will reach the product by.
    const made = await servers.exec('lb1', `mkdir -p /etc/ssl/shop && openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj /CN=${SHOP} -keyout ${SHOP_TLS.key} -out ${SHOP_TLS.certificate} 2>&1`);
    assert.equal(made.exitCode, 0, made.stdout);
    cli = cliRunner(() => path.join(project, 'bluegreen.yaml'), ENV, { BLUEGREEN_ACTOR: 'sites@itest', DOCKER_HOST: 'unix:///nonexistent/docker.sock' });
  });

  after(async () => {
    if (!process.env.BLUEGREEN_KEEP_PLAIN) await servers?.remove();
    await fs.rm(project, { recursive: true, force: true });
  });

  it('bad input: a certificate that is not on the router, a name another block claims on 443 — refused, the sites as they were, nothing left', async () => {
    await ownSitesAnswer();
    await writeConfig(`{ serverName: [${SHOP}], https: { certificate: /etc/ssl/shop/missing.pem, key: ${SHOP_TLS.key} } }`);
    const missing = await cli.run('hosts', 'setup', '--ssh-user', ADMIN_USER);
    assert.equal(missing.code, 1, missing.stdout);
    assert.match(missing.stderr, /the TLS certificate \/etc\/ssl\/shop\/missing\.pem is not a readable file there; nothing was changed/);
    assert.match(missing.stderr, /put the certificate and key on every router at the paths site\.https names/);
    assert.equal(await productInstalled(), false);

    await writeConfig(`{ serverName: [${EXISTING_SITE_NAMES.https}], https: { certificate: ${EXISTING_TLS.certificate}, key: ${EXISTING_TLS.key} } }`);
    const taken = await cli.run('hosts', 'setup', '--ssh-user', ADMIN_USER);
    assert.equal(taken.code, 1, taken.stdout);
    assert.match(taken.stderr, new RegExp(`another server block already claims the name "${EXISTING_SITE_NAMES.https.replace('.', '\\.')}" on \\S+:443`));
    assert.match(taken.stderr, /give site\.serverName a name no other server block on that port has, or use site\.include/);
    assert.equal(await productInstalled(), false, 'the previous config is back');
    await ownSitesAnswer();
  });

  it(`setup beside both sites (both still answer), then a release through the TLS listener of ${SHOP}`, async () => {
    await writeConfig(`{ serverName: [${SHOP}], http: 80, https: { certificate: ${SHOP_TLS.certificate}, key: ${SHOP_TLS.key} } }`);
    const setup = await cli.ok('hosts', 'setup', '--ssh-user', ADMIN_USER);
    assert.match(setup.stdout + setup.stderr, /lb1: 2 listener\(s\) of its own sites answer now/);
    await ownSitesAnswer();
    await cli.ok('bootstrap', '14.1.0');
    const release = await cli.ok('release', '14.1.1');
    // verify asked through the site's HTTPS listener, under its name.
    assert.match(release.stdout + release.stderr, /verify green/);
    const answer = await ask(SHOP, 443, '/package.json');
    assert.equal(answer.status, '200', answer.body);
    assert.equal((JSON.parse(answer.body) as { version: string }).version, '14.1.1');
    assert.equal((await ask(SHOP, 80, '/package.json')).status, '200', 'plain HTTP too, as the site says');
    await ownSitesAnswer();
  });

  it('include mode: refused until the operator\'s HTTPS site includes the routing, then that site carries it', async () => {
    await writeConfig(`{ serverName: [${EXISTING_SITE_NAMES.https}], https: { certificate: ${EXISTING_TLS.certificate}, key: ${EXISTING_TLS.key} }, include: true }`);
    const first = await cli.run('hosts', 'setup', '--ssh-user', ADMIN_USER);
    assert.equal(first.code, 1, first.stdout);
    assert.match(first.stderr, /the routing is in \/etc\/bluegreen\/site\.conf, but the server block users reach \(https on 443 for secure\.test\) does not include it yet/);
    assert.match(first.stderr, /add `include \/etc\/bluegreen\/site\.conf;` inside that server block on lb1/);
    await ownSitesAnswer();

    // The operator follows the hint: the site's own answer gives way to the product's routing.
    const edited = await servers.exec('lb1', "sed -i 's|location / { default_type text/plain; return 200 \"secure site\\\\n\"; }|include /etc/bluegreen/site.conf;|' /etc/nginx/sites-enabled/secure && grep -q 'include /etc/bluegreen/site.conf' /etc/nginx/sites-enabled/secure && nginx -t 2>&1 && nginx -s reload");
    assert.equal(edited.exitCode, 0, edited.stdout + edited.stderr);
    await cli.ok('hosts', 'setup', '--ssh-user', ADMIN_USER);
    const answer = await ask(EXISTING_SITE_NAMES.https, 443, '/package.json');
    assert.equal(answer.status, '200', answer.body);
    assert.equal((JSON.parse(answer.body) as { version: string }).version, '14.1.1');
    assert.deepEqual(await ask(EXISTING_SITE_NAMES.http, 80), { status: '200', body: EXISTING_SITE_ANSWERS.http });
    await cli.ok('verify', 'green');
  });
});
