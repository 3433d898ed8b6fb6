// The test-only entry: code-server has no --extensionTestsPath, so the extension-host suite is
// started from inside the extension host. Only when BLUEGREEN_TEST_SUITE names a built suite
// module (test/vscode/run.ts sets it on the code-server process, whose environment the extension
// host inherits); otherwise this does nothing.
import { createRequire } from 'node:module';
import type * as vscode from 'vscode';

export function startTestSuiteIfRequested(output: vscode.OutputChannel): void {
  const suite = process.env.BLUEGREEN_TEST_SUITE;
  if (!suite) return;
  // Run after activate() has returned, so the suite sees the extension as activated.
  setTimeout(() => {
    output.appendLine(`Running the test suite ${suite}`);
    // A path known only at run time, loaded by Node itself rather than bundled by esbuild.
    const module = createRequire(__filename)(suite) as { run: () => Promise<void> };
    module.run().then(
      () => output.appendLine('Test suite finished'),
      (error: unknown) => output.appendLine(`Test suite failed: ${String(error)}`),
    );
  }, 0);
}
