// The architecture's lint rules (eslint-rules/bluegreen.mjs) on code that breaks them, linted as
// if it were a file of src/core/fleet (below the stages, outside hostCommands) — with the
// project's own ESLint config and TypeScript types, the way `npm run lint` runs them.
import assert from 'node:assert/strict';
import path from 'node:path';
import { ESLint } from 'eslint';

const ROOT = path.resolve(__dirname, '../..');
const AS_FLEET_FILE = path.join(ROOT, 'src/core/fleet/audit.ts');

async function problems(code: string): Promise<string[]> {
  const eslint = new ESLint({ cwd: ROOT });
  const [result] = await eslint.lintText(code, { filePath: AS_FLEET_FILE });
  return result.messages.filter((m) => m.ruleId?.startsWith('bluegreen/')).map((m) => `${m.line} ${m.ruleId}`);
}

describe('lint rules of the architecture', function () {
  this.timeout(120_000);

  it('refuse shell text outside hostCommands: quoting, builders, a transport called directly (also renamed), sh -c', async () => {
    assert.deepEqual(await problems([
      "import { Transport, shellQuote } from '../transport';",
      "import { hostCommand } from '../hostCommands/hostCommand';",
      'export async function bad(t: Transport): Promise<unknown> {',
      "  const renamed = t; await renamed.exec(`cat ${shellQuote('x')}`);",
      "  await t.put('/x', 'y');",
      "  return [hostCommand('p', 'true', { sudo: false, effect: 'read' }), ['sh', '-c', 'echo hi']];",
      '}',
    ].join('\n')), [
      '1 bluegreen/host-commands-only',
      '4 bluegreen/host-commands-only',
      '5 bluegreen/host-commands-only',
      '6 bluegreen/host-commands-only',
      '6 bluegreen/host-commands-only',
    ]);
  });

  it('refuse a stage imported below the stages, but not a type or a regular expression\'s exec', async () => {
    assert.deepEqual(await problems([
      "import { deploy } from '../stages/deploy';",
      "import type { StageContext } from '../stages/stageContext';",
      'export function fine(ctx: StageContext): unknown { return [deploy, /a/.exec(ctx.actor)]; }',
    ].join('\n')), ['1 bluegreen/layering']);
  });
});
