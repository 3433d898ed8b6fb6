// Runs the extension-host suite in a real VS Code: code-server with the packaged extension
// installed, a temporary workspace holding bluegreen.yaml, opened once in headless Chromium so
// the extension host starts. The extension's test-only hook runs the suite (BLUEGREEN_TEST_SUITE)
// and writes results (BLUEGREEN_TEST_RESULTS); this prints them and exits 1 on any failure.
// Then a second workbench opens the same workspace untrusted (Restricted Mode) for the
// *.untrusted.ts tests.
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
  const suite = await buildSuite();
  process.stderr.write(`suite built: ${suite}\n`);
  const trusted = await runSuite(suite, { restricted: false, build: !args.has('--no-build'), keep: args.has('--keep') });
  // The same extension in a workspace nobody trusted: only the *.untrusted.ts files run there.
  const restricted = await runSuite(suite, { restricted: true, build: false, keep: args.has('--keep') });
  return trusted && restricted ? 0 : 1;
}

async function runSuite(suite: string, options: { restricted: boolean; build: boolean; keep: boolean }): Promise<boolean> {
  const timeoutMs = Number(process.env.BLUEGREEN_TEST_TIMEOUT_MS ?? 1_200_000);
  const started = Date.now();
  const label = options.restricted ? 'vscode-suite-restricted' : 'vscode-suite';
  const elapsed = () => `${((Date.now() - started) / 1000).toFixed(1)}s`;
  const log = (message: string) => process.stderr.write(`[${label} ${elapsed()}] ${message}\n`);

  let resultsFile = '';
  const workbench = await startWorkbench({
    label,
    workspaceTemplate: WORKSPACE_TEMPLATE,
    build: options.build,
    restricted: options.restricted,
    env: ({ root }) => {
      resultsFile = path.join(root, 'results.json');
      return { BLUEGREEN_TEST_SUITE: suite, BLUEGREEN_TEST_RESULTS: resultsFile, ...(options.restricted ? { BLUEGREEN_TEST_UNTRUSTED: '1' } : {}) };
    },
  });
  anchorBuildContexts(workbench.workspace);
  log(`code-server on ${workbench.server.url}, extension ${path.basename(workbench.vsix)} installed${options.restricted ? ', workspace not trusted' : ''}, log ${workbench.logFile}`);
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
    process.stdout.write(`\n${results.passed} passing, ${results.failed} failing${options.restricted ? ' in Restricted Mode' : ''} (suite ${results.durationMs} ms, total ${elapsed()})\n`);
    ok = results.failed === 0 && results.passed > 0;
  } catch (error) {
    process.stderr.write(`${String(error)}\n--- code-server log (tail) ---\n${tail(workbench.logFile, 40)}\n`);
  } finally {
    await browser.close();
    const keep = options.keep || !ok;
    await workbench.cleanup({ keep });
    if (keep) log(`kept ${workbench.root}`);
  }
  return ok;
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
