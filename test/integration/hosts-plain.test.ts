// Real hosts as they come: plain Debian servers that the product did not build (prepared only by
// docs/hosts.md's operator steps, test/helpers/plainServers.ts), driven through the built CLI
// over SSH as an operator would: `hosts setup` (once as the administrator; as `deploy` it is
// refused), the first release (`bootstrap`), deploys, a systemd host restarted, a router's nginx
// stopped, a host set up by an older release. Every stage logs in as `deploy`, whose sudo rule is
// exactly docs/hosts.md's narrow one.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import * as http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { NOT_RELEASED_TEXT } from '../../src/core/router';
import { ADMIN_USER, PlainServers, startPlainServers, waitForSystemd } from '../helpers/plainServers';
import { CliRun, ROOT, cliRunner, ensureCliBuilt } from '../helpers/cli';

const ENV = 'plain';

type Run = CliRun;

function configYaml(servers: PlainServers): string {
  return [
    '# Written by test/integration/hosts-plain.test.ts: the sample web app on plain servers.',
    'apps:',
    '  web:',
    '    port: 3000',
    '    health: /health',
    '    route: /',
    `    build: { context: ${JSON.stringify(path.join(ROOT, 'sandbox/node-app'))} }`,
    '    deploy: ["/opt/bluegreen/bin/deploy web {{version}}"]',
    'smoke:',
    '  - { path: /health, expect: 200 }',
    'traffic:',
    '  initial: { blue: 50, green: 50 }',
    'environments:',
    servers.environmentYaml(ENV, ['web']),
    '',
  ].join('\n');
}

