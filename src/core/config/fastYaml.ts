// The config's YAML read straight into data, without the yaml package's document (which holds
// ~600 MB and takes seconds for a 5 MB config: docs/benchmarks.md). The document is still what
// points at lines: parseConfig.ts builds it (yamlSource.ts) whenever these readers decline or the
// data has an error to point at. So they only have to agree with the yaml package on the data of
// texts they accept; for anything they are not sure of, they decline.

import { readPlainYaml } from './plainYaml';

export type FastRead = { ok: true; data: unknown } | { ok: false; reason: string };

/** The data of `text`, or why the fast readers decline it (the yaml package's document then decides). */
export function readYamlData(text: string): FastRead {
  // Most configs are plain YAML, which plainYaml.ts reads faster than js-yaml does.
  const plain = readPlainYaml(text);
  if (plain) return { ok: true, data: plain.data };
  // js-yaml (jsYamlData.ts) for the rest: required only then, so most runs do not compile it
  // (the CLI's build puts it in a file of its own, scripts/build.mjs, lazyBundles).
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { readWithJsYaml } = require('./jsYamlData') as typeof import('./jsYamlData');
  return readWithJsYaml(text);
}
