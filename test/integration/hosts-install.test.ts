// `hosts setup --install` on plain Debian servers (test/helpers/plainServers.ts: docs/hosts.md's
// operator steps, nothing of the product): a router without the njs module and an app host
// without Node.js for a `runtime: node` app. Without --install setup names what it would install
// and sets up as before (files mode); its dry run shows the installs as planned changes; with
// --install apt-get installs them from Debian's mirror (the images keep no package index, so the
// install's index update runs too) and the router is set up in njs mode. A second router stands
// in for a host that is not Debian-like: apt-get is moved off its PATH (setup looks for it with
// `command -v apt-get`), and setup names the package for the operator to install and goes on. A
// third app host's apt points at a mirror that does not resolve (an operator's mistake): its
// install fails, says apt's reason, and the rest of setup goes on.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { NJS_MODULE_PATH } from '../../src/core/router';
import { ADMIN_USER, PlainServers, startPlainServers } from '../helpers/plainServers';
import { CliRun, cliRunner, ensureCliBuilt } from '../helpers/cli';

const PREFIX = 'bginstall';

/** One host's part of a dry run's "Commands per host": from its name to the next host's. */
function planOf(text: string, host: string): string {
  const lines = text.split('\n');
  const start = lines.indexOf(`  ${host}`);
  assert.ok(start >= 0, `the plan has no part for ${host}:\n${text}`);
  const end = lines.findIndex((l, i) => i > start && /^ {2}\S/.test(l));
  return lines.slice(start + 1, end < 0 ? undefined : end).join('\n');
}
const ENV = 'install';

function configYaml(servers: PlainServers): string {
  const host = (name: string) => servers.servers.find((s) => s.name === name)!;
  return [
    '# Written by test/integration/hosts-install.test.ts.',
    'apps:',
    '  web:',
    '    port: 3000',
    '    health: /health',
    '    route: /',
    '    runtime: node',
    '    artifact: { build: "true", path: "dist/web-{{version}}.tar.gz" }',
    '    deploy: ["/opt/bluegreen/bin/deploy web {{version}}"]',
    'traffic:',
    '  initial: { blue: 50, green: 50 }',
    'environments:',
    `  ${ENV}:`,
    '    ssh:',
    '      user: deploy',
    '      sudo: true',
    `      identityFile: ${JSON.stringify(servers.identityFile)}`,
    `      options: { UserKnownHostsFile: ${JSON.stringify(servers.knownHosts)}, StrictHostKeyChecking: "yes", IdentitiesOnly: "yes" }`,
    '    hosts:',
    ...['lb1', 'lb2', 'web1', 'web2', 'web3'].map((n) => `      ${n}: { ssh: 127.0.0.1, port: ${host(n).sshPort}, address: ${n} }`),
    '    routers: [lb1, lb2]',
    '    colors:',
    '      blue: { web: [web1] }',
    '      green: { web: [web2, web3] }',
    '',
  ].join('\n');
}

