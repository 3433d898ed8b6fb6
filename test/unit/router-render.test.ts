import * as assert from 'node:assert/strict';
import { type TrafficPlan, type TrafficSpec } from '../../src/core/model';
import { DEFAULT_ROUTER_PATHS } from '../../src/core/hostCommands/layout';
import {
  ACCESS_LOG_KEYS,
  initialState,
  nextState,
  renderBaseConfig,
  MAX_FILES_MODE_SEGMENTS,
  planFileNames,
  renderPlanLookup,
  renderRouterFiles,
  renderRoutingScript,
  type RenderInput,
} from '../../src/core/router';
import { quoteInterpolated, quoteLiteral, quotePath, regexLiteral, upstreamServer } from '../../src/core/router/escape';

const traffic: TrafficSpec = {
  initial: { blue: 100, green: 0 },
  segments: [{ name: 'odd', match: { kind: 'userAgent', regex: String.raw`^a{2}"\d$}`, caseInsensitive: false } }],
  preview: { header: 'X-Bluegreen-Preview', cookie: 'bluegreen_preview' },
  canary: { windowSeconds: 60, maxErrorRate: 0.01, maxP95Ms: 800 },
  stickyCookie: 'bluegreen_bucket',
  drainTimeoutSeconds: 30,
};

function input(overrides: Partial<RenderInput> = {}): RenderInput {
  return {
    apps: [
      { name: 'web', port: 3000, health: '/health', route: '/', deploy: [] },
      { name: 'api', port: 8080, health: '/health', route: '/api/', deploy: [] },
    ],
    traffic,
    topology: {
      routers: ['lb1'],
      colors: { blue: { api: ['app1'], web: ['app1', 'app2'] }, green: { api: ['app3'], web: ['app3'] } },
      addresses: { app1: '10.0.0.1', app3: 'fd00::3' },
    },
    mode: 'njs',
    paths: DEFAULT_ROUTER_PATHS,
    listenPort: 80,
    ...overrides,
  };
}

describe('router escaping', () => {
  it('quotes literals so backslashes and quotes stay inside the string', () => {
    assert.equal(quoteLiteral('x', String.raw`a\d"b{$}`), String.raw`"a\\d\"b{$}"`);
    assert.equal(regexLiteral('a.b*(c)'), String.raw`a\.b\*\(c\)`);
  });

  it('refuses newlines, control characters and $ where nginx interpolates', () => {
    assert.throws(() => quoteLiteral('regex', 'a\nb'), /newline/);
    assert.throws(() => quoteLiteral('regex', 'a\u0000b'), /control character/);
    assert.throws(() => quoteInterpolated('value', 'a$b'), /variable/);
    assert.throws(() => quotePath('state path', 'relative/state.json'), /absolute/);
    assert.throws(() => quotePath('state path', '/tmp/a;b'), /unsafe/);
  });

  it('writes upstream addresses as host:port and refuses anything else', () => {
    assert.equal(upstreamServer('app1.internal', 80), 'app1.internal:80');
    assert.equal(upstreamServer('10.1.2.3', 8080), '10.1.2.3:8080');
    assert.equal(upstreamServer('fd00::1', 8080), '[fd00::1]:8080');
    assert.throws(() => upstreamServer('app1; server evil', 80), /not a host name/);
    assert.throws(() => upstreamServer('app1', 0), /1-65535/);
  });
});

