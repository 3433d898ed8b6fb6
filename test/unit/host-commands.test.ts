// Every command a stage runs on a router or an app host, pinned as an exact string — and the
// router change (write, checksum, swap in, and each step's undo) in the order applyState runs it,
// in both routing modes, read from a dry run's plan of a real applyState.
import { localRequest } from '../../src/core/router/localRequest';
import * as assert from 'node:assert/strict';
import { AppSpec, TrafficSpec } from '../../src/core/model';
import { DEFAULT_ROUTER_PATHS, appLayout, artifactPath } from '../../src/core/hostCommands/layout';
import * as router from '../../src/core/hostCommands/routerCommands';
import { appProbeCommand, configDeployCommands, forcedReplacement, makeArtifactDirCommand, putArtifactFile, readToolingRecordCommand } from '../../src/core/hostCommands/appHostCommands';
import { HostStep, stepText } from '../../src/core/hostCommands/hostCommand';
import { createHash } from 'node:crypto';
import { initialState, nextState, renderPlanLookup, renderState } from '../../src/core/router';
import { applyState } from '../../src/core/fleet/applyState';
import { RouterReading } from '../../src/core/fleet/readRouters';
import { PlanRecorder, PlannedStep } from '../../src/core/plan/planRecorder';
import { PlanningTransport } from '../../src/core/plan/planningTransport';
import { Transport } from '../../src/core/transport';

const lb = { paths: DEFAULT_ROUTER_PATHS, sudo: true };
const web: AppSpec = { name: 'web', port: 3000, health: '/health', route: '/', deploy: ['/opt/bluegreen/bin/deploy web {{version}}', 'echo {{artifact}}'] };

