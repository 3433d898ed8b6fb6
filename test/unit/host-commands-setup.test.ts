// Every command `bluegreen hosts setup` runs on app hosts and routers, psql's on the database
// host, and the sandbox's release read — pinned as exact strings: script, sudo, effect, stdin.
// The router install (back up, put, nginx -t and reload, restore on failure) in both routing modes.
// The only reload is setup's own: the stages never reload nginx.
import * as assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { plainSite, type AppSpec } from '../../src/core/model';
import { HostStep, stepText } from '../../src/core/hostCommands/hostCommand';
import { DEFAULT_ROUTER_PATHS } from '../../src/core/hostCommands/layout';
import * as app from '../../src/core/hostCommands/appHostSetupCommands';
import * as router from '../../src/core/hostCommands/routerSetupCommands';
import * as db from '../../src/core/hostCommands/databaseCommands';
import { currentReleaseCommand } from '../../src/core/hostCommands/appHostCommands';
import { psqlInvocation } from '../../src/core/db/psql';

const lb = { paths: DEFAULT_ROUTER_PATHS, sudo: true };
const web: AppSpec = { name: 'web', port: 3000, health: '/health', route: '/', deploy: [] };

/** A step as the transport's log shows it, with its effect in front. */
const line = (step: HostStep) => `${step.effect}: ${stepText(step)}`;

describe('host commands: hosts setup on an app host', () => {
  it('creates the app user, the product\'s group and the tooling folders, and says whether systemd runs', () => {
    const prepare = app.prepareAppHostCommand(true);
    assert.equal(prepare.script,
      '{ id -u bluegreen-app >/dev/null 2>&1 || useradd --system --user-group --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin bluegreen-app; }'
      + ' && { getent group bluegreen >/dev/null || groupadd --system bluegreen; }'
      + ' && mkdir -p /opt/bluegreen/bin /opt/bluegreen/systemd && if [ -d /run/systemd/system ]; then echo systemd; fi');
    assert.deepEqual([prepare.sudo, prepare.effect, prepare.input, prepare.timeoutMs], [true, 'change', undefined, undefined]);
    assert.equal(app.prepareAppHostCommand(false).sudo, false);
  });

  it('puts the tooling and the supervisor unit, and reloads systemd', () => {
    assert.deepEqual(app.HOST_TOOLS, ['deploy', 'bluegreen-supervise', 'bluegreen-host-init', 'bluegreen-probe']);
    const bytes = Buffer.from('#!/bin/sh\n');
    assert.deepEqual(app.HOST_TOOLS.map((name) => line(app.hostToolFile(name, bytes, true))), [
      'change: put /opt/bluegreen/bin/deploy (10 bytes, mode 755, sudo)',
      'change: put /opt/bluegreen/bin/bluegreen-supervise (10 bytes, mode 755, sudo)',
      'change: put /opt/bluegreen/bin/bluegreen-host-init (10 bytes, mode 755, sudo)',
      'change: put /opt/bluegreen/bin/bluegreen-probe (10 bytes, mode 755, sudo)',
    ]);
    const unit = Buffer.from('[Unit]\n');
    assert.equal(line(app.supervisorUnitCopyFile(unit, true)), 'change: put /opt/bluegreen/systemd/bluegreen-supervise@.service (7 bytes, mode 644, sudo)');
    assert.equal(line(app.supervisorUnitFile(unit, false)), 'change: put /etc/systemd/system/bluegreen-supervise@.service (7 bytes, mode 644)');
    assert.equal(app.supervisorUnitFile(unit, true).data, unit);
    assert.equal(line(app.systemdReloadCommand(true)), 'change: systemctl daemon-reload  (sudo)');
  });

  it('makes the release layout (the artifact folder the group\'s) and writes app.env only when absent', () => {
    const layout = app.appLayoutCommand(web, 'green', true);
    assert.equal(layout.script,
      'mkdir -p /opt/web/releases /opt/web/artifacts /opt/web/log && chgrp bluegreen /opt/web/artifacts && chmod 2775 /opt/web/artifacts && '
      + "{ [ -e /opt/web/app.env ] || printf '%s\\n' "
      + "'PORT=3000\nHEALTH=/health\nBLUEGREEN_APP=web\nBLUEGREEN_COLOR=green' > /opt/web/app.env; }");
    assert.deepEqual([layout.sudo, layout.effect, layout.input], [true, 'change', undefined]);
    // The shell writes exactly the four lines.
    const written = execFileSync('sh', ['-c', layout.script.replace(/^.*\|\| /, '').replace(/ > \/opt\/web\/app\.env; }$/, '')], { encoding: 'utf8' });
    assert.equal(written, 'PORT=3000\nHEALTH=/health\nBLUEGREEN_APP=web\nBLUEGREEN_COLOR=green\n');
  });

  it('starts the supervisor with setsid, or enables and starts its unit, leaving a running one alone', () => {
    assert.equal(app.supervisorUnitName('web'), 'bluegreen-supervise@web');
    const setsid = app.startSupervisorCommand('web', true);
    assert.equal(setsid.script, "pgrep -f 'bluegreen-supervise web$' >/dev/null || setsid /opt/bluegreen/bin/bluegreen-supervise web >/dev/null 2>&1 < /dev/null &");
    assert.deepEqual([setsid.sudo, setsid.effect], [true, 'change']);
    const systemd = app.enableSupervisorCommand('web', false);
    assert.equal(systemd.script,
      'systemctl enable bluegreen-supervise@web >/dev/null 2>&1 || exit 3; '
      + "if systemctl is-active --quiet bluegreen-supervise@web; then echo unit; elif pgrep -f 'bluegreen-supervise web$' >/dev/null; then echo outside; "
      + 'else systemctl start bluegreen-supervise@web && echo started; fi');
    assert.deepEqual([systemd.sudo, systemd.effect], [false, 'change']);
  });

  it('writes the tooling record last (routers too, after making its folder)', () => {
    const record = app.toolingRecordFile('{"tooling":"abc"}\n', true);
    assert.deepEqual(record, { kind: 'put', purpose: 'record what set the host up', path: '/opt/bluegreen/tooling.json', data: '{"tooling":"abc"}\n', sudo: true, mode: undefined, effect: 'record' });
    const mkdir = router.makeToolingDirCommand(true);
    assert.deepEqual([mkdir.script, mkdir.sudo, mkdir.effect], ['mkdir -p /opt/bluegreen', true, 'record']);
  });

  it('reads the groups of the stages\' ssh user (bluegreen, and adm on routers)', () => {
    assert.equal(line(app.userGroupsCommand("o'neil")), "read: id -nG 'o'\\''neil' 2>/dev/null || true");
  });

  it('reads the release the sandbox app host runs', () => {
    const current = currentReleaseCommand('web');
    assert.deepEqual([current.script, current.sudo, current.effect, current.timeoutMs], ['basename "$(readlink /opt/web/current)"', false, 'read', 10_000]);
  });
});

