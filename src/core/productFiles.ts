// Finds the files the product ships besides its code: the host tooling that runs on every real
// host (host/: deploy, the supervisor, the systemd unit) and the sandbox's own image sources
// (sandbox/router, sandbox/db), whether the engine runs from the repository (tsx) or from the
// bundle in dist/.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { PrerequisiteError } from './errors';

export interface ProductFiles {
  /** Host tooling, installed at `/opt/bluegreen/` by `hosts setup` and baked into sandbox images. */
  host: string;
  router: string;
  db: string;
}

export function productFiles(from = __dirname): ProductFiles {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'host', 'bin', 'deploy')) && existsSync(path.join(dir, 'sandbox', 'router', 'Dockerfile'))) {
      return { host: path.join(dir, 'host'), router: path.join(dir, 'sandbox', 'router'), db: path.join(dir, 'sandbox', 'db') };
    }
    if (path.dirname(dir) === dir) break;
  }
  throw new PrerequisiteError(
    `The product's host tooling and sandbox sources (host/, sandbox/router, sandbox/db) were not found above ${from}`,
    'Reinstall the extension or run from a clone of the repository',
  );
}
