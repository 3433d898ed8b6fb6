// The config at its edges, as a careful operator finds them: host names that are the same host,
// bytes that are not UTF-8, values that validate passed but render or a stage could not use,
// YAML errors pinned where the fix goes, and control characters that must never reach a terminal.

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { formatConfigError, loadConfig, parseConfig } from '../../src/core/config';
import { checkDockerHost, checkHostName } from '../../src/core/config/values';
import { upstreamServer } from '../../src/core/router/escape';
import { topologyOf } from '../../src/core/topology';

const FILE = path.join('/nowhere', 'bluegreen.yaml');

const APPS = [
  'apps:',
  '  api: { port: 8080, health: /health, route: /api/, deploy: ["d api"] }',
  '  web: { port: 3000, health: /health, route: /, deploy: ["d web"] }',
];

function errorsOf(text: string): string[] {
  const result = parseConfig(text, FILE);
  assert.ok(!result.ok, 'the config should be refused');
  return result.errors.map(formatConfigError);
}

function production(lines: string[]): string {
  return [...APPS, 'environments:', '  production:', '    ssh: {}', ...lines].join('\n') + '\n';
}

describe('config: edges', () => {
  describe('host identity, as DNS compares names', () => {
    it('LB1 and lb1 are one router', () => {
      assert.deepEqual(errorsOf(production([
        '    routers: [lb1, LB1]',
        '    colors: { blue: { api: [a1], web: [a1] }, green: { api: [a2], web: [a2] } }',
      ])), ['environments.production.routers[1]: router "LB1" is listed twice (as "lb1") (bluegreen.yaml:7:20)']);
    });

    it('app.example.com. and app.example.com are one host, so it cannot be in both colors', () => {
      assert.deepEqual(errorsOf(production([
        '    routers: [lb1]',
        '    colors: { blue: { api: [app.example.com], web: [app.example.com] }, green: { api: [APP.example.com.], web: [b2] } }',
      ])), ['environments.production.colors.green.api[0]: host "APP.example.com." is also in blue (as "app.example.com"): a host belongs to one color (bluegreen.yaml:8:88)']);
    });

    it('two hosts entries for one host, a spelling that differs from hosts, two names at one address', () => {
      assert.deepEqual(errorsOf(production([
        '    hosts: { lb1: {}, LB1.: {}, a1: { address: 10.0.0.5 }, a2: { address: 10.0.0.5 }, b1: {} }',
        '    routers: [Lb1]',
        '    colors: { blue: { api: [a1], web: [a1] }, green: { api: [a2], web: [b1] } }',
      ])), [
        'environments.production.hosts["LB1."]: host "LB1." is the same host as "lb1" (host names ignore case and a trailing dot) (bluegreen.yaml:7:23)',
        'environments.production.routers[0]: host "Lb1" is listed under hosts as "lb1": write it the same way everywhere (bluegreen.yaml:8:15)',
        'environments.production.colors.green.api[0]: host "a2" is also in blue (as "a1", at the same address): a host belongs to one color (bluegreen.yaml:9:62)',
      ]);
    });
  });

  describe('input that is not UTF-8', () => {
    it('is refused at the line and column of the first bad byte, not read as U+FFFD', async () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bluegreen-utf8-'));
      try {
        const file = path.join(dir, 'bluegreen.yaml');
        const text = [...APPS, 'release:', '  - pause: "Caf\u00e9 ok"', 'environments: { sandbox: { docker: {} } }', ''].join('\n');
        // Latin-1 é (0xE9) where UTF-8 needs 0xC3 0xA9.
        fs.writeFileSync(file, Buffer.from(text, 'latin1'));
        const result = await loadConfig(file);
        assert.ok(!result.ok);
        assert.equal(result.errors.length, 1);
        assert.match(formatConfigError(result.errors[0]), /not UTF-8: byte 0xE9 .*\(bluegreen\.yaml:5:16\)$/);
        fs.writeFileSync(file, Buffer.from(text, 'utf8'));
        assert.ok((await loadConfig(file)).ok);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });
  });

  describe('values validate passes are values render and the stages can use', () => {
    it('an IPv6 address with a zone is refused; every host value validate accepts renders as an upstream', () => {
      assert.match(String(checkHostName('fe80::1%eth0')), /zone/);
      for (const host of ['app1', 'app1.example.com', 'app1.example.com.', 'APP1', '10.0.0.1', '::1', 'fe80::1', '2001:db8::ff00:42:8329', '::ffff:10.0.0.1', 'fe80::1%eth0', 'a-b.c-d']) {
        const accepted = checkHostName(host) === undefined;
        const renders = (() => { try { upstreamServer(host, 8080); return true; } catch { return false; } })();
        assert.ok(!accepted || renders, `${host} passes validate but cannot be rendered`);
      }
      assert.deepEqual(errorsOf(production([
        '    hosts: { lb1: { address: "fe80::1%eth0" }, a1: {}, a2: {} }',
        '    routers: [lb1]',
        '    colors: { blue: { api: [a1], web: [a1] }, green: { api: [a2], web: [a2] } }',
      ])), ['environments.production.hosts.lb1.address: IPv6 address "fe80::1%eth0" has a zone (%eth0), which an nginx upstream cannot use; give the address without it, or a host name (bluegreen.yaml:7:30)']);
    });

    it('a Docker engine address the engine client would misread is refused', () => {
      // unix://var/run/docker.sock reads "var" as a host and connects to /run/docker.sock.
      assert.match(String(checkDockerHost('unix://var/run/docker.sock')), /three slashes/);
      assert.match(String(checkDockerHost('tcp://host:99999')), /not a URL/);
      assert.match(String(checkDockerHost('tcp://[zz')), /not a URL/);
      for (const ok of ['', 'unix:///var/run/docker.sock', 'tcp://127.0.0.1:2375', 'ssh://me@engine.example.com']) assert.equal(checkDockerHost(ok), undefined, ok);
    });

    it('a sandbox whose container names would not be host names is refused (render could not use them)', () => {
      const text = (env: string) => [
        'apps:',
        '  a-very-long-application-name-xx: { port: 3000, health: /h, route: /, deploy: [d] }',
        'environments:',
        `  ${env}:`,
        '    docker: {}',
        '',
      ].join('\n');
      assert.deepEqual(errorsOf(text('a-very-long-environment-name-xx')), [
        'environments.a-very-long-environment-name-xx: the sandbox would name a container "bg-a-very-long-environment-name-xx-green-a-very-long-application-name-xx-1" (74 characters), longer than the 63 a host name may have: shorten the environment name or the app name "a-very-long-application-name-xx" by 11 (bluegreen.yaml:4:3)',
      ]);
      // Following the hint: 11 characters shorter, and render can place every upstream.
      const result = parseConfig(text('a-very-long-environm'), FILE);
      assert.ok(result.ok);
      const env = result.config.environments['a-very-long-environm'];
      const topology = topologyOf(result.config, env);
      for (const host of Object.values(topology.colors.green).flat()) upstreamServer(topology.addresses[host] ?? host, 3000);
    });

    it('a sandbox basePort whose ports would run past 65535 is refused', () => {
      const text = [...APPS, 'environments:', '  sandbox:', '    docker: { basePort: 65530, ssh: true }', ''].join('\n');
      assert.deepEqual(errorsOf(text), [
        'environments.sandbox.docker.basePort: the sandbox publishes 12 ports from 65530, up to 65541, beyond 65535: use a basePort of at most 65524, or 0 to let Docker pick (bluegreen.yaml:6:25)',
      ]);
      assert.ok(parseConfig(text.replace('65530', '65524'), FILE).ok);
    });

    it('two apps on one host cannot share a port', () => {
      const text = production([
        '    routers: [lb1]',
        '    colors: { blue: { api: [a1], web: [a1] }, green: { api: [a2], web: [a2] } }',
      ]).replace('port: 3000', 'port: 8080');
      assert.deepEqual(errorsOf(text), [
        'environments.production.colors.blue.web[0]: host "a1" runs apps "api" and "web", both on port 8080: apps sharing a host need different ports (bluegreen.yaml:8:40)',
        'environments.production.colors.green.web[0]: host "a2" runs apps "api" and "web", both on port 8080: apps sharing a host need different ports (bluegreen.yaml:8:73)',
      ]);
    });

    it('a pause message with a terminal escape sequence is refused, and the message does not carry it', () => {
      const errors = errorsOf([...APPS, 'release:', '  - pause: "ok\\e[2J\\e]0;owned\\u0007"', 'environments: { sandbox: { docker: {} } }', ''].join('\n'));
      assert.equal(errors.length, 1);
      assert.match(errors[0], /^release\[0\]\.pause: contains a control character \(U\+001B\); it must be a single line/);
      const c1 = errorsOf([...APPS, 'release:', '  - pause: "ok\\u009b2J"', 'environments: { sandbox: { docker: {} } }', ''].join('\n'));
      assert.match(c1[0], /control character \(U\+009B\)/);
    });
  });

  describe('YAML errors where the fix goes', () => {
    it('an unclosed [ or { is reported at the opener', () => {
      assert.deepEqual(errorsOf('apps:\n  api:\n    deploy: [a, b\n    route: /\nenvironments: {}\n'), [
        'apps.api.deploy: YAML syntax error: this [ is never closed (a flow sequence ends with ]) (bluegreen.yaml:3:13)',
      ]);
      assert.deepEqual(errorsOf('apps:\n  api: { port: 8080,\n\n    route: /\nenvironments: {}\n'), [
        'apps.api: YAML syntax error: this { is never closed (a flow map ends with }) (bluegreen.yaml:2:8)',
      ]);
    });

    it('an undefined alias is reported at the alias', () => {
      assert.deepEqual(errorsOf('apps:\n  api: *app\nenvironments:\n  sandbox: { docker: {} }\n'), [
        'apps.api: undefined alias *app: no anchor &app is set before it (bluegreen.yaml:2:8)',
      ]);
    });

    it('an error in a merged value is reported where it is written and where it is merged', () => {
      const text = [
        'apps:',
        '  api:',
        '    <<: &common { health: /health, deploy: ["d"], port: eighty }',
        '    route: /',
        'environments: { sandbox: { docker: {} } }',
        '',
      ].join('\n');
      assert.deepEqual(errorsOf(text), [
        'apps.api.port: expected an integer, got the string "eighty" (merged here from line 3) (bluegreen.yaml:3:17)',
        'apps.api.port: expected an integer, got the string "eighty" (written here, merged at line 3) (bluegreen.yaml:3:57)',
      ]);
    });
  });

  describe('control characters', () => {
    it('are never echoed raw in an error message', () => {
      const text = production([
        '    routers: ["lb\\e]0;owned\\u0007"]',
        '    colors: { blue: { api: [a1], web: [a1] }, green: { api: [a2], web: [a2] } }',
      ]);
      const errors = errorsOf(text);
      assert.ok(errors.length > 0);
      for (const error of errors) {
        // eslint-disable-next-line no-control-regex
        assert.doesNotMatch(error, /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/, error);
      }
      assert.ok(errors.some((e) => e.includes('U+001B')), errors.join('\n'));
      // A message that quotes the value shows the character as an escape.
      const named = errorsOf(['apps:', '  "w\\e[31mb": { port: 1, health: /h, route: /, deploy: [d] }', 'environments: { sandbox: { docker: {} } }', ''].join('\n'));
      assert.ok(named.some((e) => e.includes('invalid name "w\\x1b[31mb"')), named.join('\n'));
      assert.ok(named.every((e) => !e.includes('\u001b')), named.join('\n'));
    });
  });
});
