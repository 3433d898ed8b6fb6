// The files mode (routers without njs): nginx decides from files it tests per request, so moving
// traffic needs no reload — a reload closes idle keep-alive connections, and a client that sends
// on one just then loses that request (docs/hosts.md, "Routers without njs").
//
// Two parts:
// - the *lookup* (`paths.planLookup`, http context, plus lines in the server block): maps that
//   give each request its bucket, its segment matches and the preview answer, then `if (-f …)`
//   tests under `<paths.planFiles>/current`. It depends on the config only (segments, preview,
//   sticky cookie), so it changes when `hosts setup` runs, never when traffic moves.
// - the *plan files*: empty files whose names encode one plan — `green-<bucket>` for the buckets
//   green holds, `unreleased` before the first release, and per combination of matched segments
//   `segment-<matches>-<index>-<color>` naming the first plan segment that applies. A change writes
//   them in a new folder and swaps the `current` symlink (an atomic rename).
//
// The decision is the njs script's: preview, then the first plan segment that matches, then the
// split by bucket (blue holds [0, blue)). `$bg_decision` is the same `color:via:segment:set-cookie`.

import type { Color, RouterState, SegmentMatch, TrafficSpec } from '../model';
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
  quotePath,
  regexLiteral,
} from './escape';

/** The sticky cookie lives this long (seconds); the njs script uses the same value. */
export const STICKY_MAX_AGE_SECONDS = 2592000;

/**
 * Segments the lookup can route: one file per combination of matches (2^n - 1), so the count
 * stays small. More segments need njs (`bluegreen hosts setup --install`).
 */
export const MAX_FILES_MODE_SEGMENTS = 8;

/** The first line of the lookup: how a reading tells the files mode from an older router. */
export const PLAN_LOOKUP_MARKER = '# Managed by bluegreen: plan lookup (files mode).';

const NEW_COOKIE = '$bg_plan_new_cookie';

function decision(color: Color, via: 'segment' | 'split' | 'preview', segment = ''): string {
  return `"${color}:${via}:${segment}:${NEW_COOKIE}"`;
}

/** A regex on the Cookie header for `name=<valuePattern>` as a whole cookie. */
function cookieRegex(name: string, valuePattern: string, wholeValue = true): string {
  return `(?:^|;)\\s*${regexLiteral(name)}=${valuePattern}${wholeValue ? '(?:;|$)' : ''}`;
}

function key(regex: string, caseInsensitive = false): string {
  return quoteLiteral('regex', `${caseInsensitive ? '~*' : '~'}${regex}`);
}

function segmentVariable(index: number): string {
  return `$bg_segment_match_${index}`;
}

/** The map that gives `1` when a request is in the segment, `0` otherwise. */
function segmentMap(name: string, match: SegmentMatch, index: number): string[] {
  const variable = segmentVariable(index);
  switch (match.kind) {
    case 'userAgent':
      assertRegex(`segment "${name}" userAgent regex`, match.regex);
      return [`map $http_user_agent ${variable} {`, `    ${key(match.regex, match.caseInsensitive)} 1;`, '    default 0;', '}'];
    case 'cookie':
      assertCookieName(match.name);
      if (match.value !== undefined) assertCookieValue(match.value);
      return [
        `map $http_cookie ${variable} {`,
        `    ${key(match.value === undefined ? cookieRegex(match.name, '', false) : cookieRegex(match.name, regexLiteral(match.value)))} 1;`,
        '    default 0;',
        '}',
      ];
    case 'header':
      if (match.value === undefined) return [`map ${headerVariable(match.name)} ${variable} {`, '    "" 0;', '    default 1;', '}'];
      assertHeaderValue(match.value);
      return [`map ${headerVariable(match.name)} ${variable} {`, `    ${key(`^${regexLiteral(match.value)}$`)} 1;`, '    default 0;', '}'];
    default:
      throw new RouterRenderError(`segment "${name}" has an unknown match kind`);
  }
}

function checkSegments(traffic: TrafficSpec): void {
  if (traffic.segments.length > MAX_FILES_MODE_SEGMENTS) {
    throw new RouterRenderError(
      `routers without njs route at most ${MAX_FILES_MODE_SEGMENTS} segments, and the config defines ${traffic.segments.length}; `
      + 'install njs on the routers (bluegreen hosts setup --install) or define fewer segments',
    );
  }
  traffic.segments.forEach((segment) => assertSegmentName(segment.name));
}

