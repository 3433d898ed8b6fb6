// The state document a router carries beside its base config: creating the next one, writing it
// in a canonical form, and reading it back with a clear error when it is not well formed.

import {
  COLORS,
  otherColor,
  type Color,
  type ColorChecks,
  type PreviewRule,
  type RouterState,
  type SegmentMatch,
  type TrafficPlan,
  type TrafficSpec,
  type Weights,
} from '../model';

function isColor(value: unknown): value is Color {
  return value === 'blue' || value === 'green';
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function sortedRecord<T>(record: Record<string, T>, map: (value: T) => unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(record).sort()) out[key] = map(record[key]);
  return out;
}

function copyPlan(plan: TrafficPlan): TrafficPlan {
  return {
    weights: { blue: plan.weights.blue, green: plan.weights.green },
    segments: plan.segments.map((s) => ({ name: s.name, color: s.color })),
  };
}

function copyMatch(match: SegmentMatch): SegmentMatch {
  switch (match.kind) {
    case 'userAgent':
      return { kind: 'userAgent', regex: match.regex, caseInsensitive: match.caseInsensitive };
    case 'cookie':
    case 'header':
      return match.value === undefined ? { kind: match.kind, name: match.name } : { kind: match.kind, name: match.name, value: match.value };
  }
}

function copyChecks(checks: RouterState['checks']): RouterState['checks'] {
  if (checks === undefined) return undefined;
  const out: Partial<Record<Color, ColorChecks>> = {};
  for (const color of COLORS) {
    const entry = checks[color];
    if (entry === undefined) continue;
    const copy: ColorChecks = {};
    if (entry.deployedAt !== undefined) copy.deployedAt = entry.deployedAt;
    if (entry.verifiedAt !== undefined) copy.verifiedAt = entry.verifiedAt;
    out[color] = copy;
  }
  return out;
}

function withChecks(state: RouterState, checks: RouterState['checks']): RouterState {
  if (checks !== undefined) state.checks = checks;
  return state;
}

/** Problems with a plan against the config's segments; empty when the plan is valid. */
export function validatePlan(plan: TrafficPlan, traffic: TrafficSpec): string[] {
  const known = new Set(traffic.segments.map((s) => s.name));
  return planProblems(plan, known);
}

function planProblems(plan: TrafficPlan, knownSegments: Set<string>): string[] {
  const problems: string[] = [];
  if (!isRecord(plan) || !isRecord(plan.weights) || !Array.isArray(plan.segments)) {
    return ['plan must have weights {blue, green} and a segments list'];
  }
  for (const key of Object.keys(plan.weights)) {
    if (!isColor(key)) problems.push(`plan/weights/${key}: unknown color (expected blue or green)`);
  }
  let sum = 0;
  for (const color of COLORS) {
    const weight = plan.weights[color];
    if (typeof weight !== 'number' || !Number.isInteger(weight) || weight < 0 || weight > 100) {
      problems.push(`plan/weights/${color}: must be an integer 0-100, got ${JSON.stringify(weight)}`);
    } else {
      sum += weight;
    }
  }
  if (problems.length === 0 && sum !== 100 && sum !== 0) problems.push(`plan/weights: must sum to 100 (or 0: not released), got ${sum}`);
  if (problems.length === 0 && sum === 0 && plan.segments.length > 0) problems.push('plan/segments: a plan that sends no user anywhere (weights 0/0) routes no segment');
  const seen = new Set<string>();
  plan.segments.forEach((segment, index) => {
    const where = `plan/segments/${index}`;
    if (!isRecord(segment) || typeof segment.name !== 'string') {
      problems.push(`${where}: must be {name, color}`);
      return;
    }
    if (!knownSegments.has(segment.name)) problems.push(`${where}: unknown segment "${segment.name}"`);
    if (seen.has(segment.name)) problems.push(`${where}: segment "${segment.name}" is routed more than once`);
    seen.add(segment.name);
    if (!isColor(segment.color)) problems.push(`${where}/color: must be blue or green, got ${JSON.stringify(segment.color)}`);
  });
  return problems;
}

/**
 * The plan of an environment that has never been released: no user is sent to either color
 * (the routers answer "not released yet"); preview requests still reach the color they name,
 * so both colors can be deployed and verified before anyone is sent there.
 */
export function unreleasedPlan(): TrafficPlan {
  return { weights: { blue: 0, green: 0 }, segments: [] };
}

export function isUnreleased(plan: TrafficPlan): boolean {
  return plan.weights.blue === 0 && plan.weights.green === 0 && plan.segments.length === 0;
}

