// The real VS Code UI: code-server in headless Chromium, the packaged extension installed, the
// test workspace (a `vscodetest` sandbox, brought up here with the core's `up`, and an unreachable
// production). Drives what a person does — open the Blue-Green view, read the tree, run commands
// from the palette, answer quick picks and the modal — and saves screenshots under
// test-results/e2e/; with BLUEGREEN_UPDATE_README_IMAGES=1, also the README's pictures in
// docs/images/: the tree (tree.png), the first-run walkthrough (walkthrough.png), the release
// history with a change opened (history.png).
//
//   npx mocha test/e2e/workbench.test.ts        (BLUEGREEN_E2E_NO_BUILD=1 skips npm run build)
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { loadConfig } from '../../src/core/config';
import type { BluegreenConfig } from '../../src/core/model';
import { down, up } from '../../src/core/sandbox';
import { launchChromium, REPO_ROOT, startWorkbench, waitFor, type Workbench } from '../helpers/codeServer';
import { anchorBuildContexts, TEST_ENV, WORKSPACE_TEMPLATE } from '../vscode/workspaceCopy';
import { WORKBENCH } from './selectors';
import { readmeImage, trafficEditorFrame } from './panelFrames';

const SCREENSHOTS = path.join(REPO_ROOT, 'test-results', 'e2e');

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
    const input = page.locator(WORKBENCH.quickInput);
    // While a page such as the walkthrough is still taking focus, F1 can be swallowed, or the
    // palette can open and close again at once: ask again until the command's row shows (a
    // hidden input from an earlier palette is in the page all along).
    for (let attempt = 1; ; attempt++) {
      await page.keyboard.press('F1');
      const listed = await input.waitFor({ state: 'visible', timeout: 5_000 })
        .then(() => input.fill(`>${command}`, { timeout: 5_000 }))
        .then(() => page.locator(WORKBENCH.quickPickRow(command)).first().waitFor({ timeout: 10_000 }))
        .then(() => true, () => false);
      if (listed) break;
      if (attempt === 4) throw new Error(`the command palette did not list "${command}" after ${attempt} tries`);
      // Close a palette left half open; Escape with the focus on a page such as the walkthrough
      // would take that page back a step instead.
      if (await input.isVisible()) await page.keyboard.press('Escape');
    }
    // The row Enter runs must be this command, not one whose title starts the same ("… in
    // Editor") that a recently-used list puts first.
    const exact = new RegExp(`^${command.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(\\.\\.\\.|…)?(,|$)`);
    for (let step = 0; step < 10; step++) {
      const focused = await page.locator('.quick-input-list [role="option"].focused').first().getAttribute('aria-label').catch(() => null);
      if (focused && exact.test(focused)) return;
      await page.keyboard.press('ArrowDown');
    }
    const labels = await page.locator('.quick-input-list [role="option"]').evaluateAll((rows) => rows.map((r) => r.getAttribute('aria-label')));
    throw new Error(`the command palette lists "${command}" but it could not be selected: ${labels.join(' | ')}`);
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
    await page.locator(WORKBENCH.viewPane('Environments')).screenshot({ path: readmeImage('tree.png') });
  });

  it('opens the first-run walkthrough: its steps, and a step checks itself when its command runs', async () => {
    await palette('Welcome: Open Walkthrough');
    await page.keyboard.press('Enter');
    await pick('From an Empty Folder to a Rehearsed Release');
    const container = page.locator('.gettingStartedContainer');
    await container.getByText('Bring the sandbox up').first().waitFor({ timeout: 30_000 });
    const titles = await page.locator('.gettingStartedContainer .getting-started-step .step-title').allInnerTexts();
    for (const title of ['Create bluegreen.yaml', 'Bring the sandbox up', 'Rehearse a release', 'Open the traffic panel', 'Preview the idle color', 'Plan a stage safely', 'Point it at real hosts']) {
      assert.ok(titles.some((t) => t.includes(title)), `step "${title}" in ${titles.join(' | ')}`);
    }
    // A completion event: running the step's command checks it.
    await palette('Blue-Green: Open Traffic Panel');
    await page.keyboard.press('Enter');
    const done = page.locator('.gettingStartedContainer button.getting-started-step[aria-checked="true"] .step-title');
    await done.filter({ hasText: 'Open the traffic panel' }).first().waitFor({ timeout: 30_000 }).catch(async (error: Error) => {
      await screenshot('09-walkthrough-not-checked');
      const steps = await page.locator('.gettingStartedContainer button.getting-started-step').evaluateAll((buttons) =>
        buttons.map((b) => `${b.querySelector('.step-title')?.textContent ?? '?'}: aria-checked=${b.getAttribute('aria-checked')}`));
      throw new Error(`${error.message.split('\n')[0]}; the steps: ${steps.join(' | ')}`);
    });
    await page.locator('.gettingStartedContainer .getting-started-step').filter({ hasText: 'Bring the sandbox up' }).first().click();
    await screenshot('09-walkthrough');
    await page.screenshot({ path: readmeImage('walkthrough.png') });
    await palette('View: Close Editor');
    await page.keyboard.press('Enter');
  });

  it('opens the traffic panel as an editor tab: a large chart, and at blue 100 % no green in the configured bar', async () => {
    await palette('Blue-Green: Open Traffic Panel in Editor');
    await page.keyboard.press('Enter');
    const frame = await trafficEditorFrame(page);
    // The whole history arrived (not only the updates): the environments are listed.
    await frame.locator('#environment option', { hasText: TEST_ENV }).waitFor({ state: 'attached', timeout: 60_000 });
    await frame.locator('#configured').filter({ hasText: /blue 100%/ }).waitFor({ timeout: 60_000 });
    await frame.locator('#chart canvas').waitFor({ timeout: 30_000 });
    const chartHeight = await frame.locator('#chart canvas').evaluate((c) => c.getBoundingClientRect().height);
    assert.ok(chartHeight >= 300, `chart ${chartHeight}px high`);
    // The bar eases to its width: wait until blue has filled it.
    await waitFor(() => frame.locator('#bar-configured').evaluate((bar) => {
      const blue = bar.querySelector('.blue');
      return !!blue && blue.getBoundingClientRect().width >= bar.clientWidth - 1;
    }), 10_000, 'the configured bar to fill with blue');
    const parts = await frame.locator('#bar-configured span').evaluateAll((spans) => spans.map((s) => ({
      color: s.className, hidden: s.hasAttribute('hidden'), width: s.getBoundingClientRect().width, bar: s.parentElement!.getBoundingClientRect().width,
    })));
    const green = parts.find((p) => p.color === 'green');
    const blue = parts.find((p) => p.color === 'blue');
    assert.ok(green && blue, JSON.stringify(parts));
    assert.equal(green.hidden, true, 'no green part at 0 %');
    assert.equal(green.width, 0);
    assert.ok(blue.width >= blue.bar - 3, `blue fills the bar: ${blue.width} of ${blue.bar}`);
    await screenshot('10-traffic-editor-blue-100');
    await palette('View: Close Editor');
    await page.keyboard.press('Enter');
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

  it('the Release History view lists the switch; selecting it opens the change: the plan before → after', async () => {
    // The view starts collapsed (package.json): open it as a person would, by its header.
    const header = page.locator('.pane-header[aria-label^="Release History"]').first();
    if (await header.getAttribute('aria-expanded') === 'false') await header.click();
    const entry = page.locator(WORKBENCH.treeRows('Release History')).filter({ hasText: /switch green/ }).first();
    await entry.waitFor({ timeout: 60_000 });
    assert.match((await entry.innerText()).replace(/\s+/g, ' '), /#\d+ switch green.*blue 100% → green 100%/);
    await entry.click();
    const editor = page.locator('.editor-instance .monaco-editor .view-lines').filter({ hasText: 'vscodetest: switch green' }).first();
    await editor.waitFor({ timeout: 30_000 });
    // Monaco renders spaces as no-break spaces.
    assert.match((await editor.innerText()).replace(/\u00a0/g, ' '), /Users: blue 100% → green 100%/);
    await screenshot('07-release-history');
    await page.screenshot({ path: readmeImage('history.png') });
    // The change is an untitled document: closing it plainly would ask whether to save it.
    await palette('View: Revert and Close Editor');
    await page.keyboard.press('Enter');
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
