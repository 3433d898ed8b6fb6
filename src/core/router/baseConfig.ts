// The base nginx config of a router: an http-context include with an upstream per app per color,
// one server with a location per app route, the JSON access log, and the routing hook (njs
// `js_set`, or in files mode an `include` of the plan lookup and its tests in the server block).
// It changes only when the topology or the config changes; moving traffic changes the state
// document (and, in files mode, the plan files).
//
// WebSocket upgrades are passed to the chosen color like any request; an open connection stays
// on that color until it closes (a plan change decides new requests only).
//
// Both modes produce the same variable, `$bg_decision` = `color:via:segment:set-cookie`; the
// maps here split it, so the locations, the log and the cookie are the same in both modes.

import { COLORS, plainSite, type AppSpec, type RouterPaths, type RoutingMode, type SiteSpec, type Topology, type TrafficSpec } from '../model';
import {
  RouterRenderError,
  assertAppName,
  assertCookieName,
  headerVariable,
  quoteInterpolated,
  quotePath,
  quoteRoute,
  upstreamServer,
} from './escape';
import { planLookupServerLines } from './planFiles';
import { ROUTING_SCRIPT_EXPORT } from './routingScript';

export interface RenderInput {
  apps: AppSpec[];
  traffic: TrafficSpec;
  topology: Topology;
  mode: RoutingMode;
  paths: RouterPaths;
  listenPort: number;
  /** Address to listen on (e.g. `127.0.0.1` in tests); all addresses when absent. */
  listenAddress?: string;
  /**
   * How users reach the router (real hosts' `site:`): its listeners, names and TLS, or include
   * mode. Absent: plain HTTP on listenPort for any name.
   */
  site?: SiteSpec;
  /**
   * A second destination for the same access-log lines. The sandbox passes `/dev/stdout` so
   * Docker collects them, while the file at `paths.accessLog` serves `tail -F` as on a real host.
   */
  mirrorAccessLog?: string;
}

/** The location that returns the state document, reachable from the router itself only. */
export const STATE_LOCATION = '/__bluegreen/state';
export const LOG_FORMAT_NAME = 'bluegreen_json';
/** The access-log keys, in order; the log parser relies on exactly these. */
export const ACCESS_LOG_KEYS = [
  'time', 'msec', 'router', 'app', 'color', 'via', 'segment', 'status', 'request_time', 'upstream_time', 'method', 'uri',
] as const;

const UPSTREAM_KEEPALIVE = 32;
/**
 * On preview requests, the router names the color it sent the request to; an upstream cannot
 * set it (hidden), so `verify` learns what served from the router, not from the app.
 */
export const ROUTED_COLOR_HEADER = 'X-Bluegreen-Routed-Color';
/** What users get before the first release: a clear answer instead of a proxy error. */
export const NOT_RELEASED_TEXT = 'Not released yet: no color serves users here.';
const NOT_RELEASED_LOCATION = '/__bluegreen/not-released';

export function upstreamName(app: string, color: string): string {
  return `${app}_${color}`;
}

function logFormat(): string {
  // Numbers unquoted (nginx always gives them); upstream_time stays a string ("-", "0.002, 0.001").
  const fields: Record<(typeof ACCESS_LOG_KEYS)[number], string> = {
    time: '"$time_iso8601"',
    msec: '$msec',
    router: '"$hostname"',
    app: '"$bg_app"',
    color: '"$bg_log_color"',
    via: '"$bg_log_via"',
    segment: '"$bg_log_segment"',
    status: '$status',
    request_time: '$request_time',
    upstream_time: '"$upstream_response_time"',
    method: '"$request_method"',
    uri: '"$request_uri"',
  };
  const json = `{${ACCESS_LOG_KEYS.map((key) => `"${key}":${fields[key]}`).join(',')}}`;
  return `log_format ${LOG_FORMAT_NAME} escape=json '${json}';`;
}

function upstreams(input: RenderInput): string[] {
  const lines: string[] = [];
  for (const app of input.apps) {
    assertAppName(app.name);
    for (const color of COLORS) {
      const hosts = input.topology.colors[color]?.[app.name] ?? [];
      if (hosts.length === 0) {
        throw new RouterRenderError(`topology has no ${color} host for app "${app.name}": every app needs hosts in both colors`);
      }
      lines.push(`upstream ${upstreamName(app.name, color)} {`);
      for (const host of hosts) {
        const address = input.topology.addresses[host] ?? host;
        lines.push(`    server ${upstreamServer(address, app.port)} max_fails=1 fail_timeout=5s;`);
      }
      lines.push(`    keepalive ${UPSTREAM_KEEPALIVE};`, '    keepalive_timeout 60s;', '}');
    }
  }
  return lines;
}

