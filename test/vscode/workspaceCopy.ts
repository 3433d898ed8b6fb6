// The test workspace's config names build contexts relative to its place in the repository;
// a copy elsewhere (the runners' temporary folders) gets them as absolute paths instead.
import * as fs from 'node:fs';
import * as path from 'node:path';

export const WORKSPACE_TEMPLATE = path.join(__dirname, 'workspace');
export const TEST_ENV = 'vscodetest';

export function anchorBuildContexts(workspace: string): void {
  const file = path.join(workspace, 'bluegreen.yaml');
  const text = fs.readFileSync(file, 'utf8');
  const anchored = text.replace(/context: (\.\.\/[^\s}]+)/g, (_, relative: string) => `context: ${path.resolve(WORKSPACE_TEMPLATE, relative)}`);
  fs.writeFileSync(file, anchored);
}
