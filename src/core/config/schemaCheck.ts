// Checks the shape of the config against schema/bluegreen.schema.json (the same file YAML editors
// use) with ajv, and turns each ajv error into an issue a person can act on.

import type { ErrorObject } from 'ajv';
import type { ConfigIssue, PathSegment } from './configPath';
import { FORMAT_CHECKS } from './schemaFormats';
import { schemaValidator } from './schemaValidator';

export { FORMAT_CHECKS };

/** Every way the data departs from the schema, one issue per offending node. */
export function checkSchema(data: unknown): ConfigIssue[] {
  const validate = schemaValidator();
  if (validate(data)) return [];
  const issues: ConfigIssue[] = [];
  const seen = new Set<string>();
  for (const error of validate.errors ?? []) {
    const issue = toIssue(error, data);
    if (!issue) continue;
    const key = `${issue.path.join('\u0000')}\u0001${issue.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    issues.push(issue);
  }
  return issues;
}

/** `/apps/api/deploy/0` → `['apps', 'api', 'deploy', 0]`, numbers only where the data is a list. */
function decodePointer(pointer: string, data: unknown): PathSegment[] {
  if (pointer === '') return [];
  const path: PathSegment[] = [];
  let node = data;
  for (const raw of pointer.slice(1).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(node)) {
      path.push(Number(key));
      node = node[Number(key)];
    } else {
      path.push(key);
      node = node && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined;
    }
  }
  return path;
}

function toIssue(error: ErrorObject, data: unknown): ConfigIssue | undefined {
  const path = decodePointer(error.instancePath, data);
  const params = error.params as Record<string, unknown>;
  const parent = (error.parentSchema ?? {}) as Record<string, unknown>;
  switch (error.keyword) {
    case 'if':
    case 'propertyNames':
      // `if` only says which branch failed, and `propertyNames` wraps the name's own error: both
      // are reported by the error underneath.
      return undefined;
    case 'required':
      return { path, message: `missing required key "${String(params.missingProperty)}"` };
    case 'additionalProperties': {
      const key = String(params.additionalProperty);
      const known = Object.keys((parent.properties as Record<string, unknown>) ?? {});
      return { path: [...path, key], message: `unknown key "${key}"${suggestion(key, known)}`, at: 'key' };
    }
    case 'type':
      return { path, message: `expected ${describeTypes(params.type)}, got ${describeValue(error.data)}` };
    case 'enum': {
      const allowed = (params.allowedValues as unknown[]).map(String);
      const hint = typeof error.data === 'string' ? suggestion(error.data, allowed, false) : '';
      return { path, message: `must be one of ${allowed.map((v) => JSON.stringify(v)).join(', ')}, got ${describeValue(error.data)}${hint}` };
    }
    case 'minimum':
    case 'maximum':
      return { path, message: rangeMessage(parent, error.data) };
    case 'minItems':
      return { path, message: `must list at least ${String(params.limit)} item${params.limit === 1 ? '' : 's'}` };
    case 'minLength':
      return { path, message: 'must not be empty' };
    case 'minProperties':
    case 'maxProperties':
      return { path, message: propertiesCountMessage(parent) };
    case 'format': {
      const name = error.propertyName;
      const check = FORMAT_CHECKS[String(params.format)];
      if (name !== undefined) {
        // A map key with a bad name: point at the key.
        return { path: [...path, name], message: check?.(name) ?? `invalid name "${name}"`, at: 'key' };
      }
      return { path, message: check?.(String(error.data)) ?? `invalid ${String(params.format)}` };
    }
    default:
      return { path, message: error.message ?? `fails ${error.keyword}` };
  }
}

function describeTypes(type: unknown): string {
  const names: Record<string, string> = {
    object: 'a mapping',
    array: 'a list',
    string: 'a string',
    integer: 'an integer',
    number: 'a number',
    boolean: 'true or false',
    null: 'nothing',
  };
  const list = String(type).split(',');
  const described = list.map((t) => names[t] ?? t);
  return described.length > 1 ? `${described.slice(0, -1).join(', ')} or ${described.at(-1)}` : described[0];
}

function describeValue(value: unknown): string {
  if (value === null || value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  if (typeof value === 'number') return Number.isInteger(value) ? `${value}` : `the number ${value}`;
  return String(value);
}

function rangeMessage(schemaNode: Record<string, unknown>, value: unknown): string {
  const { minimum, maximum } = schemaNode;
  if (minimum !== undefined && maximum !== undefined) return `must be between ${minimum} and ${maximum}, got ${describeValue(value)}`;
  if (minimum !== undefined) return `must be at least ${minimum}, got ${describeValue(value)}`;
  return `must be at most ${maximum}, got ${describeValue(value)}`;
}

function propertiesCountMessage(schemaNode: Record<string, unknown>): string {
  const keys = Object.keys((schemaNode.properties as Record<string, unknown>) ?? {});
  if (schemaNode.minProperties === 1 && schemaNode.maxProperties === 1) return `must have exactly one of: ${keys.join(', ')}`;
  if (schemaNode.minProperties !== undefined) return `must have at least ${schemaNode.minProperties} entr${schemaNode.minProperties === 1 ? 'y' : 'ies'}`;
  return `must have at most ${schemaNode.maxProperties} entries`;
}

/** `did you mean "port"?` for a key one or two edits away from a known one, or extending it. */
function suggestion(key: string, known: string[], listKnown = true): string {
  let best: string | undefined;
  let bestDistance = 3;
  for (const candidate of known) {
    const [a, b] = [key.toLowerCase(), candidate.toLowerCase()];
    const distance = a.startsWith(b) || b.startsWith(a) ? 1 : editDistance(a, b);
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  if (best) return ` (did you mean "${best}"?)`;
  return listKnown && known.length > 0 && known.length <= 8 ? ` (known keys: ${known.join(', ')})` : '';
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length];
}