describe('host commands: the router', () => {
  it('reads state, mode, listener and tooling record in one round trip', () => {
    const read = router.readRouterCommand(lb, { url: 'http://127.0.0.1:80/__bluegreen/state', insecure: false });
    assert.equal(read.script,
      "cat /var/lib/bluegreen/state.json 2>/dev/null; printf '\\n--bluegreen-mode--\\n'; "
      + "if [ -e /etc/bluegreen/plan.conf ]; then echo files; sha256sum < /etc/bluegreen/plan.conf | cut -d' ' -f1; else echo njs; fi; printf '\\n--bluegreen-probe--\\n'; "
      + "if command -v curl >/dev/null 2>&1; then curl -s -o /dev/null -w '%{http_code}' --max-time 3 http://127.0.0.1:80/__bluegreen/state || true; else echo nocurl; fi; "
      + "printf '\\n--bluegreen-tooling--\\n'; cat /opt/bluegreen/tooling.json 2>/dev/null || true");
    assert.deepEqual([read.sudo, read.effect], [false, 'read']);
  });

  it('builds each step of a router change and its undo', () => {
    const write = router.writeNextStateCommand(lb, '{"serial":2}\n');
    assert.equal(write.script, 'umask 002 && cat > /var/lib/bluegreen/state.json.next && sha256sum /var/lib/bluegreen/state.json.next');
    assert.equal(write.input, '{"serial":2}\n');
    assert.equal(write.assumed?.stdout, 'f9a06b8a828d38edade9ada1950e39acd2cfab5f2b9350b560a7d9f199ffc52e  /var/lib/bluegreen/state.json.next\n');
    assert.equal(router.applyNextStateCommand(lb).script, 'mv -f /var/lib/bluegreen/state.json.next /var/lib/bluegreen/state.json 2>&1');
    assert.deepEqual([router.restoreStateFile(lb, 'prev').path, router.restoreStateFile(lb, 'prev').data], ['/var/lib/bluegreen/state.json', 'prev']);
    assert.equal(router.removeNextFilesCommand(lb).script, 'rm -f /var/lib/bluegreen/state.json.next');
    assert.equal(router.appendHistoryCommand(lb, 'x\n').script, 'umask 002 && mkdir -p /var/lib/bluegreen && cat >> /var/lib/bluegreen/history.jsonl');
  });

  it('files mode: the plan files in a fresh folder with the state, checksummed; a symlink renamed over current; the undo points it back', () => {
    const plan = { serial: 3, names: ['green-98', 'green-99'] };
    const write = router.writeNextStateCommand(lb, '{"serial":3}\n', plan);
    assert.equal(write.script, 'umask 002 && cat > /var/lib/bluegreen/state.json.next && sha256sum /var/lib/bluegreen/state.json.next'
      + ' && rm -rf /var/lib/bluegreen/plan/plan-3.tmp && mkdir -p /var/lib/bluegreen/plan/plan-3.tmp && (cd /var/lib/bluegreen/plan/plan-3.tmp && touch green-98 green-99)'
      + ' && rm -rf /var/lib/bluegreen/plan/plan-3 && mv /var/lib/bluegreen/plan/plan-3.tmp /var/lib/bluegreen/plan/plan-3 && (cd /var/lib/bluegreen/plan/plan-3 && LC_ALL=C ls -1A | sha256sum)');
    // The listing's checksum is what sha256sum prints for `ls -1A`: one name per line.
    assert.equal(write.assumed?.stdout?.split('\n')[1], `${router.planFilesDigest(plan.names)}  -`);
    assert.equal(router.planFilesDigest(plan.names), '9125b01f50ac5e134afafdd318cb02cf2ee2eb500fd64d465ba1581e72d012f2');
    assert.equal(router.applyNextStateCommand(lb, { serial: 3, previousSerial: 2 }).script,
      'ln -sfn plan-3 /var/lib/bluegreen/plan/current.next && mv -Tf /var/lib/bluegreen/plan/current.next /var/lib/bluegreen/plan/current'
      + ' && mv -f /var/lib/bluegreen/state.json.next /var/lib/bluegreen/state.json'
      + " && { find /var/lib/bluegreen/plan -mindepth 1 -maxdepth 1 -name 'plan-*' ! -name plan-3 ! -name plan-2 -exec rm -rf {} + 2>/dev/null; true; } 2>&1");
    assert.equal(router.restorePlanFilesCommand(lb, 2).script,
      'if [ -d /var/lib/bluegreen/plan/plan-2 ]; then ln -sfn plan-2 /var/lib/bluegreen/plan/current.next && mv -Tf /var/lib/bluegreen/plan/current.next /var/lib/bluegreen/plan/current; fi');
    assert.equal(router.removeNextFilesCommand(lb, 3).script, 'rm -f /var/lib/bluegreen/state.json.next /var/lib/bluegreen/plan/current.next && rm -rf /var/lib/bluegreen/plan/plan-3.tmp'
      + ' && { [ "$(readlink /var/lib/bluegreen/plan/current)" = plan-3 ] || rm -rf /var/lib/bluegreen/plan/plan-3; }');
  });

  it('runs every stage command as the login user, with no sudo and no nginx reload', () => {
    const all = [
      router.readRouterCommand(lb, { url: 'http://127.0.0.1:80/', insecure: false }), router.writeNextStateCommand(lb, 's', { serial: 2, names: [] }),
      router.applyNextStateCommand(lb, { serial: 2, previousSerial: 1 }), router.restorePlanFilesCommand(lb, 1), router.removeNextFilesCommand(lb, 2),
      router.appendAuditCommand(lb, 'a'), router.takeLockCommand(lb, 'L'), router.renewLockCommand(lb, 'h', 'L'), router.releaseLockCommand(lb, 'h', true),
      router.readLockCommand(lb), router.followAccessLogCommand(lb),
    ];
    assert.deepEqual(all.filter((c) => c.sudo), []);
    assert.deepEqual(all.filter((c) => /sudo|nginx -s|nginx -t/.test(c.script)).map((c) => c.purpose), []);
  });

  it('takes, renews and gives back the lock, naming the holder', () => {
    assert.equal(router.takeLockCommand(lb, 'L\n').script, 'umask 002 && mkdir -p /var/lib/bluegreen && (set -C; cat > /var/lib/bluegreen/lock.json) 2>/dev/null');
    assert.equal(router.renewLockCommand(lb, 'ann@box', 'L\n').script, `grep -qF '"holder":"ann@box"' /var/lib/bluegreen/lock.json && cat > /var/lib/bluegreen/lock.json`);
    assert.equal(router.releaseLockCommand(lb, "o'neil@box", false).script, `grep -qF '"holder":"o'\\''neil@box"' /var/lib/bluegreen/lock.json && rm -f /var/lib/bluegreen/lock.json || true`);
    assert.equal(router.releaseLockCommand(lb, 'ann@box', true).script, 'rm -f /var/lib/bluegreen/lock.json || true');
    assert.equal(router.readLockCommand(lb).script, 'cat /var/lib/bluegreen/lock.json 2>/dev/null || true');
  });

  it('appends and reads the audit log and history; follows the access log; sends a smoke request', () => {
    assert.equal(router.appendAuditCommand(lb, 'a\n').script, 'umask 002 && mkdir -p /var/lib/bluegreen && cat >> /var/lib/bluegreen/audit.jsonl');
    assert.equal(router.readAuditCommand(lb, 5.7).script, 'tail -n 5 /var/lib/bluegreen/audit.jsonl 2>/dev/null || true');
    assert.equal(router.readHistoryCommand(lb, 0).script, 'tail -n 1 /var/lib/bluegreen/history.jsonl 2>/dev/null || true');
    assert.equal(router.followAccessLogCommand(lb).script, 'tail -n 0 -F /var/log/nginx/bluegreen.access.log');
    assert.equal(router.smokeRequestCommand({ url: 'http://127.0.0.1:80/api/version', insecure: false }, 'X-Bluegreen-Preview', 'green').script,
      "curl -s -m 10 -D - -H 'X-Bluegreen-Preview: green' http://127.0.0.1:80/api/version 2>&1 | head -c 65536");
    // Through the site's TLS listener under its name (SNI on the loopback), and plain HTTP to a named site.
    assert.equal(router.smokeRequestCommand(localRequest({ serverNames: ['*.shop.example', 'shop.example'], https: { port: 8443, certificate: '/c', key: '/k' }, http: 80, include: false }, '/api/version'), 'X-Bluegreen-Preview', 'green').script,
      "curl -s -m 10 -D - -H 'X-Bluegreen-Preview: green' -k --resolve shop.example:8443:127.0.0.1 https://shop.example:8443/api/version 2>&1 | head -c 65536");
    assert.equal(router.smokeRequestCommand(localRequest({ serverNames: ['*.shop.example'], http: 8080, include: true }, '/'), 'X-Bluegreen-Preview', 'blue').script,
      "curl -s -m 10 -D - -H 'X-Bluegreen-Preview: blue' -H 'Host: bluegreen.shop.example' http://127.0.0.1:8080/ 2>&1 | head -c 65536");
  });

  it('shows a step as a transport log line: sudo and stdin by size, a put by size', () => {
    assert.equal(stepText(router.appendAuditCommand(lb, 'a\n')), 'umask 002 && mkdir -p /var/lib/bluegreen && cat >> /var/lib/bluegreen/audit.jsonl  (stdin 2 bytes)');
    assert.equal(stepText(router.restoreStateFile(lb, 'prev')), 'put /var/lib/bluegreen/state.json (4 bytes, mode 644)');
  });
});