describe('host commands: hosts setup on a router', () => {
  it('reads what the router has: njs, its state, the managed files, a listener', () => {
    assert.equal(line(router.detectNjsCommand()), 'read: test -e /usr/lib/nginx/modules/ngx_http_js_module.so');
    assert.equal(line(router.readExistingStateCommand(lb)), 'read: cat /var/lib/bluegreen/state.json 2>/dev/null  (sudo)');
    assert.deepEqual(router.managedRouterFiles(lb), ['/etc/nginx/conf.d/bluegreen.conf', '/etc/bluegreen/routing.js', '/etc/bluegreen/plan.conf', '/etc/bluegreen/site.conf']);
    assert.equal(line(router.managedFilesChecksumCommand(lb)),
      "read: if [ -e /etc/nginx/conf.d/bluegreen.conf ]; then sha256sum < /etc/nginx/conf.d/bluegreen.conf | cut -d' ' -f1; else echo absent; fi; "
      + "if [ -e /etc/bluegreen/routing.js ]; then sha256sum < /etc/bluegreen/routing.js | cut -d' ' -f1; else echo absent; fi; "
      + "if [ -e /etc/bluegreen/plan.conf ]; then sha256sum < /etc/bluegreen/plan.conf | cut -d' ' -f1; else echo absent; fi; "
      + "if [ -e /etc/bluegreen/site.conf ]; then sha256sum < /etc/bluegreen/site.conf | cut -d' ' -f1; else echo absent; fi  (sudo)");
    assert.equal(line(router.listenerCheckCommand(undefined)), 'read: curl -s -o /dev/null --max-time 3 http://127.0.0.1:80/ 2>/dev/null');
    assert.equal(line(router.listenerCheckCommand(8080)), 'read: curl -s -o /dev/null --max-time 3 http://127.0.0.1:8080/ 2>/dev/null');
  });

  const backup = 'record: mkdir -p /etc/nginx/conf.d && mkdir -p /etc/bluegreen && mkdir -p /var/lib/bluegreen && mkdir -p /var/lib/bluegreen'
    + ' && { if [ -e /etc/nginx/conf.d/bluegreen.conf ]; then cp -p /etc/nginx/conf.d/bluegreen.conf /etc/nginx/conf.d/bluegreen.conf.before-setup;'
    + ' else touch /etc/nginx/conf.d/bluegreen.conf.absent-before-setup; fi; }'
    + ' && { if [ -e /etc/bluegreen/routing.js ]; then cp -p /etc/bluegreen/routing.js /etc/bluegreen/routing.js.before-setup;'
    + ' else touch /etc/bluegreen/routing.js.absent-before-setup; fi; }'
    + ' && { if [ -e /etc/bluegreen/plan.conf ]; then cp -p /etc/bluegreen/plan.conf /etc/bluegreen/plan.conf.before-setup;'
    + ' else touch /etc/bluegreen/plan.conf.absent-before-setup; fi; }'
    + ' && { if [ -e /etc/bluegreen/site.conf ]; then cp -p /etc/bluegreen/site.conf /etc/bluegreen/site.conf.before-setup;'
    + ' else touch /etc/bluegreen/site.conf.absent-before-setup; fi; }  (sudo)';
  const removeBackups = 'rm -f /etc/nginx/conf.d/bluegreen.conf.before-setup /etc/nginx/conf.d/bluegreen.conf.absent-before-setup; '
    + 'rm -f /etc/bluegreen/routing.js.before-setup /etc/bluegreen/routing.js.absent-before-setup; '
    + 'rm -f /etc/bluegreen/plan.conf.before-setup /etc/bluegreen/plan.conf.absent-before-setup; '
    + 'rm -f /etc/bluegreen/site.conf.before-setup /etc/bluegreen/site.conf.absent-before-setup';
  const restore = 'change: if [ -e /etc/nginx/conf.d/bluegreen.conf.absent-before-setup ]; then rm -f /etc/nginx/conf.d/bluegreen.conf;'
    + ' elif [ -e /etc/nginx/conf.d/bluegreen.conf.before-setup ]; then mv -f /etc/nginx/conf.d/bluegreen.conf.before-setup /etc/nginx/conf.d/bluegreen.conf; fi; '
    + 'if [ -e /etc/bluegreen/routing.js.absent-before-setup ]; then rm -f /etc/bluegreen/routing.js;'
    + ' elif [ -e /etc/bluegreen/routing.js.before-setup ]; then mv -f /etc/bluegreen/routing.js.before-setup /etc/bluegreen/routing.js; fi; '
    + 'if [ -e /etc/bluegreen/plan.conf.absent-before-setup ]; then rm -f /etc/bluegreen/plan.conf;'
    + ' elif [ -e /etc/bluegreen/plan.conf.before-setup ]; then mv -f /etc/bluegreen/plan.conf.before-setup /etc/bluegreen/plan.conf; fi; '
    + 'if [ -e /etc/bluegreen/site.conf.absent-before-setup ]; then rm -f /etc/bluegreen/site.conf;'
    + ' elif [ -e /etc/bluegreen/site.conf.before-setup ]; then mv -f /etc/bluegreen/site.conf.before-setup /etc/bluegreen/site.conf; fi; '
    + `${removeBackups}  (sudo)`;
  const apply = 'change: nginx -t 2>&1 && (nginx -s reload 2>&1 || nginx 2>&1)  (sudo)';

  it('installs in njs mode: backup, base config, routing script, state, stale plan lookup and files removed, nginx -t and reload; restore on failure', () => {
    const sequence = router.routerSetupSequence(lb, { baseConfig: 'base\n', routingScript: 'js\n', state: '{}\n' }, 'njs');
    assert.deepEqual([sequence.backup, ...sequence.install, sequence.apply].map(line), [
      backup,
      'change: put /etc/nginx/conf.d/bluegreen.conf (5 bytes, mode 644, sudo)',
      'change: put /etc/bluegreen/routing.js (3 bytes, mode 644, sudo)',
      'change: put /var/lib/bluegreen/state.json (3 bytes, mode 644, sudo)',
      'change: rm -rf /etc/bluegreen/plan.conf /var/lib/bluegreen/plan  (sudo)',
      apply,
    ]);
    assert.equal(line(sequence.restore), restore);
    assert.equal(line(sequence.cleanup), `record: ${removeBackups}  (sudo)`);
    assert.deepEqual(sequence.install.map((s) => (s.kind === 'put' ? s.data : s.script)), ['base\n', 'js\n', '{}\n', 'rm -rf /etc/bluegreen/plan.conf /var/lib/bluegreen/plan']);
  });

  it('installs in files mode: backup, base config, state, plan lookup, nginx -t and reload; restore on failure', () => {
    const planFiles = { serial: 4, names: ['green-99'] };
    const sequence = router.routerSetupSequence(lb, { baseConfig: 'base\n', planLookup: 'lookup\n', planFiles, state: '{}\n' }, 'files');
    assert.deepEqual([sequence.backup, ...sequence.install, sequence.apply].map(line), [
      backup,
      'change: put /etc/nginx/conf.d/bluegreen.conf (5 bytes, mode 644, sudo)',
      'change: put /var/lib/bluegreen/state.json (3 bytes, mode 644, sudo)',
      'change: put /etc/bluegreen/plan.conf (7 bytes, mode 644, sudo)',
      apply,
    ]);
    assert.equal(line(sequence.restore), restore);
    assert.equal(line(sequence.cleanup), `record: ${removeBackups}  (sudo)`);
  });

  it('files mode: puts the plan files of the state it keeps before nginx loads the lookup, and leaves a live folder alone', () => {
    assert.equal(line(router.putPlanFilesCommand(lb, { serial: 4, names: ['green-99'] })), 'change: mkdir -p /var/lib/bluegreen/plan'
      + ' && if [ "$(readlink /var/lib/bluegreen/plan/current)" = plan-4 ] && [ -d /var/lib/bluegreen/plan/plan-4 ]; then true;'
      + ' else rm -rf /var/lib/bluegreen/plan/plan-4.tmp && mkdir -p /var/lib/bluegreen/plan/plan-4.tmp && (cd /var/lib/bluegreen/plan/plan-4.tmp && touch green-99)'
      + ' && rm -rf /var/lib/bluegreen/plan/plan-4 && mv /var/lib/bluegreen/plan/plan-4.tmp /var/lib/bluegreen/plan/plan-4 && (cd /var/lib/bluegreen/plan/plan-4 && LC_ALL=C ls -1A | sha256sum) >/dev/null'
      + ' && ln -sfn plan-4 /var/lib/bluegreen/plan/current.next && mv -Tf /var/lib/bluegreen/plan/current.next /var/lib/bluegreen/plan/current; fi  (sudo)');
  });

  it('hands the folders the stages write (never nginx\'s configuration) to group bluegreen, setgid, so the stages need no sudo to write them', () => {
    assert.equal(line(router.routerFilesForGroupCommand(lb)), 'change: { getent group bluegreen >/dev/null || groupadd --system bluegreen; }'
      + ' && mkdir -p /var/lib/bluegreen && chgrp -R bluegreen /var/lib/bluegreen && chmod -R g+rwX /var/lib/bluegreen && chmod g+s /var/lib/bluegreen'
      + ' && mkdir -p /var/lib/bluegreen/plan && chgrp -R bluegreen /var/lib/bluegreen/plan && chmod -R g+rwX /var/lib/bluegreen/plan && chmod g+s /var/lib/bluegreen/plan  (sudo)');
  });

  it('quotes paths that need it and follows the router\'s sudo', () => {
    const odd = { paths: { ...DEFAULT_ROUTER_PATHS, state: "/srv/it's/state.json" }, sudo: false };
    assert.equal(line(router.readExistingStateCommand(odd)), "read: cat '/srv/it'\\''s/state.json' 2>/dev/null");
    assert.match(router.backupBeforeSetupCommand(odd).script, /^mkdir -p \/etc\/nginx\/conf.d && mkdir -p \/etc\/bluegreen && mkdir -p '\/srv\/it'\\''s' && /);
    assert.equal(router.checkAndApplyCommand(odd).sudo, false);
    assert.equal(router.restoreBeforeSetupCommand(odd).sudo, false);
  });
});

describe('host commands: hosts setup\'s missing packages (njs on routers, the apps\' runtimes)', () => {
  const aptInstall = "apt-get install -y --no-install-recommends -o DPkg::Lock::Timeout=120";

  it('looks for the runtimes\' programs on the PATH, and for apt-get', () => {
    assert.equal(line(app.missingProgramsCommand(['node', 'java'])),
      'read: for p in node java; do command -v "$p" >/dev/null 2>&1 || echo "$p"; done');
    assert.equal(line(app.aptGetCheckCommand()), 'read: command -v apt-get >/dev/null 2>&1');
    assert.deepEqual(app.RUNTIME_PACKAGES, { node: { program: 'node', package: 'nodejs' }, java: { program: 'java', package: 'openjdk-17-jre-headless' } });
    assert.equal(router.NJS_PACKAGE, 'libnginx-mod-http-js');
  });

  it('installs with apt-get unattended, updating the package index only when the install fails for lack of it', () => {
    const njs = app.aptInstallCommand(['libnginx-mod-http-js'], true);
    assert.equal(njs.script,
      'export DEBIAN_FRONTEND=noninteractive LC_ALL=C; '
      + `out=$(${aptInstall} libnginx-mod-http-js 2>&1) && { printf '%s\\n' "$out"; exit 0; }; `
      + "case \"$out\" in *'Unable to locate package'*|*'has no installation candidate'*|*'apt-get update'*) "
      + `apt-get update 2>&1 && ${aptInstall} libnginx-mod-http-js 2>&1; exit $?;; esac; `
      + "printf '%s\\n' \"$out\"; exit 1");
    assert.deepEqual([njs.sudo, njs.effect, njs.timeoutMs, njs.purpose], [true, 'change', 15 * 60_000, 'install libnginx-mod-http-js with apt-get']);
    assert.equal(app.aptInstallCommand(['nodejs'], false).sudo, false);
    // The JRE's alternatives need man1, which slim images drop.
    const jre = app.aptInstallCommand(['nodejs', 'openjdk-17-jre-headless'], true);
    assert.match(jre.script, /^export DEBIAN_FRONTEND=noninteractive LC_ALL=C; mkdir -p \/usr\/share\/man\/man1; out=\$\(apt-get install .* nodejs openjdk-17-jre-headless 2>&1\)/);
    assert.equal(app.aptInstallByHand(['nodejs']), 'sudo apt-get install -y --no-install-recommends nodejs');
  });

  /** The script run by sh against an apt-get that answers as `behaviour` says (a shell script on the PATH). */
  const runInstall = (behaviour: string): { code: number; out: string; calls: string[] } => {
    const dir = mkdtempSync(path.join(tmpdir(), 'apt-'));
    writeFileSync(path.join(dir, 'apt-get'), `#!/bin/sh\necho "$*" >> ${dir}/calls\n${behaviour}\n`, { mode: 0o755 });
    const script = app.aptInstallCommand(['nodejs'], false).script;
    const result = spawnSync('sh', ['-c', script], { env: { PATH: `${dir}:/usr/bin:/bin`, APT_DIR: dir }, encoding: 'utf8' });
    const calls = readFileSync(path.join(dir, 'calls'), 'utf8').trim().split('\n').map((c) => c.replace(' -y --no-install-recommends -o DPkg::Lock::Timeout=120', ''));
    return { code: result.status ?? -1, out: result.stdout, calls };
  };

  it('in the shell: installed at once; without a package index, update then install; any other failure reported as apt said it', () => {
    const once = runInstall('echo "Setting up nodejs"');
    assert.deepEqual([once.code, once.calls], [0, ['install nodejs']]);
    assert.match(once.out, /Setting up nodejs/);
    // A fresh image: no index until `apt-get update` has run.
    const fresh = runInstall('case "$1" in update) touch "$APT_DIR/index"; echo Reading;; install) [ -e "$APT_DIR/index" ] && echo ok || { echo "E: Unable to locate package nodejs"; exit 100; };; esac');
    assert.deepEqual([fresh.code, fresh.calls], [0, ['install nodejs', 'update', 'install nodejs']]);
    const broken = runInstall('echo "dpkg: error processing package nodejs"; echo "E: Sub-process /usr/bin/dpkg returned an error code (1)"; exit 100');
    assert.deepEqual([broken.code, broken.calls], [1, ['install nodejs']]);
    assert.match(broken.out, /E: Sub-process \/usr\/bin\/dpkg returned an error code \(1\)\n$/);
    const unknown = runInstall('case "$1" in update) echo "Hit:1 http://deb.debian.org/debian bookworm InRelease";; install) echo "E: Unable to locate package nodejs"; exit 100;; esac');
    assert.deepEqual([unknown.code, unknown.calls], [100, ['install nodejs', 'update', 'install nodejs']]);
    assert.match(unknown.out, /E: Unable to locate package nodejs\n$/);
  });
});

describe('host commands: psql on the database host', () => {
  const socket: db.PsqlConnection = { kind: 'socket', user: 'bluegreen', database: 'bluegreen' };
  const url = 'postgres://app:s3cret@db1:5432/shop';

  it('runs psql over the sandbox container\'s local socket, the SQL on stdin', () => {
    const query = db.psqlQueryCommand(socket, 'SELECT 1;\n');
    assert.deepEqual(query, {
      kind: 'exec', purpose: 'query the database with psql',
      script: 'PGAPPNAME=bluegreen psql -X -q -A -t -v ON_ERROR_STOP=1 -U bluegreen -d bluegreen',
      sudo: false, effect: 'read', input: 'SELECT 1;\n', timeoutMs: 60_000,
    });
    const migration = db.psqlChangeCommand({ kind: 'socket', user: 'postgres', database: 'bluegreen' }, 'BEGIN; …', 120_000);
    assert.deepEqual([migration.script, migration.effect, migration.input, migration.timeoutMs],
      ['PGAPPNAME=bluegreen psql -X -q -A -t -v ON_ERROR_STOP=1 -U postgres -d bluegreen', 'change', 'BEGIN; …', 120_000]);
  });

  it('over ssh: psql\'s own defaults, or the URL as the first stdin line, never in the script', () => {
    assert.equal(db.psqlQueryCommand({ kind: 'defaults' }, 'SELECT 1;\n').script, 'PGAPPNAME=bluegreen psql -X -q -A -t -v ON_ERROR_STOP=1');
    assert.equal(db.psqlQueryCommand({ kind: 'defaults' }, 'SELECT 1;\n').input, 'SELECT 1;\n');
    const query = db.psqlCommand({ kind: 'url', url }, 'SELECT 1;\n', { effect: 'read' });
    assert.equal(query.script, 'IFS= read -r BLUEGREEN_DATABASE_URL && PGAPPNAME=bluegreen exec psql "$BLUEGREEN_DATABASE_URL" -X -q -A -t -v ON_ERROR_STOP=1');
    assert.equal(query.input, `${url}\nSELECT 1;\n`);
    assert.deepEqual([query.sudo, query.effect], [false, 'read']);
    assert.ok(!query.script.includes('s3cret') && !stepText(query).includes('s3cret'));
    assert.equal(stepText(query), `${query.script}  (stdin ${Buffer.byteLength(query.input ?? '')} bytes)`);
    assert.equal(db.psqlChangeCommand({ kind: 'url', url }, 'x').effect, 'change');
    // The shell really reads the first line as the URL and leaves the rest for psql.
    const shown = execFileSync('sh', ['-c', query.script.replace(/exec psql .*/, 'printf "%s|" "$BLUEGREEN_DATABASE_URL"; cat')], { input: query.input, encoding: 'utf8' });
    assert.equal(shown, `${url}|SELECT 1;\n`);
  });

  it('is what psql.ts resolves an environment to', () => {
    const docker = psqlInvocation({ env: { kind: 'docker', name: 'dbtest', routers: 1, hostsPerColor: 1, ssh: false, basePort: 0, initialVersion: '1.0.0', dockerHost: '' } });
    assert.deepEqual([docker.host, docker.connection], ['bg-dbtest-db', socket]);
    assert.equal(docker.command, db.psqlScript(socket));
    const ssh = psqlInvocation({
      env: { kind: 'ssh', name: 'production', ssh: { sudo: false, options: {} }, site: plainSite(), hosts: {}, routers: ['lb1'], colors: { blue: {}, green: {} }, database: { host: 'db1', url: 'env:SHOP_DB' } },
    }, { SHOP_DB: url });
    assert.deepEqual([ssh.host, ssh.connection, ssh.secret, ssh.stdinPrefix], ['db1', { kind: 'url', url }, url, `${url}\n`]);
  });
});