/** The lookup's http-context part (to `paths.planLookup`), exact bytes. */
export function renderPlanLookup(input: RenderInput): string {
  const { traffic } = input;
  checkSegments(traffic);
  const sticky = traffic.stickyCookie;
  assertCookieName(sticky);
  assertCookieName(traffic.preview.cookie);
  const previewHeader = headerVariable(traffic.preview.header);
  const lines = [
    PLAN_LOOKUP_MARKER,
    `# The plan itself is the files under ${input.paths.planFiles}/current; this file changes only with the config.`,
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
    ...traffic.segments.flatMap((segment, index) => segmentMap(segment.name, segment.match, index)),
    '# The preview header, then the preview cookie, force a color; otherwise the plan files decide.',
    'map $http_cookie $bg_plan_preview_cookie {',
    `    ${key(cookieRegex(traffic.preview.cookie, 'blue'))} ${decision('blue', 'preview')};`,
    `    ${key(cookieRegex(traffic.preview.cookie, 'green'))} ${decision('green', 'preview')};`,
    '    default $bg_plan_choice;',
    '}',
    `map ${previewHeader} $bg_decision {`,
    `    "~^blue$" ${decision('blue', 'preview')};`,
    `    "~^green$" ${decision('green', 'preview')};`,
    '    default $bg_plan_preview_cookie;',
    '}',
  ];
  return `${lines.join('\n')}\n`;
}

/** `"<planFiles>/current/<name>"`, where `name` may hold nginx variables. */
function currentFile(input: RenderInput, name: string): string {
  return `${quotePath('plan files folder', `${input.paths.planFiles}/current`).slice(0, -1)}/${name}"`;
}

/**
 * The lookup's server-block part: `$bg_plan_choice` from the plan files. Server-level rewrite
 * directives run before any location, so every request has its choice before it is routed; later
 * lines override earlier ones, so they go split, then unreleased, then segments (njs: segments first).
 */
export function planLookupServerLines(input: RenderInput): string[] {
  checkSegments(input.traffic);
  const lines = [
    `    # The plan: files nginx tests per request (${input.paths.planFiles}/current); moving traffic needs no reload.`,
    `    set $bg_plan_choice ${decision('blue', 'split')};`,
    `    if (-f ${currentFile(input, 'green-$bg_plan_bucket')}) {`,
    `        set $bg_plan_choice ${decision('green', 'split')};`,
    '    }',
    `    if (-f ${currentFile(input, 'unreleased')}) {`,
    '        set $bg_plan_choice ":unreleased::";',
    '    }',
  ];
  const segments = input.traffic.segments;
  if (segments.length) {
    lines.push(`    set $bg_plan_segments "${segments.map((_, index) => segmentVariable(index)).join('')}";`);
    segments.forEach((segment, index) => {
      for (const color of ['blue', 'green'] as const) {
        lines.push(
          `    if (-f ${currentFile(input, `segment-$bg_plan_segments-${index}-${color}`)}) {`,
          `        set $bg_plan_choice ${decision(color, 'segment', segment.name)};`,
          '    }',
        );
      }
    });
  }
  return lines;
}

/** The names of the files that spell `state`'s plan for the lookup rendered from `traffic`, sorted. */
export function planFileNames(state: RouterState, traffic: TrafficSpec): string[] {
  checkSegments(traffic);
  const blue = state.plan.weights.blue;
  const unreleased = blue === 0 && state.plan.weights.green === 0;
  if (!Number.isInteger(blue) || blue < 0 || blue > 100 || (blue + state.plan.weights.green !== 100 && !unreleased)) {
    throw new RouterRenderError(`plan weights must be integers summing to 100 (or 0/0), got ${JSON.stringify(state.plan.weights)}`);
  }
  const names = unreleased ? ['unreleased'] : Array.from({ length: 100 - blue }, (_, i) => `green-${blue + i}`);

  const defined = traffic.segments.map((segment) => segment.name);
  const planned = state.plan.segments.map(({ name, color }) => {
    const index = defined.indexOf(name);
    if (index < 0) {
      throw new RouterRenderError(`the plan routes segment "${name}", which the routers' config does not define; add it to traffic.segments and run bluegreen hosts setup`);
    }
    return { index, color };
  });
  if (planned.length) {
    // Every combination of matches (bit i: the request is in segment i) that some plan segment
    // applies to, with the first such plan segment's answer.
    for (let mask = 1; mask < 2 ** defined.length; mask++) {
      const first = planned.find(({ index }) => mask & (1 << index));
      if (!first) continue;
      const matches = defined.map((_, index) => (mask & (1 << index) ? '1' : '0')).join('');
      names.push(`segment-${matches}-${first.index}-${first.color}`);
    }
  }
  return names.sort();
}
