// The extension-host suite's entry: runs mocha inside the extension host and writes the results
// as JSON. Started by the extension's test-only hook (BLUEGREEN_TEST_SUITE, code-server) or by
// @vscode/test-electron as extensionTestsPath (desktop VS Code); both call run().
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface SuiteResults {
  passed: number;
  failed: number;
  durationMs: number;
  tests: { title: string; state: 'passed' | 'failed'; durationMs: number; error?: string }[];
}

export async function run(): Promise<void> {
  // mocha 12's main entry is ESM; its CommonJS build is the one a require()-based host can load.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const Mocha = require('mocha/lib/mocha.cjs') as typeof import('mocha');
  const mocha = new Mocha({ ui: 'bdd', timeout: 30_000, color: false, reporter: 'spec' });
  // BLUEGREEN_TEST_GREP (in the runner's environment, which the extension host inherits) runs only the matching tests.
  if (process.env.BLUEGREEN_TEST_GREP) mocha.grep(new RegExp(process.env.BLUEGREEN_TEST_GREP));
  // The Restricted Mode tests need a workspace that is not trusted: they run in a second workbench.
  const suffix = process.env.BLUEGREEN_TEST_UNTRUSTED === '1' ? '.untrusted.js' : '.test.js';
  for (const file of fs.readdirSync(__dirname).filter((f) => f.endsWith(suffix)).sort()) {
    mocha.addFile(path.join(__dirname, file));
  }
  const results: SuiteResults = { passed: 0, failed: 0, durationMs: 0, tests: [] };
  const started = Date.now();
  await new Promise<void>((resolve) => {
    const runner = mocha.run(() => resolve());
    runner.on('pass', (test) => {
      results.passed++;
      results.tests.push({ title: test.fullTitle(), state: 'passed', durationMs: test.duration ?? 0 });
    });
    runner.on('fail', (test, error: Error) => {
      results.failed++;
      results.tests.push({ title: test.fullTitle(), state: 'failed', durationMs: test.duration ?? 0, error: error.stack ?? String(error) });
    });
  });
  results.durationMs = Date.now() - started;
  const resultsFile = process.env.BLUEGREEN_TEST_RESULTS;
  if (resultsFile) {
    // Written whole then renamed, so the runner never reads half a file.
    fs.writeFileSync(`${resultsFile}.tmp`, JSON.stringify(results, null, 2));
    fs.renameSync(`${resultsFile}.tmp`, resultsFile);
  }
  if (results.failed > 0) throw new Error(`${results.failed} of ${results.passed + results.failed} tests failed`);
}
