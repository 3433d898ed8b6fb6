// YAML text → BluegreenConfig, or every error found, each pinned to its line and column.

import { compareConfigErrors } from './errors';
import type { ConfigError, ConfigResult } from './errors';
import { checkCrossFields } from './crossChecks';
import { readYamlData } from './fastYaml';
import { checkSchema } from './schemaCheck';
import { toModel } from './toModel';
import type { YamlSource } from './yamlSource';

/**
 * The yaml package's document of the text, which knows every node's line. Loaded only when
 * needed — an error to point at, an artifact's line asked for — since it is the slow part of a
 * large config; the CLI's build puts it in a file of its own (scripts/build.mjs, lazyBundles).
 */
function yamlSource(text: string, file: string): YamlSource {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { YamlSource: Source } = require('./yamlSource') as typeof import('./yamlSource');
  return new Source(text, file);
}

/**
 * Parses and validates a config. `file` is where the text came from: it names the file in the
 * errors and anchors relative paths (build contexts). All errors are returned together, sorted
 * by position. When the YAML itself is broken (beyond duplicate keys), only the YAML errors are
 * returned: a shape check on a half-parsed tree would report errors that are not there.
 *
 * A valid config is read by js-yaml alone (fastYaml.ts). Anything else — text that reader
 * declines, or data with an issue — goes through the yaml package's document, so every error
 * is found and pinned exactly as before.
 */
export function parseConfig(text: string, file: string): ConfigResult {
  const fast = readYamlData(text);
  if (fast.ok && fast.data !== undefined && fast.data !== null && checkSchema(fast.data).length === 0 && checkCrossFields(fast.data, file).length === 0) {
    const config = toModel(fast.data, file);
    let source: YamlSource | undefined;
    for (const app of config.apps) {
      if (!app.artifact) continue;
      // Only an error message (an artifact deploy cannot find) names this line: found when asked.
      const path = ['apps', app.name, 'artifact'];
      let line: number | undefined;
      Object.defineProperty(app.artifact, 'line', {
        enumerable: true,
        configurable: true,
        get: () => (line ??= (source ??= yamlSource(text, file)).locate({ path, message: '' }).line),
        set: (value: number) => { line = value; },
      });
    }
    return { ok: true, config };
  }
  return parseConfigWithDocument(text, file);
}

/** parseConfig through the yaml package's document alone: what it did before the fast path (and the tests' reference). */
export function parseConfigWithDocument(text: string, file: string): ConfigResult {
  const source = yamlSource(text, file);
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
