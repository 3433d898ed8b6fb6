// What verify accepts as proof, as pure functions: the host probe's verdict (the supervisor's
// process on the port, on the release it reports) and the router's routed-color header.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { judgeAppProbe, parseAppProbe } from '../../src/core/stages/appProbe';
import { appProbeCommand } from '../../src/core/hostCommands/appHostCommands';
import { renderBaseConfig, ROUTED_COLOR_HEADER } from '../../src/core/router/baseConfig';
import { AppSpec } from '../../src/core/model';
import { DEFAULT_ROUTER_PATHS } from '../../src/core/hostCommands/layout';

const web: AppSpec = { name: 'web', port: 3000, health: '/health', route: '/', deploy: ['true'] };
const probe = (lines: string[]) => judgeAppProbe(parseAppProbe(lines.join('\n')), web);

describe('verify: the host probe', () => {
  it('runs the host tool bluegreen-probe, which looks for listeners on the port in hex, and at the supervisor state', () => {
    assert.equal(appProbeCommand(web, 'sudo').script, 'sudo -n /opt/bluegreen/bin/bluegreen-probe web 3000 /health');
    const tool = readFileSync(path.resolve(__dirname, '../../host/bin/bluegreen-probe'), 'utf8');
    assert.match(tool, /hex=\$\(printf '%04X' "\$port"\)/);
    assert.match(tool, /\/proc\/net\/tcp \/proc\/net\/tcp6/);
    assert.match(tool, /first_line "\$state\/app\.pid"/);
    assert.match(tool, /first_line "\$state\/release"/);
  });

  it('is healthy when every listener is the supervisor\'s app (or its child) on the release current names', () => {
    assert.deepEqual(probe(['status=200', 'version=1.0.1', 'release=1.0.1', 'apppid=40', 'listener=41 yes /opt/web/releases/1.0.1 node /opt/web/releases/1.0.1/src/server.js']),
      { healthy: true, detail: '/health 200 from pid 41 (release 1.0.1)' });
  });

  it('names an impostor: a stranger on the port, with or without the supervisor running the app', () => {
    assert.deepEqual(probe(['status=200', 'version=1.0.1', 'release=', 'apppid=', 'listener=77 no /root python3 -m http.server 3000']), {
      healthy: false, detail: 'impostor: port 3000 answers 200, but the supervisor runs no web (no /run/bluegreen/web/app.pid); it is answered by pid 77 (python3 -m http.server 3000)',
    });
    assert.deepEqual(probe(['status=200', 'version=1.0.1', 'release=1.0.1', 'apppid=40', 'listener=41 yes /opt/web/releases/1.0.1 node a', 'listener=77 no / nc -lk 3000']), {
      healthy: false, detail: 'impostor: port 3000 is answered by pid 77 (nc -lk 3000), not by the web the supervisor started (pid 40)',
    });
  });

  it('refuses a release that is current but not running, and a process running another release', () => {
    assert.match(probe(['status=200', 'version=1.0.2', 'release=1.0.1', 'apppid=40', 'listener=40 yes /opt/web/releases/1.0.1 node x']).detail,
      /^the supervisor runs release 1\.0\.1 but current is 1\.0\.2/);
    assert.match(probe(['status=200', 'version=1.0.1', 'release=1.0.1', 'apppid=40', 'listener=40 yes /opt/web/releases/1.0.0 node x']).detail,
      /^pid 40 on port 3000 runs from \/opt\/web\/releases\/1\.0\.0, not release 1\.0\.1$/);
  });

  it('keeps the plain answers: nothing on the port, an error status', () => {
    assert.deepEqual(probe(['status=000', 'version=1.0.1']), { healthy: false, detail: '/health: no answer on port 3000' });
    assert.deepEqual(probe(['status=503', 'version=1.0.1', 'release=1.0.1', 'apppid=40']), { healthy: false, detail: '/health answered 503' });
  });
});

describe('verify: the router names the color of a preview request', () => {
  it('adds the routed color on preview requests only, and an upstream cannot set it', () => {
    const conf = renderBaseConfig({
      apps: [web], traffic: { initial: { blue: 100, green: 0 }, segments: [], preview: { header: 'X-Bluegreen-Preview', cookie: 'bluegreen_preview' }, canary: { windowSeconds: 60, maxErrorRate: 0.01, maxP95Ms: 800 }, stickyCookie: 'bluegreen_split', drainTimeoutSeconds: 30 },
      topology: { routers: ['lb1'], colors: { blue: { web: ['app1'] }, green: { web: ['app2'] } }, addresses: { lb1: 'lb1', app1: 'app1', app2: 'app2' } },
      mode: 'njs', paths: DEFAULT_ROUTER_PATHS, listenPort: 80,
    });
    assert.equal(ROUTED_COLOR_HEADER, 'X-Bluegreen-Routed-Color');
    assert.match(conf, /map \$bg_log_via \$bg_routed_preview \{\n {4}preview \$bg_color;\n {4}default "";\n\}/);
    assert.match(conf, /\n {4}add_header X-Bluegreen-Routed-Color \$bg_routed_preview always;\n {4}proxy_hide_header X-Bluegreen-Routed-Color;\n/);
  });
});
