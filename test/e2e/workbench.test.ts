// The real VS Code UI: code-server in headless Chromium, the packaged extension installed, a
// workspace with bluegreen.yaml. Drives what a person does — open the Blue-Green view, read the
// tree, run a command from the palette — and saves screenshots under test-results/e2e/.
//
//   npx mocha test/e2e/workbench.test.ts        (BLUEGREEN_E2E_NO_BUILD=1 skips npm run build)
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, REPO_ROOT, startWorkbench, type Workbench } from '../helpers/codeServer';
import { WORKBENCH } from './selectors';

const SCREENSHOTS = path.join(REPO_ROOT, 'test-results', 'e2e');

describe('workbench (code-server + Chromium)', function () {
  this.timeout(120_000);
  let workbench: Workbench;
  let browser: Browser;
  let page: Page;

  const screenshot = (name: string) => page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`) });

  before(async function () {
    this.timeout(600_000);
    fs.mkdirSync(SCREENSHOTS, { recursive: true });
    workbench = await startWorkbench({
      label: 'e2e',
      workspaceTemplate: path.join(REPO_ROOT, 'test', 'vscode', 'workspace'),
      build: process.env.BLUEGREEN_E2E_NO_BUILD !== '1',
    });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(workbench.server.workbenchUrl(workbench.workspace));
    await page.locator(WORKBENCH.ready).waitFor({ timeout: 60_000 });
  });

  after(async () => {
    await browser?.close();
    await workbench?.cleanup();
  });

  it('shows the Blue-Green container in the activity bar and opens it', async () => {
    const item = page.locator(WORKBENCH.activityBarItem('Blue-Green'));
    await item.waitFor({ timeout: 60_000 });
    await item.click();
    await page.locator(WORKBENCH.viewPane('Environments')).waitFor({ timeout: 30_000 });
    await screenshot('01-blue-green-view');
  });

  it('lists the environments of bluegreen.yaml with routers, colors and database', async () => {
    const rows = page.locator(WORKBENCH.treeRows('Environments'));
    await rows.filter({ hasText: 'production' }).first().waitFor({ timeout: 30_000 });
    // Environments and colors open expanded: sandbox, its parts, production, its parts.
    const labels = await rows.evaluateAll((elements) => elements.map((e) => e.getAttribute('aria-label') ?? ''));
    const firstWords = labels.map((l) => l.split(/\s/)[0]);
    assert.ok(firstWords.includes('sandbox'), labels.join(' | '));
    assert.ok(firstWords.includes('production'), labels.join(' | '));
    for (const part of ['routers', 'blue', 'green', 'database']) assert.ok(firstWords.includes(part), `${part} in ${labels.join(' | ')}`);
    await screenshot('02-environments-tree');
  });

  it('runs "Blue-Green: Validate Config" from the command palette', async () => {
    await page.keyboard.press('F1');
    const input = page.locator(WORKBENCH.quickInput);
    await input.waitFor({ timeout: 10_000 });
    await input.fill('>Blue-Green: Validate Config');
    await page.locator(WORKBENCH.quickPickRow('Blue-Green: Validate Config')).first().waitFor({ timeout: 10_000 });
    await screenshot('03-command-palette');
    await page.keyboard.press('Enter');
    const toast = page.locator(WORKBENCH.notification).filter({ hasText: 'bluegreen.yaml is valid' });
    await toast.first().waitFor({ timeout: 30_000 });
    assert.match(await toast.first().innerText(), /apps api, web; environments sandbox, production/);
    await screenshot('04-validate-config');
  });
});
