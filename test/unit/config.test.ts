// parseConfig: each bad input reports the exact path and line:column; valid input becomes the model.

import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { formatConfigError, parseConfig } from '../../src/core/config';
import type { ConfigResult } from '../../src/core/config';

const FILE = path.join('/nowhere', 'bluegreen.yaml');

/** A valid config; tests replace single lines so every other position stays where it is. */
const BASE = [
  'apps:', // 1
  '  api:', // 2
  '    port: 8080', // 3
  '    health: /health', // 4
  '    route: /api/', // 5
  '    deploy: ["/opt/bluegreen/bin/deploy api {{version}}"]', // 6
  '  web:', // 7
  '    port: 3000', // 8
  '    health: /health', // 9
  '    route: /', // 10
  '    deploy: ["/opt/bluegreen/bin/deploy web {{version}}", "echo {{artifact}}"]', // 11
  'traffic:', // 12
  '  initial: { blue: 50, green: 50 }', // 13
  '  segments:', // 14
  '    mobile: { userAgent: "(?i)(android|iphone|ipad|mobile)" }', // 15
  '    beta: { cookie: { name: beta_user, value: "1" } }', // 16
  '    staff: { header: X-Staff }', // 17
  '  preview: { header: X-Bluegreen-Preview, cookie: bluegreen_preview }', // 18
  'smoke:', // 19
  '  - { path: /api/version, expect: 200, contains: version }', // 20
  'release:', // 21
  '  - migrate', // 22
  '  - drain: green', // 23
  '  - canary: { color: green, segment: mobile }', // 24
  '  - pause: "Watch the panel."', // 25
  '  - switch: green', // 26
  'environments:', // 27
  '  sandbox:', // 28
  '    docker: { version: 1.0.0 }', // 29
  '  production:', // 30
  '    ssh: { user: deploy, options: { ConnectTimeout: 5 } }', // 31
  '    hosts:', // 32
  '      lb1: { ssh: lb1.example.com, address: 10.0.0.11 }', // 33
  '      app1: {}', // 34
  '      app2:', // 35
  '      app3: { port: 2222 }', // 36
  '      app4: { address: 10.0.0.24 }', // 37
  '    routers: [lb1]', // 38
  '    colors:', // 39
  '      blue:  { api: [app1], web: [app1, app2] }', // 40
  '      green: { api: [app3], web: [app3, app4] }', // 41
  '    database: { host: db1, url: env:DATABASE_URL }', // 42
];

/** BASE with lines replaced: `{ 13: '  initial: …' }`; a replacement may span several lines. */
function withLines(replacements: Record<number, string>): string {
  return BASE.map((line, i) => replacements[i + 1] ?? line).join('\n') + '\n';
}

function errorsOf(text: string): string[] {
  const result = parseConfig(text, FILE);
  assert.equal(result.ok, false, 'expected the config to be refused');
  return (result as Extract<ConfigResult, { ok: false }>).errors.map(formatConfigError);
}

function configOf(text: string) {
  const result = parseConfig(text, FILE);
  if (!result.ok) assert.fail(`expected a valid config, got:\n${result.errors.map(formatConfigError).join('\n')}`);
  return result.config;
}

