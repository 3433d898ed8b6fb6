// The built CLI (node dist/cli.js) as the suites that drive it like a user run it: built here
// from the current sources when it is missing or older than them.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

export const ROOT = path.resolve(__dirname, '../..');
export const CLI = path.join(ROOT, 'dist/cli.js');

export function ensureCliBuilt(): void {
  const newest = (dir: string): number => readdirSync(dir, { withFileTypes: true }).reduce((max, e) => {
    const full = path.join(dir, e.name);
    return Math.max(max, e.isDirectory() ? newest(full) : statSync(full).mtimeMs);
  }, 0);
  if (existsSync(CLI) && statSync(CLI).mtimeMs >= newest(path.join(ROOT, 'src'))) return;
  execFileSync(process.execPath, [path.join(ROOT, 'scripts/build.mjs')], { cwd: ROOT, stdio: 'ignore' });
}
