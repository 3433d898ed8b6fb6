// Restricted Mode: the workspace is opened without trust (test/vscode/run.ts, second workbench).
// The extension still shows what it can read without running anything from the workspace's
// config; every command that would run commands on hosts, or start containers, is refused.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { StageOutcome } from '../../../src/extension/stageRunner';
import { activatedApi, items } from './helpers';

const REFUSED_COMMANDS = [
  'bluegreen.drain', 'bluegreen.deploy', 'bluegreen.verify', 'bluegreen.canary', 'bluegreen.switch',
  'bluegreen.restore', 'bluegreen.rollback', 'bluegreen.release', 'bluegreen.sandboxUp',
  'bluegreen.sandboxDown', 'bluegreen.hostsSetup', 'bluegreen.releaseLock',
];

describe('Restricted Mode (workspace not trusted)', () => {
  it('runs in a workspace that is not trusted', () => {
    assert.equal(vscode.workspace.isTrusted, false);
  });

  it('shows the environments, but does not contact the SSH one', async () => {
    const { services } = await activatedApi();
    const tree = services.environments;
    await tree.refresh();
    await services.refresher.refresh('production', 0);
    const top = await items(tree);
    assert.deepEqual(top.map(({ item }) => item.label), ['vscodetest', 'production']);
    const production = top.find(({ item }) => item.label === 'production');
    assert.match(String(production?.item.description), /Restricted Mode/);
    assert.match(String(production?.item.contextValue), /problem-restricted/);
  });

  for (const command of REFUSED_COMMANDS) {
    it(`refuses ${command} before asking anything or touching a host`, async () => {
      await activatedApi();
      const outcome = await vscode.commands.executeCommand<StageOutcome>(command, {
        env: 'vscodetest', color: 'green', version: '9.9.9', percent: 10, yes: true,
      });
      assert.equal(outcome?.ok, false);
      assert.equal(outcome?.refused, true);
      assert.equal(outcome?.summary, 'refused in Restricted Mode');
    });
  }
});