/** All traffic except `percent` to the other color; no segments. Covers canary %, switch, drain. */
export function percentPlan(color: Color, percent: number): TrafficPlan {
  if (!Number.isInteger(percent) || percent < 0 || percent > 100) {
    throw new Error(`percent must be an integer 0-100, got ${percent}`);
  }
  const weights = { [color]: percent, [otherColor(color)]: 100 - percent } as Weights;
  return { weights: { blue: weights.blue, green: weights.green }, segments: [] };
}

/** One segment to `color`, everyone else to the other color (a new canary replaces the last). */
export function segmentPlan(color: Color, segment: string): TrafficPlan {
  return { weights: percentPlan(color, 0).weights, segments: [{ name: segment, color }] };
}

/** The first document of a router, serial 1: `traffic.initial`, or another plan (unreleasedPlan()). */
export function initialState(
  traffic: TrafficSpec,
  versions: RouterState['versions'],
  changedBy: string,
  stage = 'init',
  now: Date = new Date(),
  firstPlan?: TrafficPlan,
): RouterState {
  const plan: TrafficPlan = firstPlan
    ? { weights: { ...firstPlan.weights }, segments: firstPlan.segments.map((s) => ({ ...s })) }
    : { weights: { blue: traffic.initial.blue, green: traffic.initial.green }, segments: [] };
  const problems = validatePlan(plan, traffic);
  if (problems.length > 0) throw new Error(`traffic.initial is not a valid plan: ${problems.join('; ')}`);
  const segments: Record<string, SegmentMatch> = {};
  for (const segment of traffic.segments) segments[segment.name] = copyMatch(segment.match);
  return {
    schema: 1,
    serial: 1,
    plan,
    segments,
    preview: { header: traffic.preview.header, cookie: traffic.preview.cookie },
    stickyCookie: traffic.stickyCookie,
    versions: { blue: { ...versions.blue }, green: { ...versions.green } },
    changedBy,
    changedAt: now.toISOString(),
    stage,
  };
}

/** The document after `prev` with a new plan: serial + 1; the plan is checked against prev's segments. */
export function nextState(
  prev: RouterState,
  plan: TrafficPlan,
  meta: { changedBy: string; stage: string; versions?: RouterState['versions']; now?: Date; checks?: RouterState['checks'] },
): RouterState {
  const problems = planProblems(plan, new Set(Object.keys(prev.segments)));
  if (problems.length > 0) throw new Error(`invalid traffic plan: ${problems.join('; ')}`);
  const versions = meta.versions ?? prev.versions;
  return withChecks({
    schema: 1,
    serial: prev.serial + 1,
    plan: copyPlan(plan),
    segments: sortedRecord(prev.segments, copyMatch) as Record<string, SegmentMatch>,
    preview: { header: prev.preview.header, cookie: prev.preview.cookie },
    stickyCookie: prev.stickyCookie,
    versions: { blue: { ...versions.blue }, green: { ...versions.green } },
    changedBy: meta.changedBy,
    changedAt: (meta.now ?? new Date()).toISOString(),
    stage: meta.stage,
  }, copyChecks(meta.checks ?? prev.checks));
}

/** Canonical JSON (fixed key order, sorted maps) + "\n": equal states give equal bytes. */
export function renderState(state: RouterState): string {
  const canonical = {
    schema: state.schema,
    serial: state.serial,
    plan: {
      weights: { blue: state.plan.weights.blue, green: state.plan.weights.green },
      segments: state.plan.segments.map((s) => ({ name: s.name, color: s.color })),
    },
    segments: sortedRecord(state.segments, copyMatch),
    preview: { header: state.preview.header, cookie: state.preview.cookie },
    stickyCookie: state.stickyCookie,
    versions: { blue: sortedRecord(state.versions.blue, String), green: sortedRecord(state.versions.green, String) },
    changedBy: state.changedBy,
    changedAt: state.changedAt,
    stage: state.stage,
    checks: copyChecks(state.checks), // omitted by JSON.stringify when undefined
  };
  return `${JSON.stringify(canonical, null, 2)}\n`;
}

function parseMatch(value: unknown, where: string, problems: string[]): SegmentMatch | undefined {
  if (!isRecord(value)) {
    problems.push(`${where}: must be an object`);
    return undefined;
  }
  if (value.kind === 'userAgent') {
    if (typeof value.regex !== 'string' || value.regex === '') {
      problems.push(`${where}/regex: must be a non-empty string`);
      return undefined;
    }
    try {
      new RegExp(value.regex);
    } catch (error) {
      problems.push(`${where}/regex: ${(error as Error).message}`);
    }
    if (typeof value.caseInsensitive !== 'boolean') problems.push(`${where}/caseInsensitive: must be true or false`);
    return { kind: 'userAgent', regex: value.regex, caseInsensitive: value.caseInsensitive === true };
  }
  if (value.kind === 'cookie' || value.kind === 'header') {
    if (typeof value.name !== 'string' || value.name === '') problems.push(`${where}/name: must be a non-empty string`);
    if (value.value !== undefined && typeof value.value !== 'string') problems.push(`${where}/value: must be a string`);
    const name = String(value.name);
    return value.value === undefined ? { kind: value.kind, name } : { kind: value.kind, name, value: String(value.value) };
  }
  problems.push(`${where}/kind: must be userAgent, cookie or header, got ${JSON.stringify(value.kind)}`);
  return undefined;
}

