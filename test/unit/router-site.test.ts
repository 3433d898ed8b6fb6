// The site a router serves users on (`site:`): the product's server block with its listeners,
// names and TLS — or, in include mode, no server block and a snippet the operator includes — and
// the reads hosts setup runs about a router's own sites.
import * as assert from 'node:assert/strict';
import { DEFAULT_ROUTER_PATHS } from '../../src/core/hostCommands/layout';
import { initialState, renderBaseConfig, renderRouterFiles, type RenderInput } from '../../src/core/router';
import { renderSiteSnippet } from '../../src/core/router/baseConfig';
import { nginxConfigDumpCommand, siteAnswersCommand, siteTlsFilesCommand } from '../../src/core/hostCommands/siteCommands';
import type { SiteSpec, TrafficSpec } from '../../src/core/model';

const traffic: TrafficSpec = {
  initial: { blue: 100, green: 0 }, segments: [], preview: { header: 'X-Bluegreen-Preview', cookie: 'bluegreen_preview' },
  canary: { windowSeconds: 60, maxErrorRate: 0.01, maxP95Ms: 800 }, stickyCookie: 'bluegreen_split', drainTimeoutSeconds: 30,
};

function input(site: SiteSpec): RenderInput {
  return {
    apps: [{ name: 'web', port: 3000, health: '/health', route: '/', deploy: [] }],
    traffic,
    topology: { routers: ['lb1'], colors: { blue: { web: ['app1'] }, green: { web: ['app2'] } }, addresses: {} },
    mode: 'njs', paths: DEFAULT_ROUTER_PATHS, listenPort: 80, site,
  };
}

const TLS = { port: 443, certificate: '/etc/ssl/certs/shop.pem', key: '/etc/ssl/private/shop.key' };

describe('the site users reach a router on', () => {
  it('the server block listens on the site\'s ports, TLS with its files, under its names', () => {
    const text = renderBaseConfig(input({ serverNames: ['shop.example', '*.shop.example'], http: 8080, https: TLS, include: false }));
    const server = text.slice(text.indexOf('server {'));
    assert.match(server, /^server \{\n {4}listen 8080;\n {4}listen 443 ssl;\n {4}ssl_certificate "\/etc\/ssl\/certs\/shop\.pem";\n {4}ssl_certificate_key "\/etc\/ssl\/private\/shop\.key";\n {4}server_name shop\.example \*\.shop\.example;\n/);
    assert.doesNotMatch(text, /listen 80;/);
  });

  it('HTTPS only: no plain listener', () => {
    const text = renderBaseConfig(input({ serverNames: [], https: TLS, include: false }));
    assert.match(text, /listen 443 ssl;/);
    assert.doesNotMatch(text, /listen \d+;/);
  });

  it('refuses a site with no listener, a bad name or a TLS path nginx would misread', () => {
    assert.throws(() => renderBaseConfig(input({ serverNames: [], include: false })), /no listener/);
    assert.throws(() => renderBaseConfig(input({ serverNames: ['shop example'], http: 80, include: false })), /server name/);
    assert.throws(() => renderBaseConfig(input({ serverNames: [], https: { ...TLS, key: '/etc/ssl/a;b' }, include: false })), /TLS key path/);
  });

  it('include mode: the base config has upstreams and maps but no server block; the snippet holds the routing for the operator\'s', () => {
    const site: SiteSpec = { serverNames: ['shop.example'], https: TLS, include: true };
    const files = renderRouterFiles(input(site), initialState(traffic, { blue: {}, green: {} }, 't'));
    assert.doesNotMatch(files.baseConfig, /server \{/);
    assert.match(files.baseConfig, /upstream web_blue \{/);
    assert.match(files.baseConfig, /# The routing is in \/etc\/bluegreen\/site\.conf: your own server block includes it\./);
    assert.equal(files.siteSnippet, renderSiteSnippet(input(site)));
    assert.match(files.siteSnippet ?? '', /^# Managed by bluegreen: include this file in the server block users reach \(include \/etc\/bluegreen\/site\.conf;\)\./);
    assert.match(files.siteSnippet ?? '', /^location = \/__bluegreen\/state \{$/m);
    assert.match(files.siteSnippet ?? '', /^access_log "\/var\/log\/nginx\/bluegreen\.access\.log" bluegreen_json;$/m);
    assert.doesNotMatch(files.siteSnippet ?? '', /listen|server_name|ssl_certificate/);
  });

  it('without site: plain HTTP on the listen port for any name, as before', () => {
    const files = renderRouterFiles({ ...input({ serverNames: [], http: 80, include: false }), site: undefined }, initialState(traffic, { blue: {}, green: {} }, 't'));
    assert.match(files.baseConfig, /server \{\n {4}listen 80;\n {4}set \$bg_app "";/);
    assert.equal(files.siteSnippet, undefined);
  });

  it('the reads hosts setup runs: nginx -T as root, each site\'s answer, the TLS files', () => {
    const lb = { paths: DEFAULT_ROUTER_PATHS, sudo: true };
    assert.equal(nginxConfigDumpCommand(lb).script, 'nginx -T 2>&1');
    assert.equal(nginxConfigDumpCommand(lb).sudo, true);
    assert.equal(siteAnswersCommand([
      { url: 'http://127.0.0.1:80/', hostHeader: 'shop.example', insecure: false },
      { url: 'https://shop.example:443/', resolve: 'shop.example:443:127.0.0.1', insecure: true },
    ]).script,
    "curl -s -o /dev/null -w '%{http_code}\\n' --max-time 5 -H 'Host: shop.example' http://127.0.0.1:80/ || true; "
      + "curl -s -o /dev/null -w '%{http_code}\\n' --max-time 5 -k --resolve shop.example:443:127.0.0.1 https://shop.example:443/ || true");
    assert.equal(siteTlsFilesCommand(lb, { serverNames: [], https: TLS, include: false }).script,
      '[ -f /etc/ssl/certs/shop.pem ] && [ -r /etc/ssl/certs/shop.pem ] || echo /etc/ssl/certs/shop.pem; '
      + '[ -f /etc/ssl/private/shop.key ] && [ -r /etc/ssl/private/shop.key ] || echo /etc/ssl/private/shop.key; true');
  });
});
