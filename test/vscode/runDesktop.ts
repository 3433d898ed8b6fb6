// The same extension-host suite in desktop VS Code, for machines that can download it
// (@vscode/test-electron fetches a VS Code build; this machine cannot, so CI uses run.ts).
// Desktop VS Code has --extensionTestsPath, so the suite's run() is called directly and the
// extension is loaded from the repository (no packaging).
//
//   npm run build && npx tsx test/vscode/runDesktop.ts
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runTests } from '@vscode/test-electron';
import { REPO_ROOT, copyFolder, tempDir } from '../helpers/codeServer';
import { buildSuite } from './build';
import { anchorBuildContexts } from './workspaceCopy';
import type { SuiteResults } from './suite/index';

async function main(): Promise<number> {
  const suite = await buildSuite();
  const root = tempDir('vscode-desktop');
  const workspace = path.join(root, 'workspace');
  copyFolder(path.join(__dirname, 'workspace'), workspace);
  anchorBuildContexts(workspace);
  const resultsFile = path.join(root, 'results.json');
  try {
    await runTests({
      version: process.env.BLUEGREEN_VSCODE_VERSION ?? '1.100.3',
      extensionDevelopmentPath: REPO_ROOT,
      extensionTestsPath: suite,
      extensionTestsEnv: { BLUEGREEN_TEST_RESULTS: resultsFile },
      launchArgs: [workspace, '--disable-extensions', '--disable-workspace-trust', '--user-data-dir', path.join(root, 'user-data')],
    });
  } catch (error) {
    process.stderr.write(`${String(error)}\n`);
  }
  if (!fs.existsSync(resultsFile)) return 1;
  const results = JSON.parse(fs.readFileSync(resultsFile, 'utf8')) as SuiteResults;
  process.stdout.write(`${results.passed} passing, ${results.failed} failing\n`);
  return results.failed === 0 && results.passed > 0 ? 0 : 1;
}

main().then((code) => process.exit(code), (error) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
