// The real VS Code UI: code-server in headless Chromium, the packaged extension installed, the
// test workspace (a `vscodetest` sandbox, brought up here with the core's `up`, and an unreachable
// production). Drives what a person does — open the Blue-Green view, read the tree, run commands
// from the palette, answer quick picks and the modal — and saves screenshots under
// test-results/e2e/; with BLUEGREEN_UPDATE_README_IMAGES=1, also the README's picture of the
// tree as docs/images/tree.png.
//
//   npx mocha test/e2e/workbench.test.ts        (BLUEGREEN_E2E_NO_BUILD=1 skips npm run build)
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { loadConfig } from '../../src/core/config';
import type { BluegreenConfig } from '../../src/core/model';
import { down, up } from '../../src/core/sandbox';
import { launchChromium, REPO_ROOT, startWorkbench, type Workbench } from '../helpers/codeServer';
import { anchorBuildContexts, TEST_ENV, WORKSPACE_TEMPLATE } from '../vscode/workspaceCopy';
import { WORKBENCH } from './selectors';

const SCREENSHOTS = path.join(REPO_ROOT, 'test-results', 'e2e');
const TREE_IMAGE = path.join(REPO_ROOT, 'docs', 'images', 'tree.png');

describe('workbench (code-server + Chromium)', function () {
  this.timeout(120_000);
  let workbench: Workbench;
  let browser: Browser;
  let page: Page;
  let config: BluegreenConfig | undefined;

  const screenshot = (name: string) => page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`) });
  const rows = () => page.locator(WORKBENCH.treeRows('Environments'));
  // A row's text is its label then its description, with no space between them.
  const rowTexts = async () => (await rows().allInnerTexts()).map((t) => t.replace(/\s+/g, ' '));

  before(async function () {
    this.timeout(30 * 60_000);
    fs.mkdirSync(SCREENSHOTS, { recursive: true });
    workbench = await startWorkbench({ label: 'e2e', workspaceTemplate: WORKSPACE_TEMPLATE, build: process.env.BLUEGREEN_E2E_NO_BUILD !== '1' });
    anchorBuildContexts(workbench.workspace);
    const loaded = await loadConfig(path.join(workbench.workspace, 'bluegreen.yaml'));
    if (!loaded.ok) throw new Error(`test workspace config: ${JSON.stringify(loaded.errors)}`);
    config = loaded.config;
    // Brought up before the workbench opens; starts from traffic.initial (blue 100%) when new.
    await up(config, TEST_ENV);
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(workbench.server.workbenchUrl(workbench.workspace));
    await page.locator(WORKBENCH.ready).waitFor({ timeout: 60_000 });
  });

  after(async function () {
    this.timeout(300_000);
    await browser?.close();
    await workbench?.cleanup();
    // With its volume: the next run's workspace is another temporary folder, and a sandbox's
    // objects belong to the config file that made them.
    if (config) await down(config, TEST_ENV, { volumes: true });
  });

  async function palette(command: string): Promise<void> {
    await page.keyboard.press('F1');
    const input = page.locator(WORKBENCH.quickInput);
    await input.waitFor({ timeout: 10_000 });
    await input.fill(`>${command}`);
    await page.locator(WORKBENCH.quickPickRow(command)).first().waitFor({ timeout: 10_000 });
  }

  /** Types into an open quick pick and takes the row that matches. */
  async function pick(label: string): Promise<void> {
    const input = page.locator(WORKBENCH.quickInput);
    await page.locator(WORKBENCH.quickPickRow(label)).first().waitFor({ timeout: 15_000 });
    await input.fill(label);
    await page.keyboard.press('Enter');
  }

  it('shows the Blue-Green container in the activity bar and opens it', async () => {
    const item = page.locator(WORKBENCH.activityBarItem('Blue-Green'));
    await item.waitFor({ timeout: 60_000 });
    await item.click();
    await page.locator(WORKBENCH.viewPane('Environments')).waitFor({ timeout: 30_000 });
    await screenshot('01-blue-green-view');
  });

  it('reads the sandbox from its routers: blue live, green idle, hosts healthy; production shows its error', async () => {
    await rows().filter({ hasText: /live 100%/ }).first().waitFor({ timeout: 60_000 });
    await rows().filter({ hasText: 'Routers unreachable' }).first().waitFor({ timeout: 60_000 });
    const texts = await rowTexts();
    assert.ok(texts.some((t) => /^vscodetest\s*blue 100%/.test(t)), texts.join(' | '));
    assert.ok(texts.some((t) => /^blue\s*live 100% · api 1\.0\.0, web 1\.0\.0 · health 2\/2/.test(t)), texts.join(' | '));
    assert.ok(texts.some((t) => /^green\s*idle 0%/.test(t)), texts.join(' | '));
    assert.ok(texts.some((t) => /^bg-vscodetest-green-api-1\s*api 1\.0\.0 · healthy/.test(t)), texts.join(' | '));
    assert.ok(texts.some((t) => /^production\s*SSH · not reachable/.test(t)), texts.join(' | '));
    await page.locator(WORKBENCH.statusBarItem('blue 100%')).first().waitFor({ timeout: 10_000 });
    await screenshot('02-environments-tree');
    // The README's picture: the Environments view alone, the side bar widened so descriptions show.
    const sideBar = await page.locator(WORKBENCH.sideBar).boundingBox();
    if (sideBar) {
      await page.mouse.move(sideBar.x + sideBar.width - 1, sideBar.y + sideBar.height / 2);
      await page.mouse.down();
      await page.mouse.move(sideBar.x + 640, sideBar.y + sideBar.height / 2, { steps: 5 });
      await page.mouse.up();
    }
    // The README's picture is refreshed on request only, so a test run leaves the tree clean.
    const treeImage = process.env.BLUEGREEN_UPDATE_README_IMAGES === '1' ? TREE_IMAGE : path.join(REPO_ROOT, 'test-results', 'e2e', 'tree.png');
    fs.mkdirSync(path.dirname(treeImage), { recursive: true });
    await page.locator(WORKBENCH.viewPane('Environments')).screenshot({ path: treeImage });
  });

  it('runs "Blue-Green: Switch Traffic" from the palette: quick picks, the modal, then the tree and status bar change', async () => {
    await palette('Blue-Green: Switch Traffic');
    await screenshot('03-command-palette');
    await page.keyboard.press('Enter');
    await pick(TEST_ENV);
    await pick('green');
    const message = page.locator(WORKBENCH.dialogMessage);
    await message.waitFor({ timeout: 60_000 });
    assert.match(await message.innerText(), /Switch vscodetest: blue 100% → green 100%\?/);
    await screenshot('04-switch-modal');
    await page.locator(WORKBENCH.dialogButton('Switch')).click();
    await rows().filter({ hasText: /^green\s*live 100%/ }).first().waitFor({ timeout: 60_000 });
    assert.ok((await rowTexts()).some((t) => /^blue\s*idle 0%/.test(t)));
    await page.locator(WORKBENCH.statusBarItem('green 100%')).first().waitFor({ timeout: 30_000 });
    await screenshot('05-switched');
  });

  it('runs "Blue-Green: Validate Config" from the command palette', async () => {
    await palette('Blue-Green: Validate Config');
    await page.keyboard.press('Enter');
    const toast = page.locator(WORKBENCH.notification).filter({ hasText: 'bluegreen.yaml is valid' });
    await toast.first().waitFor({ timeout: 30_000 });
    assert.match(await toast.first().innerText(), /apps api, web; environments vscodetest, production/);
    await screenshot('06-validate-config');
  });
});