function locations(input: RenderInput): string[] {
  const seen = new Set<string>();
  const sorted = [...input.apps].sort((a, b) => b.route.length - a.route.length || a.route.localeCompare(b.route));
  const lines: string[] = [];
  for (const app of sorted) {
    const route = quoteRoute(app.route);
    if (seen.has(app.route)) throw new RouterRenderError(`route "${app.route}" is used by more than one app`);
    seen.add(app.route);
    lines.push(
      `    location ${route} {`,
      `        set $bg_app ${app.name};`,
      // No color decided: the plan sends nobody anywhere yet (before the first release).
      '        if ($bg_color = "") {',
      `            rewrite ^ ${NOT_RELEASED_LOCATION} last;`,
      '        }',
      // Variables in proxy_pass name the upstream group; the request URI is passed unchanged.
      `        proxy_pass http://${app.name}_$bg_color;`,
      '    }',
    );
  }
  return lines;
}

function routingHook(input: RenderInput): string[] {
  const paths = input.paths;
  if (input.mode === 'files') {
    return [
      '# No njs: the plan is files the server block tests per request (see the lookup); no reload moves traffic.',
      `include ${quotePath('plan lookup path', paths.planLookup)};`,
    ];
  }
  const fallback = {
    plan: { weights: { blue: input.traffic.initial.blue, green: input.traffic.initial.green }, segments: [] },
    segments: {},
    preview: { header: input.traffic.preview.header, cookie: input.traffic.preview.cookie },
    stickyCookie: input.traffic.stickyCookie,
  };
  return [
    '# The plan is read at run time from the state document: moving traffic needs no reload.',
    `js_import bluegreen_routing from ${quotePath('routing script path', paths.routingScript)};`,
    `js_var $bg_state_path ${quotePath('state path', paths.state)};`,
    '# Used only while the state document cannot be read: traffic.initial.',
    `js_var $bg_fallback_state ${quoteInterpolated('fallback state', JSON.stringify(fallback))};`,
    `js_set $bg_decision bluegreen_routing.${ROUTING_SCRIPT_EXPORT};`,
  ];
}

function listen(input: RenderInput, port: number): string {
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new RouterRenderError(`listen port ${port} must be an integer 1-65535`);
  }
  return input.listenAddress === undefined ? `${port}` : upstreamServer(input.listenAddress, port);
}

/** The site's listeners, names and TLS files, as the server block's first lines. */
function listenLines(input: RenderInput, site: SiteSpec): string[] {
  const lines: string[] = [];
  if (site.http !== undefined) lines.push(`    listen ${listen(input, site.http)};`);
  if (site.https) {
    lines.push(
      `    listen ${listen(input, site.https.port)} ssl;`,
      `    ssl_certificate ${quotePath('TLS certificate path', site.https.certificate)};`,
      `    ssl_certificate_key ${quotePath('TLS key path', site.https.key)};`,
    );
  }
  if (lines.length === 0) throw new RouterRenderError('the site has no listener: give it http or https');
  if (site.serverNames.length) lines.push(`    server_name ${site.serverNames.map((name) => serverName(name)).join(' ')};`);
  return lines;
}

