// Finds the product's own sandbox sources (router, db, host tooling) that ship with the engine,
// whether it runs from the repository (tsx) or from the bundle in dist/.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { PrerequisiteError } from '../errors';

export interface SandboxAssets {
  /** Host tooling copied into every app image (`/opt/bluegreen/`). */
  host: string;
  router: string;
  db: string;
}

export function sandboxAssets(from = __dirname): SandboxAssets {
  for (let dir = from; ; dir = path.dirname(dir)) {
    const root = path.join(dir, 'sandbox');
    if (existsSync(path.join(root, 'host', 'bin', 'deploy')) && existsSync(path.join(root, 'router', 'Dockerfile'))) {
      return { host: path.join(root, 'host'), router: path.join(root, 'router'), db: path.join(root, 'db') };
    }
    if (path.dirname(dir) === dir) break;
  }
  throw new PrerequisiteError(
    `The sandbox sources (sandbox/host, sandbox/router, sandbox/db) were not found above ${from}`,
    'Reinstall the extension or run from a clone of the repository',
  );
}
