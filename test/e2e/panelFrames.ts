// Shared by the e2e tests: the traffic panel's editor tab inside the workbench, and where the
// README's pictures go (docs/images/ only with BLUEGREEN_UPDATE_README_IMAGES=1, else beside the
// other screenshots, so a test run leaves the docs clean).
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Frame, Page } from 'playwright-core';
import { REPO_ROOT, waitFor } from '../helpers/codeServer';

export function readmeImage(name: string): string {
  const file = process.env.BLUEGREEN_UPDATE_README_IMAGES === '1'
    ? path.join(REPO_ROOT, 'docs', 'images', name)
    : path.join(REPO_ROOT, 'test-results', 'e2e', name);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  return file;
}

/**
 * The document of the traffic panel's editor tab: a webview's inner frame whose body says
 * `data-layout="editor"` (the side view's says `view`).
 */
export async function trafficEditorFrame(page: Page, timeoutMs = 60_000): Promise<Frame> {
  let found: Frame | undefined;
  await waitFor(async () => {
    for (const frame of page.frames()) {
      if (await frame.locator('body[data-layout="editor"]').count().catch(() => 0)) {
        found = frame;
        return true;
      }
    }
    return false;
  }, timeoutMs, 'the traffic panel\'s editor tab');
  return found!;
}