describe('config: parseConfig', () => {
  describe('valid input', () => {
    it('parses the base example into the model, with defaults filled in', () => {
      const config = configOf(withLines({}));
      assert.equal(config.file, FILE);
      assert.deepEqual(config.apps[0], {
        name: 'api',
        port: 8080,
        health: '/health',
        route: '/api/',
        deploy: ['/opt/bluegreen/bin/deploy api {{version}}'],
      });
      assert.deepEqual(config.traffic, {
        initial: { blue: 50, green: 50 },
        segments: [
          { name: 'mobile', match: { kind: 'userAgent', regex: '(android|iphone|ipad|mobile)', caseInsensitive: true } },
          { name: 'beta', match: { kind: 'cookie', name: 'beta_user', value: '1' } },
          { name: 'staff', match: { kind: 'header', name: 'X-Staff' } },
        ],
        preview: { header: 'X-Bluegreen-Preview', cookie: 'bluegreen_preview' },
        canary: { windowSeconds: 60, maxErrorRate: 0.01, maxP95Ms: 800 },
        stickyCookie: 'bluegreen_split',
        drainTimeoutSeconds: 30,
      });
      assert.deepEqual(config.smoke, [{ path: '/api/version', expect: 200, contains: 'version' }]);
      assert.deepEqual(config.release, [
        { stage: 'migrate' },
        { stage: 'drain', color: 'green' },
        { stage: 'canary', color: 'green', segment: 'mobile' },
        { stage: 'pause', message: 'Watch the panel.' },
        { stage: 'switch', color: 'green' },
      ]);
      assert.deepEqual(config.database, { zombieAfterSeconds: 300, maxZombies: 5, maxConnectionShare: 0.8 });
      assert.deepEqual(config.environments.sandbox, {
        kind: 'docker',
        name: 'sandbox',
        routers: 2,
        hostsPerColor: 1,
        ssh: false,
        basePort: 0,
        initialVersion: '1.0.0',
        dockerHost: '',
      });
      assert.deepEqual(config.environments.production, {
        kind: 'ssh',
        name: 'production',
        site: { serverNames: [], http: 80, include: false },
        ssh: { user: 'deploy', sudo: true, options: { ConnectTimeout: '5' } },
        hosts: {
          lb1: { name: 'lb1', sshTarget: 'lb1.example.com', address: '10.0.0.11' },
          app1: { name: 'app1', sshTarget: 'app1', address: 'app1' },
          app2: { name: 'app2', sshTarget: 'app2', address: 'app2' },
          app3: { name: 'app3', sshTarget: 'app3', address: 'app3', port: 2222 },
          app4: { name: 'app4', sshTarget: 'app4', address: '10.0.0.24' },
          db1: { name: 'db1', sshTarget: 'db1', address: 'db1' },
        },
        routers: ['lb1'],
        colors: { blue: { api: ['app1'], web: ['app1', 'app2'] }, green: { api: ['app3'], web: ['app3', 'app4'] } },
        database: { host: 'db1', url: 'env:DATABASE_URL' },
      });
    });

    it('derives every host from routers and colors when hosts is absent', () => {
      const text = withLines({ 32: '    # no hosts', 33: '', 34: '', 35: '', 36: '', 37: '', 38: '    routers: [lb1, lb2]' });
      const env = configOf(text).environments.production;
      assert.equal(env.kind, 'ssh');
      if (env.kind !== 'ssh') return;
      assert.deepEqual(Object.keys(env.hosts).sort(), ['app1', 'app2', 'app3', 'app4', 'db1', 'lb1', 'lb2']);
      assert.deepEqual(env.hosts.lb2, { name: 'lb2', sshTarget: 'lb2', address: 'lb2' });
    });

    it('reads the other segment forms, a percent canary and the explicit defaults', () => {
      const config = configOf(withLines({
        16: '    beta: { cookie: beta_user }',
        17: '    staff: { header: { name: X-Staff, value: "yes" } }',
        18: '  canary: { window: 2m, maxErrorRate: 0.5%, maxP95: 1.5s }\n  stickyCookie: split',
        24: '  - canary: { color: green, percent: 10 }',
        29: '    docker: { routers: 1, hostsPerColor: 2, ssh: true, basePort: 18000, version: v2+build.7, host: "tcp://127.0.0.1:2375" }',
      }));
      assert.deepEqual(config.traffic.segments[1].match, { kind: 'cookie', name: 'beta_user' });
      assert.deepEqual(config.traffic.segments[2].match, { kind: 'header', name: 'X-Staff', value: 'yes' });
      assert.deepEqual(config.traffic.canary, { windowSeconds: 120, maxErrorRate: 0.005, maxP95Ms: 1500 });
      assert.deepEqual(config.traffic.preview, { header: 'X-Bluegreen-Preview', cookie: 'bluegreen_preview' });
      assert.equal(config.traffic.stickyCookie, 'split');
      assert.deepEqual(config.release[2], { stage: 'canary', color: 'green', percent: 10 });
      assert.deepEqual(config.environments.sandbox, {
        kind: 'docker', name: 'sandbox', routers: 1, hostsPerColor: 2, ssh: true, basePort: 18000,
        initialVersion: 'v2+build.7', dockerHost: 'tcp://127.0.0.1:2375',
      });
    });

    it('accepts `docker:` with nothing after it and an environment-less build', () => {
      const config = configOf(withLines({ 29: '    docker:' }));
      assert.equal(config.environments.sandbox.kind, 'docker');
      assert.equal(config.apps[0].build, undefined);
    });
    it('follows anchors and merge keys, pinning an error in a merged value to both places', () => {
      const text = withLines({
        2: '  api: &app',
        7: '  web:',
        8: '    <<: *app',
        9: '    port: 3000',
      });
      const config = configOf(text);
      assert.deepEqual(config.apps[1], { ...config.apps[0], name: 'web', port: 3000, route: '/', deploy: config.apps[1].deploy });
      assert.deepEqual(errorsOf(withLines({ 2: '  api: &app', 3: '    port: 0', 8: '    <<: *app' })), [
        'apps.api.port: must be between 1 and 65535, got 0 (bluegreen.yaml:3:11)',
        // web has no port of its own: its error points where the value is written and where it is merged.
        'apps.web.port: must be between 1 and 65535, got 0 (written here, merged at line 8) (bluegreen.yaml:3:11)',
        'apps.web.port: must be between 1 and 65535, got 0 (merged here from line 3) (bluegreen.yaml:8:9)',
      ]);
    });
  });

  describe('YAML errors', () => {
    it('reports malformed YAML at its line and column', () => {
      assert.deepEqual(errorsOf('apps:\n  api: { port: 8080\nenvironments: {}\n'), [
        'apps.api: YAML syntax error: this { is never closed (a flow map ends with }) (bluegreen.yaml:2:8)',
      ]);
    });

    it('reports an unclosed quote', () => {
      assert.deepEqual(errorsOf(withLines({ 4: '    health: "/health' })), [
        'apps.api.health: YAML syntax error: Missing closing "quote (bluegreen.yaml:4:21)',
      ]);
    });

    it('reports tabs used for indentation', () => {
      assert.deepEqual(errorsOf(withLines({ 3: '\tport: 8080' })), [
        'tab used for indentation: YAML indents with spaces only (bluegreen.yaml:3:1)',
      ]);
    });

    it('reports a duplicate key at the second occurrence, along with the other errors', () => {
      assert.deepEqual(errorsOf(withLines({ 4: '    port: 8081', 13: '  initial: { blue: 50, green: 60 }' })), [
        'apps.api: missing required key "health" (bluegreen.yaml:2:3)',
        'apps.api.port: duplicate key: this key appears earlier in the same mapping (bluegreen.yaml:4:5)',
        'traffic.initial: weights must sum to 100, got blue 50 + green 60 = 110 (bluegreen.yaml:13:12)',
      ]);
    });

    it('refuses an empty file and a file that is not a mapping', () => {
      assert.deepEqual(errorsOf(''), ['the config is empty: it needs at least apps and environments (bluegreen.yaml:1:1)']);
      assert.deepEqual(errorsOf('# nothing\n'), ['the config is empty: it needs at least apps and environments (bluegreen.yaml:1:1)']);
      assert.deepEqual(errorsOf('- apps\n'), ['expected a mapping, got a list (bluegreen.yaml:1:1)']);
    });
  });

  describe('shape errors', () => {
    it('reports wrong types with what was found', () => {
      assert.deepEqual(errorsOf(withLines({ 3: '    port: "8080"', 23: '  - drain: [green]', 31: '    ssh: { user: deploy, sudo: yes }' })), [
        'apps.api.port: expected an integer, got the string "8080" (bluegreen.yaml:3:11)',
        'release[1].drain: expected a string, got a list (bluegreen.yaml:23:12)',
        'release[1].drain: must be one of "blue", "green", got a list (bluegreen.yaml:23:12)',
        'environments.production.ssh.sudo: expected true or false, got the string "yes" (bluegreen.yaml:31:32)',
      ]);
    });

    it('reports unknown keys at the key, suggesting the near one', () => {
      assert.deepEqual(errorsOf(withLines({ 9: '    helth: /health', 20: '  - { path: /api/version, expected: 200 }' })), [
        'apps.web: missing required key "health" (bluegreen.yaml:7:3)',
        'apps.web.helth: unknown key "helth" (did you mean "health"?) (bluegreen.yaml:9:5)',
        'smoke[0].expected: unknown key "expected" (did you mean "expect"?) (bluegreen.yaml:20:27)',
      ]);
    });

    it('reports an unknown top-level key', () => {
      assert.deepEqual(errorsOf(withLines({ 19: 'smoke_tests:' })), [
        'smoke_tests: unknown key "smoke_tests" (did you mean "smoke"?) (bluegreen.yaml:19:1)',
      ]);
    });

    it('reports bad names at the key', () => {
      assert.deepEqual(errorsOf(withLines({ 7: '  Web_App:', 28: '  my sandbox:' })), [
        'apps.Web_App: invalid name "Web_App": use lowercase letters, digits and -, starting with a letter, at most 31 characters (bluegreen.yaml:7:3)',
        'environments.production.colors.blue: missing app "Web_App": every app needs hosts in both colors (bluegreen.yaml:40:14)',
        'environments.production.colors.blue.web: unknown app "web" (apps: api, Web_App) (bluegreen.yaml:40:29)',
        'environments.production.colors.green: missing app "Web_App": every app needs hosts in both colors (bluegreen.yaml:41:14)',
        'environments.production.colors.green.web: unknown app "web" (apps: api, Web_App) (bluegreen.yaml:41:29)',
        'environments["my sandbox"]: invalid name "my sandbox": use lowercase letters, digits and -, starting with a letter, at most 31 characters (bluegreen.yaml:28:3)',
      ].sort(byPosition));
    });

    it('reports a runbook step that is not one of the forms', () => {
      assert.deepEqual(errorsOf(withLines({ 22: '  - migrat', 23: '  - { drain: green, deploy: green }', 26: '  - switch: purple' })), [
        'release[0]: must be one of "migrate", "restore", got the string "migrat" (did you mean "migrate"?) (bluegreen.yaml:22:5)',
        'release[1]: must have exactly one of: drain, deploy, verify, switch, canary, pause (bluegreen.yaml:23:5)',
        'release[4].switch: must be one of "blue", "green", got the string "purple" (bluegreen.yaml:26:13)',
      ]);
    });

    it('requires an environment to be either docker or ssh, and ssh to have routers and colors', () => {
      assert.deepEqual(errorsOf(withLines({ 29: '    docker: {}\n    ssh: {}', 38: '    # no routers' })), [
        'environments.sandbox.ssh: an environment has either docker (the sandbox) or ssh (real hosts), not both (bluegreen.yaml:30:10)',
        'environments.production: missing required key "routers" (bluegreen.yaml:31:3)',
      ]);
    });

    it('refuses ssh-only keys in the sandbox and an environment with neither', () => {
      assert.deepEqual(errorsOf(withLines({ 29: '    docker: {}\n    routers: [lb1]', 31: '    # no ssh' })), [
        'environments.sandbox.routers: "routers" is only for ssh environments: the sandbox creates its own (bluegreen.yaml:30:5)',
        'environments.production: an environment needs docker (the local sandbox) or ssh (real hosts) (bluegreen.yaml:31:3)',
      ]);
    });
  });

  describe('cross-field rules', () => {
    it('refuses weights out of range and weights not summing to 100', () => {
      assert.deepEqual(errorsOf(withLines({ 13: '  initial: { blue: 150, green: -50 }' })), [
        'traffic.initial.blue: must be between 0 and 100, got 150 (bluegreen.yaml:13:20)',
        'traffic.initial.green: must be between 0 and 100, got -50 (bluegreen.yaml:13:32)',
      ]);
      assert.deepEqual(errorsOf(withLines({ 13: '  initial: { blue: 70, green: 20 }' })), [
        'traffic.initial: weights must sum to 100, got blue 70 + green 20 = 90 (bluegreen.yaml:13:12)',
      ]);
      assert.deepEqual(errorsOf(withLines({ 13: '  initial: { blue: 50.5, green: 49.5 }' })), [
        'traffic.initial.blue: expected an integer, got the number 50.5 (bluegreen.yaml:13:20)',
        'traffic.initial.green: expected an integer, got the number 49.5 (bluegreen.yaml:13:33)',
      ]);
    });

    it('refuses a host in both colors', () => {
      assert.deepEqual(errorsOf(withLines({ 41: '      green: { api: [app3], web: [app3, app1] }' })), [
        'environments.production.colors.green.web[1]: host "app1" is also in blue: a host belongs to one color (bluegreen.yaml:41:41)',
      ]);
    });

    it('refuses the same host twice in one list and the same router twice', () => {
      assert.deepEqual(errorsOf(withLines({ 38: '    routers: [lb1, lb1]', 40: '      blue:  { api: [app1], web: [app2, app2] }' })), [
        'environments.production.routers[1]: router "lb1" is listed twice (bluegreen.yaml:38:20)',
        'environments.production.colors.blue.web[1]: host "app2" is listed twice for app "web" (bluegreen.yaml:40:41)',
      ]);
    });

    it('refuses a host not listed under hosts', () => {
      assert.deepEqual(errorsOf(withLines({ 38: '    routers: [lb1, lb2]', 40: '      blue:  { api: [app9], web: [app1, app2] }' })), [
        'environments.production.routers[1]: unknown host "lb2" (bluegreen.yaml:38:20)',
        'environments.production.colors.blue.api[0]: unknown host "app9" (bluegreen.yaml:40:22)',
      ]);
    });

    it('requires every app in both colors and only known apps', () => {
      assert.deepEqual(errorsOf(withLines({ 40: '      blue:  { api: [app1] }', 41: '      green: { api: [app3], web: [app3, app4], admin: [app4] }' })), [
        'environments.production.colors.blue: missing app "web": every app needs hosts in both colors (bluegreen.yaml:40:14)',
        'environments.production.colors.green.admin: unknown app "admin" (apps: api, web) (bluegreen.yaml:41:48)',
      ]);
    });

    it('refuses a canary on an unknown segment, and one with both or neither of segment and percent', () => {
      assert.deepEqual(errorsOf(withLines({ 24: '  - canary: { color: green, segment: tablet }', 26: '  - canary: { color: green, segment: mobile, percent: 5 }' })), [
        'release[2].canary.segment: unknown segment "tablet" (defined segments: mobile, beta, staff) (bluegreen.yaml:24:38)',
        'release[4].canary: a canary step needs exactly one of segment or percent (bluegreen.yaml:26:13)',
      ]);
      assert.deepEqual(errorsOf(withLines({ 24: '  - canary: { color: green }' })), [
        'release[2].canary: a canary step needs exactly one of segment or percent (bluegreen.yaml:24:13)',
      ]);
    });

    it('refuses duplicate routes and a config without a "/" route', () => {
      assert.deepEqual(errorsOf(withLines({ 10: '    route: /api/' })), [
        'apps: no app has route "/": one app must answer the requests no other route matches (bluegreen.yaml:1:1)',
        'apps.web.route: route "/api/" is also the route of app "api" (bluegreen.yaml:10:12)',
      ]);
    });

    it('refuses a build context that does not exist, relative to the config file', () => {
      assert.deepEqual(errorsOf(withLines({ 6: '    deploy: ["deploy"]\n    build: { context: no/such/folder }' })), [
        'apps.api.build.context: build context "no/such/folder" is not a folder (looked for /nowhere/no/such/folder) (bluegreen.yaml:7:23)',
      ]);
    });

    it('refuses a sticky cookie equal to the preview cookie', () => {
      assert.deepEqual(errorsOf(withLines({ 18: '  preview: { cookie: bg }\n  stickyCookie: bg' })), [
        'traffic.stickyCookie: the sticky cookie and the preview cookie are both "bg"; they must differ (bluegreen.yaml:19:17)',
      ]);
    });
  });

  describe('values', () => {
    it('refuses a regex that does not compile and PCRE-only escapes', () => {
      assert.deepEqual(errorsOf(withLines({ 15: '    mobile: { userAgent: "(?i)(android|iphone" }', 17: '    staff: { userAgent: "\\\\AMozilla" }' })), [
        'traffic.segments.mobile.userAgent: invalid regular expression: Unterminated group (bluegreen.yaml:15:26)',
        'traffic.segments.staff.userAgent: regex uses \\A, which PCRE supports but JS reads as a plain "A"; njs and nginx would disagree (bluegreen.yaml:17:25)',
      ]);
    });

    it('refuses header and cookie names with characters HTTP forbids', () => {
      assert.deepEqual(errorsOf(withLines({ 16: '    beta: { cookie: { name: "beta;user", value: "1" } }', 17: '    staff: { header: "X Staff" }', 18: '  preview: { header: "X-Preview:", cookie: bluegreen_preview }' })), [
        'traffic.segments.beta.cookie.name: cookie name contains ";", which HTTP does not allow in a cookie name (RFC 6265 token) (bluegreen.yaml:16:29)',
        'traffic.segments.staff.header: header name contains a space, which HTTP does not allow in a header name (RFC 7230 token) (bluegreen.yaml:17:22)',
        'traffic.preview.header: header name contains ":", which HTTP does not allow in a header name (RFC 7230 token) (bluegreen.yaml:18:22)',
      ]);
    });

    it('refuses a version outside VERSION_PATTERN', () => {
      assert.deepEqual(errorsOf(withLines({ 29: '    docker: { version: "-1.0" }' })), [
        'environments.sandbox.docker.version: invalid version "-1.0": 1–64 characters of letters, digits and . _ + -, starting with a letter or digit (bluegreen.yaml:29:24)',
      ]);
    });

    it('refuses bad durations, percentages, env references and placeholders', () => {
      assert.deepEqual(errorsOf(withLines({ 18: '  canary: { window: 60, maxErrorRate: 1, maxP95: 1 minute }', 42: '    database: { host: db1, url: "postgres://u:secret@db1/app" }', 11: '    deploy: ["deploy web {{ version }} {{host}}"]' })), [
        'apps.web.deploy[0]: unknown placeholder "{{host}}": only {{version}} and {{artifact}} are substituted (bluegreen.yaml:11:14)',
        'traffic.canary.window: expected a string, got 60 (bluegreen.yaml:18:21)',
        'traffic.canary.maxErrorRate: expected a string, got 1 (bluegreen.yaml:18:39)',
        'traffic.canary.maxP95: invalid duration "1 minute": a number with a unit ms, s, m or h, e.g. 60s, 5m, 800ms (bluegreen.yaml:18:50)',
        'environments.production.database.url: must be env:NAME (the name of an environment variable holding the value; secrets never go in the file) (bluegreen.yaml:42:33)',
      ]);
    });
  });

  describe('injection attempts', () => {
    it('refuses a newline in a route', () => {
      assert.deepEqual(errorsOf(withLines({ 5: '    route: "/api/\\nlocation / { return 200; }"' })), [
        'apps.api.route: route contains a newline (bluegreen.yaml:5:12)',
      ]);
    });

    it('refuses ; { } and quotes in routes, paths and header values', () => {
      assert.deepEqual(errorsOf(withLines({
        4: '    health: "/health; return 200"',
        5: '    route: "/api/{x}"',
        9: `    health: "/h'"`,
        17: '    staff: { header: { name: X-Staff, value: "yes\\"; add_header X 1" } }',
        20: '  - { path: "/api/version}", expect: 200 }',
      })), [
        'apps.api.health: path contains ";" (bluegreen.yaml:4:13)',
        'apps.api.route: route contains "{" (bluegreen.yaml:5:12)',
        `apps.web.health: path contains a quote (') (bluegreen.yaml:9:13)`,
        'traffic.segments.staff.header.value: value contains a quote ("); allowed are visible ASCII characters except quotes, \\ ; { } $ , and spaces (bluegreen.yaml:17:46)',
        'smoke[0].path: path contains "}" (bluegreen.yaml:20:13)',
      ]);
    });

    it('refuses a quote and a newline in a regex, and an option-like ssh target', () => {
      assert.deepEqual(errorsOf(withLines({ 15: `    mobile: { userAgent: 'iphone"' }`, 17: '    staff: { userAgent: "a\\nb" }', 33: '      lb1: { ssh: "-oProxyCommand=sh", address: "10.0.0.11;" }' })), [
        'traffic.segments.mobile.userAgent: regex contains a quote ("); match it with \\x22 instead (bluegreen.yaml:15:26)',
        'traffic.segments.staff.userAgent: regex contains a newline; it must be a single line (bluegreen.yaml:17:25)',
        'environments.production.hosts.lb1.ssh: ssh target must not start with "-" (ssh would read it as an option) (bluegreen.yaml:33:19)',
        'environments.production.hosts.lb1.address: host name contains ";"; use letters, digits, - and . (or an IP address) (bluegreen.yaml:33:49)',
      ]);
    });
  });

  it('reports several errors together, sorted by position', () => {
    const errors = errorsOf(withLines({
      3: '    port: 70000',
      13: '  initial: { blue: 50, green: 40 }',
      17: '    staff: { header: X_Staff }',
      29: '    docker: { version: "1 0" }',
      40: '      blue:  { api: [app1], web: [app1, app3] }',
    }));
    assert.deepEqual(errors, [
      'apps.api.port: must be between 1 and 65535, got 70000 (bluegreen.yaml:3:11)',
      'traffic.initial: weights must sum to 100, got blue 50 + green 40 = 90 (bluegreen.yaml:13:12)',
      'traffic.segments.staff.header: header name contains "_": nginx ignores such headers unless underscores_in_headers is on (bluegreen.yaml:17:22)',
      'environments.sandbox.docker.version: invalid version "1 0": 1–64 characters of letters, digits and . _ + -, starting with a letter or digit (bluegreen.yaml:29:24)',
      'environments.production.colors.green.api[0]: host "app3" is also in blue: a host belongs to one color (bluegreen.yaml:41:22)',
      'environments.production.colors.green.web[0]: host "app3" is also in blue: a host belongs to one color (bluegreen.yaml:41:35)',
    ]);
  });

  it('gives each error its full range', () => {
    const result = parseConfig(withLines({ 3: '    port: 70000' }), FILE);
    assert.ok(!result.ok);
    const [error] = result.errors;
    assert.deepEqual(
      { line: error.line, column: error.column, endLine: error.endLine, endColumn: error.endColumn, length: error.endOffset - error.offset },
      { line: 3, column: 11, endLine: 3, endColumn: 16, length: 5 },
    );
    assert.equal(error.file, FILE);
  });
});

function byPosition(a: string, b: string): number {
  const pos = (s: string) => s.match(/:(\d+):(\d+)\)$/)!.slice(1).map(Number);
  const [la, ca] = pos(a);
  const [lb, cb] = pos(b);
  return la - lb || ca - cb;
}
