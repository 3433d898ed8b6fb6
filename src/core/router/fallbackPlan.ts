// Reload mode (routers without njs): the plan rendered as nginx directives — maps and a
// split_clients — that define `$bg_decision` exactly as the njs script does, so the base config
// is the same in both modes. Applied by writing the file, `nginx -t`, then a reload.

import type { Color, RouterState, SegmentMatch } from '../model';
import type { RenderInput } from './baseConfig';
import {
  RouterRenderError,
  assertCookieName,
  assertCookieValue,
  assertHeaderValue,
  assertRegex,
  assertSegmentName,
  headerVariable,
  quoteLiteral,
  regexLiteral,
} from './escape';

/** The sticky cookie lives this long (seconds); the njs script uses the same value. */
export const STICKY_MAX_AGE_SECONDS = 2592000;

const NEW_COOKIE = '$bg_plan_new_cookie';

function decision(color: Color, via: 'preview' | 'segment' | 'split', segment = ''): string {
  return `"${color}:${via}:${segment}:${NEW_COOKIE}"`;
}

/** A regex on the Cookie header for `name=<valuePattern>` as a whole cookie. */
function cookieRegex(name: string, valuePattern: string, wholeValue = true): string {
  return `(?:^|;)\\s*${regexLiteral(name)}=${valuePattern}${wholeValue ? '(?:;|$)' : ''}`;
}

function key(regex: string, caseInsensitive = false): string {
  return quoteLiteral('regex', `${caseInsensitive ? '~*' : '~'}${regex}`);
}

/** The map that recognises one segment: its source variable and the key lines. */
function segmentMap(name: string, match: SegmentMatch, value: string, next: string, variable: string): string[] {
  let source: string;
  let keys: string[];
  switch (match.kind) {
    case 'userAgent':
      assertRegex(`segment "${name}" userAgent regex`, match.regex);
      source = '$http_user_agent';
      keys = [`    ${key(match.regex, match.caseInsensitive)} ${value};`, `    default ${next};`];
      break;
    case 'cookie':
      assertCookieName(match.name);
      if (match.value !== undefined) assertCookieValue(match.value);
      source = '$http_cookie';
      keys = [
        `    ${key(match.value === undefined ? cookieRegex(match.name, '', false) : cookieRegex(match.name, regexLiteral(match.value)))} ${value};`,
        `    default ${next};`,
      ];
      break;
    case 'header':
      source = headerVariable(match.name);
      if (match.value === undefined) {
        keys = ['    "" ' + next + ';', `    default ${value};`];
      } else {
        assertHeaderValue(match.value);
        keys = [`    ${key(`^${regexLiteral(match.value)}$`)} ${value};`, `    default ${next};`];
      }
      break;
    default:
      throw new RouterRenderError(`segment "${name}" has an unknown match kind`);
  }
  return [`map ${source} ${variable} {`, ...keys, '}'];
}

function bucketsBelow(limit: number): string {
  return Array.from({ length: limit }, (_, bucket) => String(bucket)).join('|');
}

function comment(text: string): string {
  return text.replace(/[^\x20-\x7e]/g, '?');
}

/** The plan of `state` as nginx directives for the base config's `include` (exact bytes). */
// The plan depends on the state alone; the input is taken for symmetry with the base config.
export function renderFallbackPlan(state: RouterState, _input: RenderInput): string {
  const sticky = state.stickyCookie;
  assertCookieName(sticky);
  assertCookieName(state.preview.cookie);
  const previewHeader = headerVariable(state.preview.header);
  const blue = state.plan.weights.blue;
  const unreleased = blue === 0 && state.plan.weights.green === 0;
  if (!Number.isInteger(blue) || blue < 0 || blue > 100 || (blue + state.plan.weights.green !== 100 && !unreleased)) {
    throw new RouterRenderError(`plan weights must be integers summing to 100 (or 0/0), got ${JSON.stringify(state.plan.weights)}`);
  }

  const lines = [
    `# Managed by bluegreen: plan serial ${state.serial}, ${comment(state.stage)} by ${comment(state.changedBy)} at ${comment(state.changedAt)}.`,
    `# blue ${blue}%, green ${state.plan.weights.green}%; segments: ${state.plan.segments.map((s) => `${s.name}->${s.color}`).join(', ') || 'none'}.`,
    '',
    '# A fresh bucket 0-99 per request; kept by the sticky cookie when the client returns it.',
    'split_clients "$request_id" $bg_plan_random_bucket {',
    ...Array.from({ length: 99 }, (_, bucket) => `    1% ${bucket};`),
    '    * 99;',
    '}',
    `map $http_cookie ${NEW_COOKIE} {`,
    `    ${key(cookieRegex(sticky, '[0-9]{1,2}'))} "";`,
    `    default ${quoteLiteral('sticky cookie', `${sticky}=$bg_plan_random_bucket; Path=/; Max-Age=${STICKY_MAX_AGE_SECONDS}; SameSite=Lax; HttpOnly`)};`,
    '}',
    'map $http_cookie $bg_plan_bucket {',
    `    ${key(cookieRegex(sticky, '([0-9]{1,2})'))} $1;`,
    '    default $bg_plan_random_bucket;',
    '}',
    '# Blue holds buckets [0, blue); raising green only moves blue clients to green.',
    'map $bg_plan_bucket $bg_plan_split {',
    ...(blue > 0 && blue < 100 ? [`    ${key(`^(?:${bucketsBelow(blue)})$`)} ${decision('blue', 'split')};`] : []),
    // Not released yet: no color (the base config answers 503).
    `    default ${unreleased ? '":unreleased::"' : decision(blue === 100 ? 'blue' : 'green', 'split')};`,
    '}',
  ];

  // Segments are chained last to first: each map falls through to the next, the last to the split.
  const segmentLines: string[] = [];
  let next = '$bg_plan_split';
  for (let index = state.plan.segments.length - 1; index >= 0; index--) {
    const { name, color } = state.plan.segments[index];
    assertSegmentName(name);
    const match = state.segments[name];
    if (!match) throw new RouterRenderError(`plan routes segment "${name}", which the state document does not define`);
    const variable = `$bg_plan_segment_${index}`;
    segmentLines.unshift(...segmentMap(name, match, decision(color, 'segment', name), next, variable));
    next = variable;
  }
  lines.push(...segmentLines);

  lines.push(
    'map $http_cookie $bg_plan_preview_cookie {',
    `    ${key(cookieRegex(state.preview.cookie, 'blue'))} ${decision('blue', 'preview')};`,
    `    ${key(cookieRegex(state.preview.cookie, 'green'))} ${decision('green', 'preview')};`,
    `    default ${next};`,
    '}',
    `map ${previewHeader} $bg_decision {`,
    `    "~^blue$" ${decision('blue', 'preview')};`,
    `    "~^green$" ${decision('green', 'preview')};`,
    '    default $bg_plan_preview_cookie;',
    '}',
  );
  return `${lines.join('\n')}\n`;
}
