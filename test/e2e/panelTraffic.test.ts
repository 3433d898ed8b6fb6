// The traffic panel in a real VS Code (code-server in headless Chromium) against a running
// sandbox (env `traffictest`): open the panel, start simulated users from its controls, and see
// live, non-zero numbers and a drawn chart; then the same panel as an editor tab, sharing the
// running users. Screenshots: test-results/e2e/panel-traffic.png, traffic-editor.png (with
// BLUEGREEN_UPDATE_README_IMAGES=1: docs/images/traffic-editor.png).
//
//   npx mocha test/e2e/panelTraffic.test.ts   (BLUEGREEN_E2E_NO_BUILD=1 skips the build;
//   BLUEGREEN_TEST_KEEP_SANDBOX=1 leaves the sandbox up)
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Browser, FrameLocator, Page } from 'playwright-core';
import { down, up } from '../../src/core/sandbox';
import { REPO_ROOT, launchChromium, startWorkbench, tempDir, type Workbench } from '../helpers/codeServer';
import { REPO_CONFIG, SANDBOX_UP_TIMEOUT_MS, TestSandbox, testSandbox } from '../helpers/sandbox';
import { WORKBENCH } from './selectors';
import { readmeImage, trafficEditorFrame } from './panelFrames';

const ENV = 'traffictest';
const SCREENSHOTS = path.join(REPO_ROOT, 'test-results', 'e2e');

/** The repository's config with one environment: the test sandbox. */
function workspaceTemplate(): string {
  const dir = tempDir('panel-workspace');
  const text = fs.readFileSync(REPO_CONFIG, 'utf8');
  const head = text.slice(0, text.indexOf('\nenvironments:'));
  const contexts = head.replace(/context: (sandbox\/[\w-]+)/g, (_m, rel: string) => `context: ${path.join(path.dirname(REPO_CONFIG), rel)}`);
  fs.writeFileSync(path.join(dir, 'bluegreen.yaml'), `${contexts}\nenvironments:\n  ${ENV}:\n    docker: { routers: 2, hostsPerColor: 1 }\n`);
  return dir;
}