describe('plain servers the product did not build (hosts setup, deploys over SSH)', function () {
  this.timeout(20 * 60_000);
  let servers: PlainServers;
  let configFile: string;

  const { run: cli, ok } = cliRunner(() => configFile, ENV, { BLUEGREEN_ACTOR: 'plain@itest' });
  /** One request through the router's published port, as a user's. */
  const routerGet = (urlPath: string): Promise<{ status: number; body: string; color?: string }> => new Promise((resolve, reject) => {
    const port = servers.servers.find((x) => x.name === 'lb1')?.httpPort;
    const req = http.get({ host: '127.0.0.1', port, path: urlPath, agent: false, timeout: 10_000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => { body += chunk; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, color: res.headers['x-bluegreen-color'] as string | undefined }));
    });
    req.on('timeout', () => req.destroy(new Error('no answer from lb1 within 10 s')));
    req.on('error', reject);
  });
  /** Polls until `check` holds (the hosts answer asynchronously after a restart). */
  const eventually = async (what: string, check: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> => {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (await check().catch(() => false)) return;
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
    assert.fail(`${what}: not within ${timeoutMs / 1000} s`);
  };
  const serial = async (): Promise<number> => JSON.parse((await ok('status', '--json')).stdout).state.serial as number;
  const supervisorPids = async (): Promise<string[]> => Promise.all(['web1', 'web2', 'web3'].map(async (h) => (await servers.exec(h, 'cat /run/bluegreen/web/supervisor.pid')).stdout.trim()));
  /** What answers on the host's app port: the version the app reports. */
  const runningVersion = async (host: string): Promise<string> => {
    const r = await servers.exec(host, 'curl -fsS -D - -o /dev/null http://127.0.0.1:3000/health | tr -d "\\r" | sed -n "s/^[Xx]-[Aa]pp-[Vv]ersion: //p"');
    return r.stdout.trim();
  };

  before(async () => {
    ensureCliBuilt();
    servers = await startPlainServers('bgplain', [
      { name: 'lb1', role: 'router' },
      { name: 'web1', role: 'app', color: 'blue', apps: ['web'] },
      { name: 'web2', role: 'app', color: 'green', apps: ['web'] },
      { name: 'web3', role: 'app', color: 'green', apps: ['web'], systemd: true },
    ]);
    const dir = mkdtempSync(path.join(tmpdir(), 'bgplain-config-'));
    configFile = path.join(dir, 'bluegreen.yaml');
    writeFileSync(configFile, configYaml(servers));
    // As an operator would first try: setup as `deploy`, which has only the narrow rule.
    refusedSetup = await cli('hosts', 'setup');
    toolingAfterRefusal = (await servers.exec('web1', 'test -e /opt/bluegreen/bin/deploy')).exitCode;
    // Then the way the refusal names: once as the administrator.
    setupOutput = await ok('hosts', 'setup', '--ssh-user', ADMIN_USER);
  });
  after(async () => {
    if (!process.env.BLUEGREEN_KEEP_PLAIN) await servers?.remove();
  });
  let setupOutput: Run;
  let refusedSetup: Run;
  let toolingAfterRefusal: number;
  const setupAsAdmin = () => ok('hosts', 'setup', '--ssh-user', ADMIN_USER);

  it('hosts setup as `deploy` (the narrow sudo rule only) is refused before anything changes, naming the way that works', () => {
    assert.equal(refusedSetup.code, 1, refusedSetup.stderr);
    assert.match(refusedSetup.stderr, /web\d: the ssh user deploy may not run hosts setup's commands as root \((sudo: a password is required|Sorry, user deploy is not allowed)/);
    assert.match(refusedSetup.stderr, /hosts setup needs an administrator once: run it as a user with full sudo \(bluegreen hosts setup --env plain --ssh-user ADMIN/);
    assert.match(refusedSetup.stderr, /the stages then need only the sudo rule of docs\/hosts\.md/);
    assert.notEqual(toolingAfterRefusal, 0, 'nothing was installed');
  });

  it('deploy\'s sudo is exactly the narrow rule: no shell as root, only deploy and the probe', async () => {
    const shell = await servers.exec('lb1', 'sudo -n sh -c id', 'deploy');
    assert.notEqual(shell.exitCode, 0, shell.stdout);
    const listed = await servers.exec('lb1', 'sudo -n -l', 'deploy');
    assert.match(listed.stdout, /\(root\) NOPASSWD: \/opt\/bluegreen\/bin\/deploy \*, \/opt\/bluegreen\/bin\/bluegreen-probe \*/);
    assert.doesNotMatch(listed.stdout, /NOPASSWD: ALL/);
    // The access log the traffic reader follows is readable by deploy (group adm), without sudo.
    const log = await servers.exec('lb1', 'head -c 0 /var/log/nginx/bluegreen.access.log && id -nG', 'deploy');
    assert.equal(log.exitCode, 0, log.stderr);
    assert.match(log.stdout, /\badm\b/);
    assert.match(log.stdout, /\bbluegreen\b/);
  });

  it('hosts setup: files mode without njs, systemd units where systemd runs, setsid elsewhere (and says what a reboot means)', async () => {
    const text = setupOutput.stdout;
    assert.match(text, /router lb1: files mode, no users until the first release/);
    assert.match(text, /app host web3: web \(supervisor: systemd unit, enabled\)/);
    assert.match(text, /app host web1: web \(supervisor: setsid, not kept across a reboot\)/);
    assert.match(text, /note: no systemd on web1, web2: .* will not come back after a reboot; after one, run bluegreen hosts setup --env plain again/);
    assert.doesNotMatch(text, /is not in group/, 'deploy is in the groups docs/hosts.md names');
    const unit = await servers.exec('web3', 'systemctl is-enabled bluegreen-supervise@web; systemctl is-active bluegreen-supervise@web');
    assert.equal(unit.stdout.trim(), 'enabled\nactive');
    const record = JSON.parse((await servers.exec('web1', 'cat /opt/bluegreen/tooling.json')).stdout);
    assert.equal(record.stateFormat, 1);
    assert.match(record.tooling, /^[0-9a-f]{12}$/);
  });

  it('a fresh router sends no user anywhere ("not released yet"); bootstrap deploys and verifies both colors, then puts traffic.initial in place', async () => {
    const before = await routerGet('/');
    assert.equal(before.status, 503);
    assert.equal(before.body, `${NOT_RELEASED_TEXT}\n`);
    assert.match((await ok('status')).stdout, /no users \(not released\)/);
    const run = await ok('bootstrap', '1.0.0');
    assert.match(run.stdout, /bootstrap 1\.0\.0 done/);
    for (const host of ['web1', 'web2', 'web3']) {
      assert.equal(await runningVersion(host), '1.0.0', host);
      // Least privilege: the app runs as the unprivileged user hosts setup created, not as root.
      const user = await servers.exec(host, 'stat -c %U "/proc/$(cat /run/bluegreen/web/app.pid)"');
      assert.equal(user.stdout.trim(), 'bluegreen-app', `${host}: ${user.stdout}${user.stderr}`);
    }
    const colors = new Set<string>();
    for (let i = 0; i < 40; i++) {
      const answer = await routerGet('/health');
      assert.equal(answer.status, 200);
      colors.add(answer.color ?? '');
    }
    assert.deepEqual([...colors].sort(), ['blue', 'green'], 'traffic.initial (50/50) is in place');
  });

  it('refuses a second bootstrap once users are served, naming the way on', async () => {
    const run = await cli('bootstrap', '1.0.1');
    assert.equal(run.code, 1, run.stderr);
    assert.match(run.stderr, /already has users/);
    assert.match(run.stderr, /bluegreen release 1\.0\.1 --env plain/);
  });

  it('a second hosts setup on hosts already set up changes nothing: no traffic moved, no reload, supervisors kept', async () => {
    const [serialBefore, pidsBefore] = [await serial(), await supervisorPids()];
    const run = await setupAsAdmin();
    assert.match(run.stdout, /router lb1: files mode, kept its traffic plan, config unchanged/);
    assert.equal(await serial(), serialBefore);
    assert.deepEqual(await supervisorPids(), pidsBefore);
  });

  it('deploys twice to a host that hosts setup prepared: the supervisor obeys deploy', async () => {
    const supervisor = await servers.exec('web1', 'grep SigIgn "/proc/$(cat /run/bluegreen/web/supervisor.pid)/status"');
    assert.match(supervisor.stdout, /SigIgn:\s*[0-9a-f]*[02468ace]$/m, `the supervisor ignores SIGHUP: ${supervisor.stdout}`);
    const refused = await cli('deploy', 'blue', '1.0.1');
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /drain it first \(bluegreen drain blue --env plain\)/);
    await ok('drain', 'blue');
    await ok('deploy', 'blue', '1.0.1');
    assert.equal(await runningVersion('web1'), '1.0.1');
    await ok('deploy', 'blue', '1.0.2');
    assert.equal(await runningVersion('web1'), '1.0.2');
  });

  it('replaces a supervisor that an older hosts setup started under nohup, at the next deploy', async () => {
    // What an older release left: a supervisor without the SIGHUP reset, started by `nohup setsid …`.
    await servers.exec('web2', 'pkill -f "bluegreen-supervise web$"; sleep 1; '
      + "sed '/^ignored_stop_signals()/,/^unset BLUEGREEN_SUPERVISE_REEXEC/d' /opt/bluegreen/bin/bluegreen-supervise > /usr/local/bin/old-bluegreen-supervise; "
      + 'chmod 755 /usr/local/bin/old-bluegreen-supervise; '
      + 'nohup setsid /usr/local/bin/old-bluegreen-supervise web >/dev/null 2>&1 </dev/null &');
    const old = await servers.exec('web2', 'sleep 1; cat /run/bluegreen/web/supervisor.pid');
    await ok('switch', 'blue');
    const first = await ok('deploy', 'green', '1.0.1', '--verbose');
    assert.match(first.stderr + first.stdout, /ignores SIGHUP/);
    assert.equal(await runningVersion('web2'), '1.0.1');
    const now = await servers.exec('web2', 'cat /run/bluegreen/web/supervisor.pid');
    assert.notEqual(now.stdout.trim(), old.stdout.trim(), 'the old supervisor was replaced');
    // The supervisor that deploy started must not hold the deploy lock: the next deploy runs.
    await ok('deploy', 'green', '1.0.2');
    assert.equal(await runningVersion('web2'), '1.0.2');
    assert.equal(await runningVersion('web3'), '1.0.2', 'the systemd-supervised host obeys deploy too');
  });

  it('the systemd host, restarted (its container stopped and started), runs its app again on its version', async () => {
    const web3 = servers.servers.find((x) => x.name === 'web3')!;
    await web3.container.stop({ t: 20 });
    await web3.container.start();
    await waitForSystemd(web3.container);
    await eventually('web3 answers 1.0.2 after the reboot', async () => (await runningVersion('web3')) === '1.0.2');
  });

  it('a router whose nginx is stopped: status says so; a change is written there all the same, with a warning, and followed once nginx runs again', async () => {
    const serialBefore = await serial();
    await servers.exec('lb1', 'service nginx stop');
    try {
      const status = await ok('status');
      assert.match(status.stdout, /router lb1: files mode, state #\d+; NGINX NOT ANSWERING \(nginx gives no answer on port 80\)/);
      const moved = await ok('switch', 'green');
      assert.match(moved.stdout + moved.stderr, /nginx does not answer on lb1 \(nginx gives no answer on port 80\): users reaching it get no answer; it serves the new plan once nginx runs again/);
    } finally {
      await servers.exec('lb1', 'service nginx start');
    }
    const after = JSON.parse((await ok('status', '--json')).stdout);
    assert.equal(after.state.serial, serialBefore + 1);
    assert.equal(after.routers[0].answering, true);
    // No reload was needed: the nginx that started reads the plan files the stage wrote.
    await eventually('lb1 sends users to green', async () => (await routerGet('/health')).color === 'green');
    await ok('switch', 'blue');
  });

  it('a host carrying an older tooling record is refused with the hint, and hosts setup upgrades it in place', async () => {
    await servers.exec('lb1', "sed -i 's/\"tooling\": \"[0-9a-f]*\"/\"tooling\": \"0ld0ld0ld0ld\"/' /opt/bluegreen/tooling.json");
    const refused = await cli('restore');
    assert.equal(refused.code, 1, refused.stderr);
    assert.match(refused.stderr, /host tooling does not match this bluegreen on lb1 \(set up by bluegreen .* \(tooling 0ld0ld0ld0ld\)/);
    assert.match(refused.stderr, /run bluegreen hosts setup --env plain: it upgrades the tooling in place and moves no traffic/);
    const serialBefore = await serial();
    await setupAsAdmin();
    assert.equal(await serial(), serialBefore, 'hosts setup moved no traffic');
    await ok('restore');
  });

  it('a host whose deploy user lacks the sudo rule: the stages refuse at the step that needs it, naming the rule, with live traffic as it was', async () => {
    const rule = '/etc/sudoers.d/bluegreen-deploy';
    await servers.exec('lb1', `mv ${rule} /root/rule.lb1`);
    try {
      // A router needs no sudo to move traffic: the stage writes the group's files.
      await ok('drain', 'green');
    } finally {
      await servers.exec('lb1', `mv /root/rule.lb1 ${rule}`);
    }
    const serialBefore = await serial();
    await servers.exec('web1', `mv ${rule} /root/rule.web1`);
    try {
      // web1's probe (who listens on the port) needs the rule; a gate that meets it names the rule, nothing else.
      const verify = await cli('verify', 'blue');
      assert.equal(verify.code, 1, verify.stderr);
      assert.match(verify.stderr, /web1: the ssh user may not run commands with sudo without a password \(sudo: a password is required\)/);
      const drain = await cli('drain', 'green');
      assert.equal(drain.code, 1, drain.stderr);
      assert.match(drain.stderr, /web1 web \(web1: the ssh user may not run commands with sudo/);
      assert.match(drain.stderr, /→ give the ssh user the sudo rule of docs\/hosts\.md/);
      // hosts setup as deploy without any rule: refused the same way as with the narrow one.
      const setup = await cli('hosts', 'setup');
      assert.equal(setup.code, 1, setup.stderr);
      assert.match(setup.stderr, /web1: the ssh user deploy may not run hosts setup's commands as root \(sudo: a password is required\)/);
      assert.match(setup.stderr, /--ssh-user ADMIN/);
    } finally {
      await servers.exec('web1', `mv /root/rule.web1 ${rule}`);
    }
    assert.equal(await serial(), serialBefore, 'nothing moved');
    assert.equal((await routerGet('/health')).status, 200);
    await ok('verify', 'blue');
  });

  it('hosts setup names a host where the stages\' ssh user is not in the groups docs/hosts.md gives it, with the command', async () => {
    await servers.exec('lb1', 'gpasswd -d deploy adm');
    try {
      const run = await setupAsAdmin();
      assert.match(run.stdout, /note: lb1: the stages' ssh user deploy is not in group adm, so the stages cannot read nginx's access log there; add it as docs\/hosts\.md says: sudo usermod -a -G adm deploy/);
      assert.doesNotMatch(run.stdout, /web\d: the stages' ssh user/);
    } finally {
      await servers.exec('lb1', 'usermod -a -G adm deploy');
    }
    assert.doesNotMatch((await setupAsAdmin()).stdout, /is not in group/);
  });

  it('a router whose nginx refuses the rendered config: hosts setup puts its files back and nginx keeps serving', async () => {
    const serialBefore = await serial();
    // The operator's own config already defines a name the product's config defines too.
    await servers.exec('lb1', "echo \"log_format bluegreen_json '\\$remote_addr';\" > /etc/nginx/conf.d/operator.conf && "
      + 'echo "# changed by hand" >> /etc/nginx/conf.d/bluegreen.conf && cp /etc/nginx/conf.d/bluegreen.conf /root/before.conf');
    try {
      const setup = await cli('hosts', 'setup', '--ssh-user', ADMIN_USER);
      assert.equal(setup.code, 1, setup.stderr);
      assert.match(setup.stderr, /lb1: nginx refused the config \(previous files put back\)/);
      assert.match(setup.stderr, /duplicate "log_format" name "bluegreen_json" in \/etc\/nginx\/conf\.d\/(operator|bluegreen)\.conf/);
      const same = await servers.exec('lb1', 'cmp /etc/nginx/conf.d/bluegreen.conf /root/before.conf');
      assert.equal(same.exitCode, 0, 'the previous file is back');
      assert.equal((await routerGet('/health')).status, 200, 'nginx keeps serving with the config it had');
    } finally {
      await servers.exec('lb1', 'rm -f /etc/nginx/conf.d/operator.conf');
    }
    await setupAsAdmin();
    assert.equal(await serial(), serialBefore, 'no traffic moved');
  });

  it('a supervisor started with SIGHUP ignored restores its default before it runs', async () => {
    const r = await servers.exec('web2',
      'nohup sh -c \'exec /opt/bluegreen/bin/bluegreen-supervise probe-app\' >/tmp/probe.out 2>&1 </dev/null & '
      + 'sleep 1.5; p=$(cat /run/bluegreen/probe-app/supervisor.pid); grep SigIgn /proc/$p/status; kill $p');
    assert.match(r.stdout, /SigIgn:\s*[0-9a-f]*[02468ace]$/m, `${r.stdout}\n${r.stderr}`);
  });
});