describe('host commands: an app host', () => {
  it('defines the release layout once', () => {
    assert.deepEqual(appLayout('web'), {
      root: '/opt/web', releases: '/opt/web/releases', artifacts: '/opt/web/artifacts', log: '/opt/web/log',
      env: '/opt/web/app.env', current: '/opt/web/current', supervisorState: '/run/bluegreen/web',
    });
    assert.equal(artifactPath('web', '1.2.3'), '/opt/web/artifacts/web-1.2.3.tar.gz');
  });

  it('fills the config\'s deploy lines shell-quoted', () => {
    // As the login user: the host tooling's deploy runs itself again under sudo -n when it is not root.
    const lines = configDeployCommands(web, '1.2.3+b', artifactPath('web', '1.2.3+b'));
    assert.deepEqual(lines.map((c) => c.script), ['/opt/bluegreen/bin/deploy web 1.2.3+b', 'echo /opt/web/artifacts/web-1.2.3+b.tar.gz']);
    assert.deepEqual(lines.map((c) => [c.sudo, c.effect, c.timeoutMs]), [[false, 'change', 180_000], [false, 'change', 180_000]]);
    assert.equal(configDeployCommands({ ...web, deploy: ['deploy {{version}}'] }, "1'x", undefined)[0].script, `deploy '1'\\''x'`);
    assert.equal(configDeployCommands(web, '1.2.3', undefined)[1].script, "echo ''");
    assert.deepEqual(configDeployCommands(web, '1.2.3', undefined, { force: false }).map((c) => c.script), ['/opt/bluegreen/bin/deploy web 1.2.3', "echo ''"]);
  });

  it('passes the stage\'s --force to every deploy line as DEPLOY_FORCE=1 (exported: a line of several commands passes it on)', () => {
    const lines = configDeployCommands({ ...web, deploy: ['/opt/bluegreen/bin/deploy web {{version}}', 'cd /srv && ./install {{artifact}}'] }, '1.4.0', artifactPath('web', '1.4.0'), { force: true });
    assert.deepEqual(lines.map((c) => c.script), [
      'export DEPLOY_FORCE=1; /opt/bluegreen/bin/deploy web 1.4.0',
      'export DEPLOY_FORCE=1; cd /srv && ./install /opt/web/artifacts/web-1.4.0.tar.gz',
    ]);
    assert.deepEqual(lines.map((c) => [c.purpose, c.sudo, c.effect]), [
      ['deploy web 1.4.0 (bluegreen.yaml), forced', false, 'change'],
      ['deploy web 1.4.0 (bluegreen.yaml), forced', false, 'change'],
    ]);
  });

  it('reads a forced replacement from host/bin/deploy\'s output, and nothing else as one', () => {
    const a = 'a'.repeat(64);
    const b = '0123456789ab'.repeat(5).concat('cdef');
    const output = [
      `deploy web 1.4.0: /opt/web/releases/1.4.0 is already unpacked (content sha256 ${a}): unpacking /opt/web/artifacts/web-1.4.0.tar.gz to compare`,
      `deploy web 1.4.0: replaced /opt/web/releases/1.4.0 (--force): content sha256 ${a} -> ${b}`,
      'deploy web 1.4.0: current -> /opt/web/releases/1.4.0',
    ].join('\n');
    assert.equal(forcedReplacement(output), 'web 1.4.0: replaced content sha256 aaaaaaaaaaaa… with 0123456789ab… (--force)');
    assert.equal(forcedReplacement(`deploy web 1.4.0: same content (sha256 ${a}): nothing to unpack, /opt/web/releases/1.4.0 is kept`), undefined);
    assert.equal(forcedReplacement(''), undefined);
  });

  it('puts the artifact where deploy looks for it', () => {
    assert.deepEqual([makeArtifactDirCommand('web').script, makeArtifactDirCommand('web').sudo], ['mkdir -p /opt/web/artifacts', false]);
    const put = putArtifactFile('web', '1.2.3', Buffer.from('tgz'));
    assert.deepEqual([put.path, put.sudo, put.effect], ['/opt/web/artifacts/web-1.2.3.tar.gz', false, 'record']);
    assert.equal(readToolingRecordCommand().script, 'cat /opt/bluegreen/tooling.json 2>/dev/null || true');
  });

  it('probes health, release and listeners with the host tool, under sudo -n where the ssh user has the narrow rule', () => {
    const probe = appProbeCommand(web, 'sudo');
    assert.equal(probe.script, 'sudo -n /opt/bluegreen/bin/bluegreen-probe web 3000 /health');
    assert.deepEqual([probe.sudo, probe.effect], [false, 'read']);
    assert.equal(appProbeCommand({ ...web, health: "/h'x" }, 'root').script, `/opt/bluegreen/bin/bluegreen-probe web 3000 '/h'\\''x'`);
  });
});