describe('router rendering', () => {
  it('renders upstreams per app per color, longest route first, and the JSON log format', () => {
    const config = renderBaseConfig(input());
    assert.match(config, /upstream web_blue \{\n {4}server 10\.0\.0\.1:3000 [^\n]*\n {4}server app2:3000 /);
    assert.match(config, /upstream api_green \{\n {4}server \[fd00::3\]:8080 /);
    assert.ok(config.indexOf('location "/api/"') < config.indexOf('location "/"'));
    assert.match(config, /proxy_pass http:\/\/api_\$bg_color;/);
    assert.match(config, /js_set \$bg_decision bluegreen_routing\.decide;/);
    for (const key of ACCESS_LOG_KEYS) assert.ok(config.includes(`"${key}":`), key);
    assert.match(config, /access_log "\/var\/log\/nginx\/bluegreen\.access\.log" bluegreen_json;/);
  });

  it('includes the plan lookup instead of njs in files mode, and tests the plan files in the server block', () => {
    const config = renderBaseConfig(input({ mode: 'files' }));
    assert.ok(!config.includes('js_'));
    assert.match(config, /include "\/etc\/bluegreen\/plan\.conf";/);
    assert.match(config, /if \(-f "\/var\/lib\/bluegreen\/plan\/current\/green-\$bg_plan_bucket"\) \{\n {8}set \$bg_plan_choice "green:split::\$bg_plan_new_cookie";/);
    // Later tests override earlier ones: split, then unreleased, then the segments.
    assert.ok(config.indexOf('/green-$bg_plan_bucket') < config.indexOf('/unreleased"'));
    assert.ok(config.indexOf('/unreleased"') < config.indexOf('/segment-$bg_plan_segments-0-blue"'));
  });

  it('spells a plan as file names: green\'s buckets, unreleased, and the first plan segment per combination of matches', () => {
    const two = { ...traffic, segments: [{ name: 'mobile', match: { kind: 'userAgent' as const, regex: 'mobile', caseInsensitive: true } }, ...traffic.segments] };
    const start = initialState(two, { blue: {}, green: {} }, 't');
    const spell = (plan: TrafficPlan) => planFileNames(nextState(start, plan, { changedBy: 't', stage: 's' }), two);
    assert.deepEqual(spell({ weights: { blue: 100, green: 0 }, segments: [] }), []);
    assert.deepEqual(spell({ weights: { blue: 97, green: 3 }, segments: [] }), ['green-97', 'green-98', 'green-99']);
    assert.equal(spell({ weights: { blue: 0, green: 100 }, segments: [] }).length, 100);
    assert.deepEqual(spell({ weights: { blue: 0, green: 0 }, segments: [] }), ['unreleased']);
    // The config's segments are [mobile, odd]: the first digit is mobile. The plan lists odd first, so a request
    // in both segments goes where odd says.
    assert.deepEqual(spell({ weights: { blue: 100, green: 0 }, segments: [{ name: 'odd', color: 'blue' }, { name: 'mobile', color: 'green' }] }), [
      'segment-01-1-blue', 'segment-10-0-green', 'segment-11-1-blue',
    ]);
    const tooMany = { ...traffic, segments: Array.from({ length: MAX_FILES_MODE_SEGMENTS + 1 }, (_, i) => ({ name: `s${i}`, match: { kind: 'header' as const, name: `X-S${i}` } })) };
    assert.throws(() => renderPlanLookup(input({ mode: 'files', traffic: tooMany })), /at most 8 segments.*hosts setup --install/);
  });

  it('refuses values it cannot place safely', () => {
    assert.throws(() => renderBaseConfig(input({ apps: [{ name: 'web;x', port: 1, health: '/', route: '/', deploy: [] }] })), /app name/);
    assert.throws(() => renderBaseConfig(input({ apps: [{ name: 'web', port: 3000, health: '/', route: '/a b', deploy: [] }] })), /route/);
    assert.throws(() => renderBaseConfig(input({ paths: { ...DEFAULT_ROUTER_PATHS, state: '/var/$x/state.json' } })), /state path/);
    assert.throws(() => renderBaseConfig(input({ paths: { ...DEFAULT_ROUTER_PATHS, accessLog: '/var/log/x\n' } })), /newline/);
    const badHeader = { ...traffic, preview: { header: 'X_Preview', cookie: 'c' } };
    assert.throws(() => renderBaseConfig(input({ traffic: badHeader })), /header name/);
    const noGreen = input();
    noGreen.topology = { ...noGreen.topology, colors: { blue: noGreen.topology.colors.blue, green: { web: ['app3'] } } };
    assert.throws(() => renderBaseConfig(noGreen), /no green host for app "api"/);
  });

  it('writes segment regexes as data in the state and escaped in the plan lookup', () => {
    const state = nextState(initialState(traffic, { blue: {}, green: {} }, 't'), { weights: { blue: 100, green: 0 }, segments: [{ name: 'odd', color: 'green' }] }, { changedBy: 't', stage: 's' });
    const lookup = renderPlanLookup(input({ mode: 'files' }));
    assert.ok(lookup.includes(String.raw`"~^a{2}\"\\d$}" 1;`), lookup);
    const files = renderRouterFiles(input(), state);
    assert.equal(JSON.parse(files.state).segments.odd.regex, String.raw`^a{2}"\d$}`);
    assert.equal(files.routingScript, renderRoutingScript());
    assert.equal(files.planLookup, undefined);
    const bad = { ...traffic, segments: [{ name: 'odd', match: { kind: 'userAgent' as const, regex: 'a\nb', caseInsensitive: false } }] };
    assert.throws(() => renderPlanLookup(input({ mode: 'files', traffic: bad })), /newline/);
  });

  it('refuses a state whose sticky cookie differs from the config', () => {
    const state = { ...initialState(traffic, { blue: {}, green: {} }, 't'), stickyCookie: 'other' };
    assert.throws(() => renderRouterFiles(input(), state), /sticky cookie/);
  });
});
