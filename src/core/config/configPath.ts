// Paths into the config tree: segments as data, a dotted string for people.

export type PathSegment = string | number;
export type ConfigPath = readonly PathSegment[];

/** `['environments', 'production', 'colors', 'blue', 'api', 0]` → `environments.production.colors.blue.api[0]`. */
export function formatPath(path: ConfigPath): string {
  let text = '';
  for (const segment of path) {
    if (typeof segment === 'number') text += `[${segment}]`;
    else if (/^[A-Za-z0-9_-]+$/.test(segment)) text += text === '' ? segment : `.${segment}`;
    else text += `[${JSON.stringify(segment)}]`;
  }
  return text;
}

/**
 * A problem found by a check, before it is pinned to a position. `at: 'key'` points at the key
 * of the last segment (an unknown or misspelt key) instead of its value.
 */
export interface ConfigIssue {
  path: ConfigPath;
  message: string;
  at?: 'key' | 'value';
}