describe('the router change as applyState runs it (read from a dry run)', () => {
  const traffic: TrafficSpec = {
    initial: { blue: 100, green: 0 }, segments: [], preview: { header: 'X-Bluegreen-Preview', cookie: 'bluegreen_preview' },
    canary: { windowSeconds: 60, maxErrorRate: 0.01, maxP95Ms: 800 }, stickyCookie: 'bluegreen_bucket', drainTimeoutSeconds: 30,
  };
  const previous = initialState(traffic, { blue: {}, green: {} }, 'ann@box', 'hosts setup', new Date('2026-12-01T00:00:00Z'));
  const next = nextState(previous, { weights: { blue: 0, green: 100 }, segments: [] }, { changedBy: 'ann@box', stage: 'switch green', now: new Date('2026-12-01T00:01:00Z') });

  /** A host the dry run must never reach: applyState only writes. */
  const unreachable = (host: string): Transport => ({
    host,
    exec: () => Promise.reject(new Error(`${host} was reached`)),
    put: () => Promise.reject(new Error(`${host} was written`)),
    close: () => Promise.resolve(),
  });

  async function planApply(mode: 'njs' | 'files', lookupDigest?: string) {
    const recorder = new PlanRecorder();
    const routers = ['lb1', 'lb2'].map((name) => ({ name, transport: new PlanningTransport(unreachable(name), recorder), paths: DEFAULT_ROUTER_PATHS, sudo: true }));
    const readings: RouterReading[] = routers.map((r) => ({ router: r.name, reachable: true, mode, lookupDigest, state: previous, stateText: renderState(previous) }));
    await applyState({ routers, readings, next, render });
    return recorder;
  }
  const render = { apps: [web], traffic, topology: { routers: ['lb1', 'lb2'], colors: { blue: { web: ['app1'] }, green: { web: ['app2'] } }, addresses: {} }, listenPort: 80 };
  const lookup = renderPlanLookup({ ...render, mode: 'files', paths: DEFAULT_ROUTER_PATHS });
  const lookupDigest = createHash('sha256').update(lookup).digest('hex');
  const lines = (steps: PlannedStep[], host = 'lb1') => steps.filter((s) => s.host === host).map((s) => stepLine(s.step));
  const stepLine = (step: HostStep) => (step.kind === 'put' ? `put ${step.path}` : step.script);

  it('njs mode: write and checksum, rename, history — no nginx -t, no reload', async () => {
    const plan = await planApply('njs');
    assert.deepEqual(lines(plan.steps), [
      'umask 002 && cat > /var/lib/bluegreen/state.json.next && sha256sum /var/lib/bluegreen/state.json.next',
      'mv -f /var/lib/bluegreen/state.json.next /var/lib/bluegreen/state.json 2>&1',
      'umask 002 && mkdir -p /var/lib/bluegreen && cat >> /var/lib/bluegreen/history.jsonl',
    ]);
    assert.deepEqual(plan.branches.map((b) => [b.when, lines(b.steps)]), [
      ['if the write step fails on a router', ['rm -f /var/lib/bluegreen/state.json.next']],
      ['if the apply step fails on a router', ['put /var/lib/bluegreen/state.json', 'rm -f /var/lib/bluegreen/state.json.next']],
    ]);
    assert.deepEqual(plan.stateChanges.map((c) => [c.before.serial, c.after.serial]), [[previous.serial, next.serial]]);
  });

  it('files mode: the plan files with the state in one round trip, the symlink swap, history — no nginx -t, no reload; the undo points back', async () => {
    const plan = await planApply('files', lookupDigest);
    const [write, apply, history] = lines(plan.steps);
    assert.match(write, new RegExp(`sha256sum /var/lib/bluegreen/state.json.next && rm -rf /var/lib/bluegreen/plan/plan-${next.serial}.tmp .*touch ${Array.from({ length: 100 }, (_, i) => `green-${i}`).sort().join(' ')}\\)`));
    assert.match(apply, new RegExp(`^ln -sfn plan-${next.serial} /var/lib/bluegreen/plan/current.next && mv -Tf .* ! -name plan-${next.serial} ! -name plan-${previous.serial} `));
    assert.equal(history, 'umask 002 && mkdir -p /var/lib/bluegreen && cat >> /var/lib/bluegreen/history.jsonl');
    assert.ok(plan.steps.every((s) => !/nginx/.test(stepLine(s.step))), 'no nginx command');
    assert.deepEqual(plan.branches.map((b) => [b.when, lines(b.steps).map((l) => l.slice(0, 60))]), [
      ['if the write step fails on a router', [router.removeNextFilesCommand(lb, next.serial).script.slice(0, 60)]],
      ['if the apply step fails on a router', [
        router.restorePlanFilesCommand(lb, previous.serial).script.slice(0, 60),
        'put /var/lib/bluegreen/state.json',
        router.removeNextFilesCommand(lb, next.serial).script.slice(0, 60),
      ]],
    ]);
    assert.ok(plan.steps.every((s) => !s.ran), 'nothing ran');
  });

  it('files mode: refuses a router whose plan lookup was written for another config, before any step', async () => {
    await assert.rejects(planApply('files', 'f'.repeat(64)), (error: Error) => {
      assert.match(error.message, /lb1 routes without njs, and its plan lookup \(\/etc\/bluegreen\/plan.conf\) was written for another config.*traffic was not moved/);
      assert.match((error as { hint?: string }).hint ?? '', /bluegreen hosts setup/);
      return true;
    });
    // A router set up before the files mode carries the reload mode's plan in the same file.
    await assert.rejects(planApply('files', undefined), /written for another config/);
  });
});
