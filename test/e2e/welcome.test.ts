// A workspace without bluegreen.yaml: the Environments view shows its welcome content with a
// "Create bluegreen.yaml" button; pressing it in a folder with no app says what it looks for and
// offers the starter config, which it writes and the tree then shows.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, REPO_ROOT, startWorkbench, type Workbench } from '../helpers/codeServer';
import { WORKBENCH, welcomeButton } from './selectors';

const SCREENSHOTS = path.join(REPO_ROOT, 'test-results', 'e2e');

describe('workbench without bluegreen.yaml (code-server + Chromium)', function () {
  this.timeout(120_000);
  let workbench: Workbench;
  let browser: Browser;
  let page: Page;

  before(async function () {
    this.timeout(600_000);
    fs.mkdirSync(SCREENSHOTS, { recursive: true });
    workbench = await startWorkbench({ label: 'e2e-welcome', build: process.env.BLUEGREEN_E2E_NO_BUILD !== '1' });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(workbench.server.workbenchUrl(workbench.workspace));
    await page.locator(WORKBENCH.ready).waitFor({ timeout: 60_000 });
  });

  after(async () => {
    await browser?.close();
    await workbench?.cleanup();
  });

  it('offers "Create bluegreen.yaml", which writes a valid config the tree then shows', async () => {
    await page.locator(WORKBENCH.activityBarItem('Blue-Green')).click({ timeout: 60_000 });
    const create = page.locator(welcomeButton('Environments', 'Create bluegreen.yaml'));
    await create.waitFor({ timeout: 30_000 });
    await page.screenshot({ path: path.join(SCREENSHOTS, '07-welcome.png') });
    await create.click();
    // The workspace holds no app init recognises: it says what it looks for and offers the starter.
    const message = page.locator(WORKBENCH.dialogMessage);
    await message.waitFor({ timeout: 30_000 });
    assert.match(await message.innerText(), /Nothing in .* is recognised as an app/);
    await page.screenshot({ path: path.join(SCREENSHOTS, '07b-nothing-recognised.png') });
    await page.locator(WORKBENCH.dialogButton('Write Starter Config')).click();
    const rows = page.locator(WORKBENCH.treeRows('Environments'));
    await rows.filter({ hasText: 'production' }).first().waitFor({ timeout: 30_000 });
    assert.ok(fs.existsSync(path.join(workbench.workspace, 'bluegreen.yaml')));
    await page.screenshot({ path: path.join(SCREENSHOTS, '08-created.png') });
  });
});
