// Runs the extension-host suite in a real VS Code: code-server with the packaged extension
// installed, a temporary workspace holding bluegreen.yaml, opened once in headless Chromium so
// the extension host starts. The extension's test-only hook runs the suite (BLUEGREEN_TEST_SUITE)
// and writes results (BLUEGREEN_TEST_RESULTS); this prints them and exits 1 on any failure.
//
//   npx tsx test/vscode/run.ts [--no-build] [--keep]
//   BLUEGREEN_TEST_TIMEOUT_MS (default 1200000: the suite brings a sandbox up, images built once)
import * as fs from 'node:fs';
import * as path from 'node:path';
import { launchChromium, startWorkbench, waitFor } from '../helpers/codeServer';
import { buildSuite } from './build';
import { anchorBuildContexts, WORKSPACE_TEMPLATE } from './workspaceCopy';
import type { SuiteResults } from './suite/index';

async function main(): Promise<number> {
  const args = new Set(process.argv.slice(2));
  const timeoutMs = Number(process.env.BLUEGREEN_TEST_TIMEOUT_MS ?? 1_200_000);
  const started = Date.now();
  const elapsed = () => `${((Date.now() - started) / 1000).toFixed(1)}s`;
  const log = (message: string) => process.stderr.write(`[vscode-suite ${elapsed()}] ${message}\n`);

  const suite = await buildSuite();
  log(`suite built: ${suite}`);
  let resultsFile = '';
  const workbench = await startWorkbench({
    label: 'vscode-suite',
    workspaceTemplate: WORKSPACE_TEMPLATE,
    build: !args.has('--no-build'),
    env: ({ root }) => {
      resultsFile = path.join(root, 'results.json');
      return { BLUEGREEN_TEST_SUITE: suite, BLUEGREEN_TEST_RESULTS: resultsFile };
    },
  });
  anchorBuildContexts(workbench.workspace);
  log(`code-server on ${workbench.server.url}, extension ${path.basename(workbench.vsix)} installed, log ${workbench.logFile}`);
  const browser = await launchChromium();
  let ok = false;
  try {
    const page = await browser.newPage();
    await page.goto(workbench.server.workbenchUrl(workbench.workspace));
    log('workbench opened; waiting for the suite');
    await waitFor(() => {
      if (workbench.server.process.exitCode !== null) throw new Error('code-server exited while the suite ran');
      return fs.existsSync(resultsFile);
    }, timeoutMs, `the suite's results in ${resultsFile}`);
    const results = JSON.parse(fs.readFileSync(resultsFile, 'utf8')) as SuiteResults;
    for (const test of results.tests) {
      process.stdout.write(`${test.state === 'passed' ? '  ✓' : '  ✗'} ${test.title} (${test.durationMs} ms)\n`);
      if (test.error) process.stdout.write(`${test.error.replace(/^/gm, '      ')}\n`);
    }
    process.stdout.write(`\n${results.passed} passing, ${results.failed} failing (suite ${results.durationMs} ms, total ${elapsed()})\n`);
    ok = results.failed === 0 && results.passed > 0;
  } catch (error) {
    process.stderr.write(`${String(error)}\n--- code-server log (tail) ---\n${tail(workbench.logFile, 40)}\n`);
  } finally {
    await browser.close();
    const keep = args.has('--keep') || !ok;
    await workbench.cleanup({ keep });
    if (keep) log(`kept ${workbench.root}`);
  }
  return ok ? 0 : 1;
}

function tail(file: string, lines: number): string {
  try {
    return fs.readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

main().then((code) => process.exit(code), (error) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
