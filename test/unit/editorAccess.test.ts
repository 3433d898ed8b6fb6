// editorAccess: how every editor reader (tree, Docker events, traffic panel, Preview) may reach an
// environment — with the user's settings, and in Restricted Mode never at an address the
// workspace's own file names.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { parseConfig } from '../../src/core/config';
import type { BluegreenConfig } from '../../src/core/model';
import { environmentAccess } from '../../src/extension/editorAccess';

const TEXT = `
apps:
  web: { port: 3000, health: /health, route: /, deploy: ["d {{version}}"] }
environments:
  local:
    docker: {}
  remote:
    docker: { host: "tcp://10.9.9.9:2375" }
  production:
    ssh: {}
    routers: [lb1]
    colors: { blue: { web: [a1] }, green: { web: [a2] } }
`;

function config(): BluegreenConfig {
  const result = parseConfig(TEXT, path.join('/nowhere', 'bluegreen.yaml'));
  assert.ok(result.ok, JSON.stringify(!result.ok && result.errors));
  return result.config;
}

const SETTINGS = { dockerHost: 'unix:///home/me/docker.sock', sshPath: '/opt/ssh/bin/ssh' };

describe('editor access to environments', () => {
  it('uses the settings: the ssh binary, and the engine of a sandbox that names none', () => {
    const access = environmentAccess(config(), 'local', SETTINGS, true);
    assert.ok(access.ok);
    assert.equal(access.sshPath, '/opt/ssh/bin/ssh');
    assert.equal(access.env.kind === 'docker' && access.env.dockerHost, 'unix:///home/me/docker.sock');
    const remote = environmentAccess(config(), 'remote', SETTINGS, true);
    assert.ok(remote.ok);
    assert.equal(remote.env.kind === 'docker' && remote.env.dockerHost, 'tcp://10.9.9.9:2375');
  });

  it("in Restricted Mode refuses what the workspace's file names: an SSH environment, a Docker engine address", () => {
    const remote = environmentAccess(config(), 'remote', SETTINGS, false);
    assert.ok(!remote.ok);
    assert.equal(remote.reason, 'restricted');
    assert.match(remote.message, /tcp:\/\/10\.9\.9\.9:2375/);
    const production = environmentAccess(config(), 'production', SETTINGS, false);
    assert.ok(!production.ok && production.reason === 'restricted');
    // The user's own engine (the setting, which VS Code takes from the user in Restricted Mode) is fine.
    const local = environmentAccess(config(), 'local', SETTINGS, false);
    assert.ok(local.ok);
  });

  it('an environment name that is an Object property is just unknown', () => {
    for (const name of ['toString', '__proto__', 'constructor']) {
      const access = environmentAccess(config(), name, SETTINGS, true);
      assert.ok(!access.ok && access.reason === 'failed', name);
    }
  });
});
