// The hosts a stage connects to while it takes the lock (src/core/stages/hostsAhead.ts): a color's
// app hosts, each once, and for a switch the database's host on real hosts.
import * as assert from 'node:assert/strict';
import { parseConfig, formatConfigError } from '../../src/core/config';
import { openEnvironment } from '../../src/core/environment/openEnvironment';
import { colorHostsAhead, stageHostsAhead } from '../../src/core/stages/hostsAhead';

const CONFIG = [
  'apps:',
  '  api: { port: 8080, health: /health, route: /api/, deploy: ["/opt/bluegreen/bin/deploy api {{version}}"] }',
  '  web: { port: 3000, health: /health, route: /, deploy: ["/opt/bluegreen/bin/deploy web {{version}}"] }',
  'traffic:',
  '  initial: { blue: 100, green: 0 }',
  'environments:',
  '  sandbox:',
  '    docker: {}',
  '  production:',
  '    ssh: { user: deploy }',
  '    routers: [lb1, lb2]',
  '    colors:',
  '      blue:  { api: [app1], web: [app1, app2] }',
  '      green: { api: [app3], web: [app4] }',
  '    database: { host: db1, url: env:DATABASE_URL }',
  '  nodb:',
  '    ssh: { user: deploy }',
  '    routers: [lb1]',
  '    colors:',
  '      blue:  { api: [app1], web: [app1] }',
  '      green: { api: [app2], web: [app2] }',
  '',
].join('\n');

describe('hosts connected ahead of a stage', () => {
  const parsed = parseConfig(CONFIG, '/nowhere/bluegreen.yaml');
  if (!parsed.ok) throw new Error(parsed.errors.map(formatConfigError).join('\n'));
  const open = (env: string) => openEnvironment(parsed.config, env);

  it('a color\'s app hosts, each once, and the database\'s host when asked', () => {
    const production = open('production');
    assert.deepEqual(colorHostsAhead(production, 'blue'), ['app1', 'app2']);
    assert.deepEqual(colorHostsAhead(production, 'green', { database: true }), ['app3', 'app4', 'db1']);
    // A deploy of some apps: their hosts only.
    assert.deepEqual(colorHostsAhead(production, 'blue', { apps: ['api'] }), ['app1']);
    assert.deepEqual(colorHostsAhead(production, 'green', { apps: ['web'] }), ['app4']);
  });

  it('no database host where the environment names none, or where the sandbox runs it', () => {
    assert.deepEqual(colorHostsAhead(open('nodb'), 'green', { database: true }), ['app2']);
    const sandbox = open('sandbox');
    const hosts = colorHostsAhead(sandbox, 'green', { database: true });
    assert.deepEqual(hosts, colorHostsAhead(sandbox, 'green'));
    assert.ok(hosts.length > 0 && hosts.every((host) => host.includes('green')), hosts.join(', '));
  });

  it('each stage\'s hosts, as both faces ask for them: drain the color taking the users, switch the database too', () => {
    const production = open('production');
    assert.deepEqual(stageHostsAhead(production, { stage: 'drain', color: 'blue' }), ['app3', 'app4']);
    assert.deepEqual(stageHostsAhead(production, { stage: 'switch', color: 'green' }), ['app3', 'app4', 'db1']);
    assert.deepEqual(stageHostsAhead(production, { stage: 'deploy', color: 'blue', apps: ['api'] }), ['app1']);
    assert.deepEqual(stageHostsAhead(production, { stage: 'verify', color: 'blue' }), ['app1', 'app2']);
    assert.deepEqual(stageHostsAhead(production, { stage: 'canary', color: 'green' }), ['app3', 'app4']);
  });
});