describe('hosts setup --install: the njs module and the apps\' runtimes from Debian\'s packages', function () {
  this.timeout(20 * 60_000);
  let servers: PlainServers;
  let configFile: string;
  const { run, ok } = cliRunner(() => configFile, ENV, { BLUEGREEN_ACTOR: 'install@itest' });
  const exitOf = async (server: string, command: string) => (await servers.exec(server, command)).exitCode;

  /** What the hosts have, read right after a run: the njs module on lb1, node on web1, the tooling on web1, lb1's fallback plan. */
  const hostsNow = async () => ({
    njs: await exitOf('lb1', `test -e ${NJS_MODULE_PATH}`) === 0,
    node: await exitOf('web1', 'command -v node') === 0,
    tooling: await exitOf('web1', 'test -e /opt/bluegreen/bin/deploy') === 0,
    planLookup: await exitOf('lb1', 'test -e /etc/bluegreen/plan.conf') === 0,
  });
  let afterDryRun: Awaited<ReturnType<typeof hostsNow>>;
  let afterPlain: Awaited<ReturnType<typeof hostsNow>>;
  let dryRun: CliRun;
  let plain: CliRun;
  let installed: CliRun;
  let again: CliRun;

  before(async () => {
    ensureCliBuilt();
    servers = await startPlainServers(PREFIX, [
      { name: 'lb1', role: 'router' },
      { name: 'lb2', role: 'router' },
      // web1: docs/hosts.md's steps for every host only, so no Node.js; web2 has it (the `web` block).
      { name: 'web1', role: 'app', color: 'blue', apps: [] },
      { name: 'web2', role: 'app', color: 'green', apps: ['web'] },
      { name: 'web3', role: 'app', color: 'green', apps: [] },
    ]);
    const mirror = await servers.exec('web3', "sed -i 's#http://deb.debian.org#http://deb.debian.invalid#' /etc/apt/sources.list && grep -q invalid /etc/apt/sources.list");
    assert.equal(mirror.exitCode, 0, mirror.stderr);
    const away = await servers.exec('lb2', 'mv /usr/bin/apt-get /usr/bin/apt-get.elsewhere && ! command -v apt-get');
    assert.equal(away.exitCode, 0, away.stderr);
    configFile = path.join(mkdtempSync(path.join(tmpdir(), `${PREFIX}-config-`)), 'bluegreen.yaml');
    writeFileSync(configFile, configYaml(servers));
    dryRun = await run('hosts', 'setup', '--ssh-user', ADMIN_USER, '--install', '--dry-run');
    afterDryRun = await hostsNow();
    plain = await ok('hosts', 'setup', '--ssh-user', ADMIN_USER);
    afterPlain = await hostsNow();
    installed = await ok('hosts', 'setup', '--ssh-user', ADMIN_USER, '--install');
    again = await ok('hosts', 'setup', '--ssh-user', ADMIN_USER, '--install');
    if (process.env.BLUEGREEN_SHOW_OUTPUT) for (const r of [dryRun, plain, installed, again]) console.log(`${r.stdout}\n--- stderr\n${r.stderr}\n=====`);
  });
  after(async () => {
    if (!process.env.BLUEGREEN_KEEP_PLAIN) await servers?.remove();
  });

  it('the dry run shows each install as a planned change on its host, and installs nothing', async () => {
    assert.equal(dryRun.code, 0, `${dryRun.stderr}\n${dryRun.stdout}`);
    const text = dryRun.stdout;
    assert.match(text, /install libnginx-mod-http-js with apt-get/);
    assert.match(text, /install nodejs with apt-get/);
    assert.match(text, /apt-get install -y --no-install-recommends -o DPkg::Lock::Timeout=120 libnginx-mod-http-js/);
    assert.match(planOf(text, 'lb1'), /\[change\] install libnginx-mod-http-js with apt-get\n.*\n.*\[read\] look for the njs module\n[\s\S]*\[change\] put the routing script/,
      'lb1: the install, then the module looked for again, then the njs files');
    assert.match(planOf(text, 'web1'), /\[change\] install nodejs with apt-get/);
    assert.doesNotMatch(planOf(text, 'web2'), /apt-get/, 'web2 has Node.js');
    assert.doesNotMatch(planOf(text, 'lb2'), /install .* with apt-get/, 'lb2 has no apt-get: no install is planned there');
    assert.match(planOf(text, 'lb2'), /put the plan lookup/);
    assert.deepEqual(afterDryRun, { njs: false, node: false, tooling: false, planLookup: false }, 'the dry run installed and wrote nothing');
  });

  it('without --install: names what it would install, warns that deploys of web fail on web1, and sets up as before (files mode)', async () => {
    const text = plain.stdout;
    assert.match(text, /^would install with --install: lb1: libnginx-mod-http-js \(reads the plan per request, with no limit on segments\); web1, web3: nodejs \(web\)$/m);
    assert.match(text, /^no apt-get, the operator installs: lb2: libnginx-mod-http-js \(reads the plan per request, with no limit on segments\)$/m);
    assert.match(text, /router lb1: files mode/);
    assert.match(text, /router lb2: files mode/);
    assert.match(text, /app host web1: web/);
    assert.match(text, /note: web1: web runs on nodejs, which is not installed: deploys of web to web1 will fail until it is; install it with bluegreen hosts setup --env install --ssh-user admin --install \(or on the host: sudo apt-get install -y --no-install-recommends nodejs\)/);
    assert.doesNotMatch(text, /web2: nodejs/, 'web2 has Node.js');
    assert.match(plain.stderr, /web1: lacks nodejs \(web\): hosts setup --install installs it with apt-get/);
    assert.match(plain.stderr, /lb2: lacks libnginx-mod-http-js, and has no apt-get: install it \(or its equivalent\) with the host's package manager/);
    // Nothing installed; set up as before, lb1 in files mode (its plan lookup in place).
    assert.deepEqual(afterPlain, { njs: false, node: false, tooling: true, planLookup: true });
  });

  it('with --install: apt-get installs the njs module and Node.js; lb1 is set up in njs mode, lb2 (no apt-get) stays in files mode and is named', async () => {
    const text = installed.stdout;
    assert.match(text, /^installed: lb1: libnginx-mod-http-js \(reads the plan per request, with no limit on segments\); web1: nodejs \(web\)$/m);
    // web3's mirror does not resolve: apt's own lines say so, and setup went on (web3 set up too).
    assert.match(text, /^could not install: web3: nodejs \(web: W: Failed to fetch http:\/\/deb\.debian\.invalid\/.*Could not resolve 'deb\.debian\.invalid'.* \/ E: Unable to locate package nodejs\)$/m);
    assert.match(text, /note: web3: web runs on nodejs, which is not installed: deploys of web to web3 will fail until it is; apt-get could not install it \(W: .*\); fix that and run bluegreen hosts setup --env install --ssh-user admin --install again, or install it by hand: sudo apt-get install -y --no-install-recommends nodejs/);
    assert.match(text, /app host web3: web/);
    assert.equal(await exitOf('web3', 'test -e /opt/bluegreen/tooling.json'), 0);
    assert.match(text, /^no apt-get, the operator installs: lb2: libnginx-mod-http-js/m);
    assert.match(text, /router lb1: njs mode, kept its traffic plan/);
    assert.match(text, /router lb2: files mode/);
    assert.doesNotMatch(text, /note: web1: web runs on nodejs/);
    assert.match(installed.stderr, /web3: could not install nodejs: W: Failed to fetch/);
    assert.match(installed.stderr, /lb1: installing libnginx-mod-http-js with apt-get/);
    assert.match(installed.stderr, /lb1: njs found: routing reads the state document per request/);
    // What apt installed, for real: Debian's package states, the module where the product looks.
    assert.equal(await exitOf('lb1', "dpkg-query -W -f='${Status}' libnginx-mod-http-js | grep -q 'install ok installed'"), 0);
    assert.equal(await exitOf('lb1', `test -e ${NJS_MODULE_PATH}`), 0);
    assert.equal(await exitOf('web1', "dpkg-query -W -f='${Status}' nodejs | grep -q 'install ok installed'"), 0);
    const node = await servers.exec('web1', 'node -e "console.log(process.version)"', 'deploy');
    assert.match(node.stdout.trim(), /^v\d+\./, node.stderr);
    // njs mode on lb1: no fallback plan, nginx took the njs config and answers ("not released yet").
    assert.notEqual(await exitOf('lb1', 'test -e /etc/bluegreen/plan.conf'), 0);
    assert.equal(await exitOf('lb1', 'nginx -t'), 0);
    const status = async () => (await servers.exec('lb1', "curl -s -o /dev/null -w '%{http_code}' --max-time 10 http://127.0.0.1/")).stdout;
    assert.equal(await status(), '503', 'no users until the first release');
    // The running nginx routes with njs (the module loaded at setup's reload, not only on disk): it
    // reads the state document per request, so a plan written there is followed without a reload —
    // blue's web1, where no app listens yet (502), instead of "not released yet".
    const statePath = '/var/lib/bluegreen/state.json';
    const kept = (await servers.exec('lb1', `cat ${statePath}`)).stdout;
    const state = JSON.parse(kept) as { plan: { weights: { blue: number; green: number } } };
    state.plan.weights = { blue: 100, green: 0 };
    await servers.put('lb1', statePath, `${JSON.stringify(state, null, 2)}\n`);
    assert.equal(await status(), '502', 'the plan on disk is followed at once (njs), with no reload');
    await servers.put('lb1', statePath, kept);
    assert.equal(await status(), '503');
    assert.equal(await exitOf('lb2', `test -e ${NJS_MODULE_PATH}`), 1);
  });

  it('run again with --install: nothing left to install but web3\'s, nothing reloaded', async () => {
    assert.doesNotMatch(again.stdout, /^(would install|installed)/m);
    assert.match(again.stdout, /^could not install: web3: nodejs/m);
    assert.deepEqual(again.stderr.match(/^\S+: installing .*$/gm), ['web3: installing nodejs with apt-get']);
    assert.match(again.stdout, /router lb1: njs mode, kept its traffic plan, config unchanged/);
  });
});