function parseVersions(value: unknown, problems: string[]): RouterState['versions'] {
  const out: RouterState['versions'] = { blue: {}, green: {} };
  if (!isRecord(value)) {
    problems.push('versions: must be {blue: {app: version}, green: {...}}');
    return out;
  }
  for (const color of COLORS) {
    const perApp = value[color];
    if (!isRecord(perApp)) {
      problems.push(`versions/${color}: must be an object of app → version`);
      continue;
    }
    for (const [app, version] of Object.entries(perApp)) {
      if (typeof version !== 'string') problems.push(`versions/${color}/${app}: must be a string`);
      else out[color][app] = version;
    }
  }
  return out;
}

function parseChecks(value: unknown, problems: string[]): RouterState['checks'] {
  if (value === undefined) return undefined;
  if (!isRecord(value)) {
    problems.push('checks: must be an object of color → {deployedAt, verifiedAt}');
    return undefined;
  }
  const out: Partial<Record<Color, ColorChecks>> = {};
  for (const [color, entry] of Object.entries(value)) {
    if (!isColor(color) || !isRecord(entry)) {
      problems.push(`checks/${color}: must be blue or green → {deployedAt, verifiedAt}`);
      continue;
    }
    const copy: ColorChecks = {};
    for (const key of ['deployedAt', 'verifiedAt'] as const) {
      if (entry[key] === undefined) continue;
      if (typeof entry[key] !== 'string' || Number.isNaN(Date.parse(entry[key]))) problems.push(`checks/${color}/${key}: not an ISO 8601 time`);
      else copy[key] = entry[key];
    }
    out[color] = copy;
  }
  return out;
}

/** Reads a state document; throws an Error listing every problem (path: reason). */
export function parseState(text: string): RouterState {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (error) {
    throw new Error(`state document is not JSON: ${(error as Error).message}`, { cause: error });
  }
  if (!isRecord(doc)) throw new Error('state document must be a JSON object');
  const problems: string[] = [];
  if (doc.schema !== 1) problems.push(`schema: must be 1, got ${JSON.stringify(doc.schema)}`);
  if (typeof doc.serial !== 'number' || !Number.isInteger(doc.serial) || doc.serial < 1) {
    problems.push(`serial: must be a positive integer, got ${JSON.stringify(doc.serial)}`);
  }
  const segments: Record<string, SegmentMatch> = {};
  if (!isRecord(doc.segments)) problems.push('segments: must be an object of name → match');
  else {
    for (const [name, match] of Object.entries(doc.segments)) {
      const parsed = parseMatch(match, `segments/${name}`, problems);
      if (parsed) segments[name] = parsed;
    }
  }
  const plan = doc.plan as TrafficPlan;
  problems.push(...planProblems(plan, new Set(Object.keys(segments))));
  const preview = doc.preview as PreviewRule;
  if (!isRecord(preview) || typeof preview.header !== 'string' || typeof preview.cookie !== 'string') {
    problems.push('preview: must be {header, cookie}');
  }
  for (const key of ['stickyCookie', 'changedBy', 'changedAt', 'stage'] as const) {
    if (typeof doc[key] !== 'string') problems.push(`${key}: must be a string`);
  }
  if (typeof doc.changedAt === 'string' && Number.isNaN(Date.parse(doc.changedAt))) {
    problems.push(`changedAt: not an ISO 8601 time: ${JSON.stringify(doc.changedAt)}`);
  }
  const versions = parseVersions(doc.versions, problems);
  const checks = parseChecks(doc.checks, problems);
  if (problems.length > 0) throw new Error(`invalid state document: ${problems.join('; ')}`);
  return withChecks({
    schema: 1,
    serial: doc.serial as number,
    plan: copyPlan(plan),
    segments,
    preview: { header: preview.header, cookie: preview.cookie },
    stickyCookie: doc.stickyCookie as string,
    versions,
    changedBy: doc.changedBy as string,
    changedAt: doc.changedAt as string,
    stage: doc.stage as string,
  }, checks);
}