describe('traffic panel (code-server + Chromium, live sandbox)', function () {
  this.timeout(180_000);
  let sandbox: TestSandbox;
  let workbench: Workbench;
  let browser: Browser;
  let page: Page;
  let panel: FrameLocator;

  before(async function () {
    this.timeout(SANDBOX_UP_TIMEOUT_MS);
    fs.mkdirSync(SCREENSHOTS, { recursive: true });
    sandbox = await testSandbox(ENV, { routers: 2, hostsPerColor: 1 });
    await up(sandbox.config, sandbox.env);
    workbench = await startWorkbench({ label: 'e2e-panel', workspaceTemplate: workspaceTemplate(), build: process.env.BLUEGREEN_E2E_NO_BUILD !== '1' });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1400, height: 1400 } });
    await page.goto(workbench.server.workbenchUrl(workbench.workspace));
    await page.locator(WORKBENCH.ready).waitFor({ timeout: 60_000 });
  });

  after(async function () {
    this.timeout(300_000);
    if (panel) await panel.locator('#stop').click({ timeout: 5000 }).catch(() => undefined);
    await browser?.close();
    await workbench?.cleanup();
    if (sandbox && !process.env.BLUEGREEN_TEST_KEEP_SANDBOX) await down(sandbox.config, sandbox.env);
  });

  it('opens the Traffic view in the Blue-Green container', async () => {
    await page.locator(WORKBENCH.activityBarItem('Blue-Green')).click({ timeout: 60_000 });
    const header = page.locator('.pane-header[aria-label^="Traffic"]');
    await header.waitFor({ timeout: 30_000 });
    if ((await header.getAttribute('aria-expanded')) === 'false') await header.click();
    // A webview view: an outer iframe from the workbench, the panel's document in the inner one.
    panel = page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame');
    await panel.locator('#environment option', { hasText: ENV }).waitFor({ state: 'attached', timeout: 60_000 });
    await panel.locator('#configured').filter({ hasText: /%/ }).waitFor({ timeout: 60_000 });
  });

  it('starts simulated users from the panel and shows live, non-zero numbers', async () => {
    await panel.locator('#traffic').waitFor({ timeout: 10_000 });
    await panel.locator('#rps').fill('40');
    await panel.locator('#mobile').fill('30');
    await panel.locator('#start').click();
    await panel.locator('#traffic-counts').filter({ hasText: /running · sent [1-9]/ }).waitFor({ timeout: 30_000 });
    await panel.locator('#observed').filter({ hasText: /of [1-9]\d* user requests/ }).waitFor({ timeout: 60_000 });
    // Let the chart gather a few seconds.
    await page.waitForTimeout(6000);
    const rates = await panel.locator('#stats tbody tr').evaluateAll((rows) => rows.map((r) => Number(r.children[1]?.textContent ?? '0')));
    assert.ok(rates.some((r) => r > 0), `req/s per color: ${rates.join(', ')}`);
    const twoXx = await panel.locator('#stats tbody tr').evaluateAll((rows) => rows.map((r) => Number(r.children[2]?.textContent ?? '0')));
    assert.ok(twoXx.reduce((a, b) => a + b, 0) > 0, `2xx per color: ${twoXx.join(', ')}`);
    assert.match(await panel.locator('#reader').innerText(), /streaming · [1-9]\d* lines/);
    assert.equal(await panel.locator('#chart canvas').count(), 1, 'uPlot drew its canvas');
    // Counts are shown; failures are not judged here (a loaded CI machine may time some out).
    assert.match(await panel.locator('#traffic-counts').innerText(), /sent [1-9]\d* · ok [1-9]\d* · failed \d+/);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'panel-traffic.png') });
  });

  it('opens the panel as an editor tab: a larger chart with the stage markers, the same simulated users', async () => {
    await page.keyboard.press('F1');
    await page.locator(WORKBENCH.quickInput).fill('>Blue-Green: Open Traffic Panel in Editor');
    await page.locator(WORKBENCH.quickPickRow('Blue-Green: Open Traffic Panel in Editor')).first().waitFor({ timeout: 10_000 });
    await page.keyboard.press('Enter');
    const tab = await trafficEditorFrame(page);
    // The whole history arrived (not only the updates): the environments are listed.
    await tab.locator('#environment option', { hasText: ENV }).waitFor({ state: 'attached', timeout: 60_000 });
    await tab.locator('#configured').filter({ hasText: /%/ }).waitFor({ timeout: 60_000 });
    // The run the side panel started shows here too: one generator for both.
    await tab.locator('#traffic-counts').filter({ hasText: /running · sent [1-9]/ }).waitFor({ timeout: 30_000 });
    assert.equal(await tab.locator('#rps').inputValue(), '40', 'the running rate, not the form\'s default');
    await tab.locator('#observed').filter({ hasText: /of [1-9]\d* user requests/ }).waitFor({ timeout: 60_000 });
    await tab.locator('#markers li').filter({ hasText: 'simulated users 40/s' }).first().waitFor({ timeout: 30_000 });
    const canvas = tab.locator('#chart canvas');
    assert.equal(await canvas.count(), 1, 'uPlot drew its canvas');
    const height = await canvas.evaluate((c) => c.getBoundingClientRect().height);
    assert.ok(height >= 300, `the tab's chart is ${height}px high`);
    await page.waitForTimeout(3000);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'traffic-editor.png') });
    await page.screenshot({ path: readmeImage('traffic-editor.png') });
    await page.keyboard.press('F1');
    await page.locator(WORKBENCH.quickInput).fill('>View: Close Editor');
    await page.locator(WORKBENCH.quickPickRow('View: Close Editor')).first().waitFor({ timeout: 10_000 });
    await page.keyboard.press('Enter');
    await page.locator('iframe.webview.ready').nth(1).waitFor({ state: 'detached', timeout: 10_000 });
    await panel.locator('#stop').click();
    await panel.locator('#traffic-counts').filter({ hasText: /^stopped · sent [1-9]/ }).waitFor({ timeout: 30_000 });
  });
});
