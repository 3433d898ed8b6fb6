import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { EnvironmentNode } from '../../../src/extension/environmentNodes';
import type { EnvironmentsTreeProvider } from '../../../src/extension/environmentsTree';
import { activatedApi, workspaceFolder } from './helpers';

async function items(tree: EnvironmentsTreeProvider, node?: EnvironmentNode): Promise<{ node: EnvironmentNode; item: vscode.TreeItem }[]> {
  return (await tree.getChildren(node)).map((child) => ({ node: child, item: tree.getTreeItem(child) }));
}

async function labels(tree: EnvironmentsTreeProvider, node?: EnvironmentNode): Promise<string[]> {
  return (await items(tree, node)).map(({ item }) => String(item.label));
}

describe('environments tree', () => {
  let tree: EnvironmentsTreeProvider;
  const config = () => vscode.Uri.joinPath(workspaceFolder(), 'bluegreen.yaml');

  before(async () => {
    tree = (await activatedApi()).services.environments;
  });

  it('shows the environments of the workspace config', async () => {
    await tree.refresh();
    assert.deepEqual(await labels(tree), ['sandbox', 'production']);
  });

  it('shows routers, blue, green and database with what the config says', async () => {
    await tree.refresh();
    const production = (await items(tree)).find(({ item }) => item.label === 'production');
    assert.ok(production);
    assert.equal(production.item.contextValue, 'environment:ssh');
    const parts = await items(tree, production.node);
    assert.deepEqual(parts.map(({ item }) => item.label), ['routers', 'blue', 'green', 'database']);
    assert.deepEqual(await labels(tree, parts[0].node), ['lb1', 'lb2']);
    const green = parts[2];
    assert.equal(green.item.contextValue, 'color:green');
    assert.equal(green.item.description, 'api ×1, web ×2');
    const greenApps = await items(tree, green.node);
    assert.deepEqual(greenApps.map(({ item }) => [item.label, item.description]), [['api', 'app3'], ['web', 'app3, app4']]);
    assert.equal(parts[3].item.description, 'db1');
  });

  it('shows each error of a broken config, opening the file at its line', async () => {
    const original = await vscode.workspace.fs.readFile(config());
    try {
      const broken = Buffer.from(original).toString('utf8').replace('port: 8080', 'port: eighty');
      await vscode.workspace.fs.writeFile(config(), Buffer.from(broken));
      const state = await tree.refresh();
      assert.equal(state.kind, 'invalid');
      const errors = await items(tree);
      assert.ok(errors.length >= 1);
      const first = errors[0];
      assert.equal(first.item.contextValue, 'configError');
      assert.match(String(first.item.label), /apps\.api\.port/);
      const line = broken.split('\n').findIndex((l) => l.includes('port: eighty'));
      assert.equal(first.item.description, `${line + 1}:${broken.split('\n')[line].indexOf('eighty') + 1}`);
      assert.equal(first.item.command?.command, 'vscode.open');
      const [uri, options] = first.item.command?.arguments as [vscode.Uri, vscode.TextDocumentShowOptions];
      assert.equal(uri.fsPath, config().fsPath);
      assert.equal((options.selection as vscode.Range).start.line, line);
    } finally {
      await vscode.workspace.fs.writeFile(config(), original);
      await tree.refresh();
    }
  });

  it('is empty without a config (the welcome view shows), and Create bluegreen.yaml fills it', async () => {
    const original = await vscode.workspace.fs.readFile(config());
    try {
      await vscode.workspace.fs.delete(config());
      assert.equal((await tree.refresh()).kind, 'none');
      assert.deepEqual(await tree.getChildren(), []);
      const created = await vscode.commands.executeCommand<vscode.Uri>('bluegreen.createConfig');
      assert.equal(created?.fsPath, config().fsPath);
      const state = await tree.current();
      assert.equal(state.kind, 'valid', state.kind === 'invalid' ? JSON.stringify(state.errors) : '');
      assert.ok((await labels(tree)).includes('sandbox'));
    } finally {
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      await vscode.workspace.fs.writeFile(config(), original);
      await tree.refresh();
    }
  });
});
