// YAML text → BluegreenConfig, or every error found, each pinned to its line and column.

import { compareConfigErrors } from './errors';
import type { ConfigError, ConfigResult } from './errors';
import { checkCrossFields } from './crossChecks';
import { checkSchema } from './schemaCheck';
import { toModel } from './toModel';
import { YamlSource } from './yamlSource';

/**
 * Parses and validates a config. `file` is where the text came from: it names the file in the
 * errors and anchors relative paths (build contexts). All errors are returned together, sorted
 * by position. When the YAML itself is broken (beyond duplicate keys), only the YAML errors are
 * returned: a shape check on a half-parsed tree would report errors that are not there.
 */
export function parseConfig(text: string, file: string): ConfigResult {
  const source = new YamlSource(text, file);
  const errors: ConfigError[] = [...source.yamlErrors];
  if (source.treeIsReliable) {
    if (source.data === undefined || source.data === null) {
      errors.push(source.locate({ path: [], message: 'the config is empty: it needs at least apps and environments' }));
    } else {
      const issues = [...checkSchema(source.data), ...checkCrossFields(source.data, file)];
      errors.push(...issues.flatMap((issue) => source.locateAll(issue)));
    }
  }
  if (errors.length > 0) return { ok: false, errors: dedupe(errors).sort(compareConfigErrors) };
  const config = toModel(source.data, file);
  // Deploy names the config line of an artifact it cannot find, so the model carries it.
  for (const app of config.apps) {
    if (app.artifact) app.artifact.line = source.locate({ path: ['apps', app.name, 'artifact'], message: '' }).line;
  }
  return { ok: true, config };
}

function dedupe(errors: ConfigError[]): ConfigError[] {
  const seen = new Set<string>();
  return errors.filter((e) => {
    const key = `${e.offset}\u0000${e.path}\u0000${e.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
