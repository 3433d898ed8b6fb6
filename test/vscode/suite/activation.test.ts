import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { COMMANDS } from '../../../src/extension/commandTable';
import { activatedApi, EXTENSION_ID } from './helpers';

describe('activation', () => {
  it('activates in a workspace with bluegreen.yaml', async () => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(extension, 'extension installed');
    await activatedApi();
    assert.equal(extension.isActive, true);
  });

  it('registers every command of the command table and contributes each one', async () => {
    await activatedApi();
    const registered = new Set(await vscode.commands.getCommands(true));
    const contributed = new Set(
      (vscode.extensions.getExtension(EXTENSION_ID)?.packageJSON.contributes.commands as { command: string }[]).map((c) => c.command),
    );
    for (const id of Object.keys(COMMANDS)) {
      assert.ok(registered.has(id), `${id} registered`);
      assert.ok(contributed.has(id), `${id} contributed in package.json`);
    }
  });
});