function serverName(name: string): string {
  if (!/^(\*\.)?[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/.test(name)) {
    throw new RouterRenderError(`server name "${name}" must be a host name or *.domain`);
  }
  return name;
}

/** The site a render uses: the input's, or plain HTTP on listenPort for any name. */
function siteOf(input: RenderInput): SiteSpec {
  return input.site ?? plainSite(input.listenPort);
}

/**
 * Include mode: the routing the operator's own server block includes (`include` of
 * paths.siteSnippet inside it), exact bytes. Its listeners, names and TLS are the operator's.
 */
export function renderSiteSnippet(input: RenderInput): string {
  return [
    `# Managed by bluegreen: include this file in the server block users reach (include ${input.paths.siteSnippet};).`,
    '# It routes each app location to the color the plan chooses and logs for the traffic reader.',
    ...serverBody(input).map((line) => line.replace(/^ {4}/, '')),
    '',
  ].join('\n');
}

/** Everything inside the server block but its listeners: the product's server block, or the site snippet. */
function serverBody(input: RenderInput): string[] {
  return [
    '    set $bg_app "";',
    `    access_log ${quotePath('access log path', input.paths.accessLog)} ${LOG_FORMAT_NAME};`,
    ...(input.mirrorAccessLog ? [`    access_log ${quotePath('access log mirror', input.mirrorAccessLog)} ${LOG_FORMAT_NAME};`] : []),
    '    add_header Set-Cookie $bg_cookie_out always;',
    `    add_header ${ROUTED_COLOR_HEADER} $bg_routed_preview always;`,
    `    proxy_hide_header ${ROUTED_COLOR_HEADER};`,
    '',
    '    proxy_http_version 1.1;',
    '    proxy_set_header Upgrade $http_upgrade;',
    '    proxy_set_header Connection $bg_connection_upgrade;',
    '    proxy_set_header Host $host;',
    '    proxy_set_header X-Real-IP $remote_addr;',
    '    proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;',
    '    proxy_set_header X-Forwarded-Proto $scheme;',
    '    proxy_set_header X-Bluegreen-Color $bg_color;',
    '    proxy_connect_timeout 3s;',
    '    # Retries stay inside the chosen color: each upstream group holds one color only.',
    '    proxy_next_upstream error timeout http_502 http_503 http_504;',
    '    proxy_next_upstream_tries 3;',
    '    proxy_next_upstream_timeout 10s;',
    '',
    ...(input.mode === 'files' ? [...planLookupServerLines(input), ''] : []),
    `    location = ${STATE_LOCATION} {`,
    '        allow 127.0.0.1;',
    '        allow ::1;',
    '        deny all;',
    '        access_log off;',
    `        alias ${quotePath('state path', input.paths.state)};`,
    '        default_type application/json;',
    '        add_header Cache-Control "no-store" always;',
    '    }',
    '',
    `    location = ${NOT_RELEASED_LOCATION} {`,
    '        internal;',
    '        default_type text/plain;',
    '        add_header Cache-Control "no-store" always;',
    `        return 503 "${NOT_RELEASED_TEXT}\\n";`,
    '    }',
    '',
    ...locations(input),
  ];
}

/** The http-context include for one router, exact bytes. */
export function renderBaseConfig(input: RenderInput): string {
  if (input.apps.length === 0) throw new RouterRenderError('no apps to route');
  // Checked here too so a bad name fails the render, not a later plan render.
  headerVariable(input.traffic.preview.header);
  assertCookieName(input.traffic.preview.cookie);
  assertCookieName(input.traffic.stickyCookie);
  const site = siteOf(input);
  const lines = [
    `# Managed by bluegreen (mode ${input.mode}). Changes when the topology or the config changes.`,
    logFormat(),
    '',
    ...routingHook(input),
    '',
    '# $bg_decision is color:via:segment:set-cookie, decided once per request.',
    'map $bg_decision $bg_color {',
    '    "~^(blue|green):" $1;',
    '    default "";',
    '}',
    'map $bg_decision $bg_via {',
    '    "~^[^:]*:([^:]*):" $1;',
    '    default "";',
    '}',
    'map $bg_decision $bg_segment {',
    '    "~^[^:]*:[^:]*:([^:]*):" $1;',
    '    default "";',
    '}',
    'map $bg_decision $bg_set_cookie {',
    '    "~^[^:]*:[^:]*:[^:]*:(.+)$" $1;',
    '    default "";',
    '}',
    '# Only requests to an app location are decided (and logged with a color, given a cookie).',
    'map $bg_app $bg_log_color {',
    '    "" "";',
    '    default $bg_color;',
    '}',
    'map $bg_app $bg_log_via {',
    '    "" "";',
    '    default $bg_via;',
    '}',
    'map $bg_app $bg_log_segment {',
    '    "" "";',
    '    default $bg_segment;',
    '}',
    'map $bg_app $bg_cookie_out {',
    '    "" "";',
    '    default $bg_set_cookie;',
    '}',
    'map $bg_log_via $bg_routed_preview {',
    '    preview $bg_color;',
    '    default "";',
    '}',
    '# WebSocket upgrades pass through; other requests send no Connection header, so the',
    '# upstream keep-alive connections are reused.',
    'map $http_upgrade $bg_connection_upgrade {',
    '    default upgrade;',
    '    "" "";',
    '}',
    '',
    ...upstreams(input),
    '',
    ...(site.include ? [
      `# The routing is in ${input.paths.siteSnippet}: your own server block includes it.`,
      '# Its locations set $bg_app; declared here too, so this file loads before that include exists.',
      'map "" $bg_app {',
      '    default "";',
      '}',
      ...(input.mode === 'files' ? [
        'map "" $bg_plan_choice {',
        '    default "";',
        '}',
        ...(input.traffic.segments.length ? ['map "" $bg_plan_segments {', '    default "";', '}'] : []),
      ] : []),
    ] : [
      'server {',
      ...listenLines(input, site),
      ...serverBody(input),
      '}',
    ]),
  ];
  return `${lines.join('\n')}\n`;
}
