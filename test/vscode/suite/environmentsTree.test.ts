import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { EnvironmentNode } from '../../../src/extension/tree/environmentNodes';
import type { EnvironmentsTreeProvider } from '../../../src/extension/tree/environmentsTree';
import { activatedApi, items, workspaceFolder } from './helpers';

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
    assert.deepEqual(await labels(tree), ['vscodetest', 'production']);
  });

  it('shows an unreachable SSH environment\'s error above its routers, colors, hosts and database', async () => {
    const { services } = await activatedApi();
    await tree.refresh();
    await services.refresher.refresh('production', 0);
    const production = (await items(tree)).find(({ item }) => item.label === 'production');
    assert.ok(production);
    assert.match(String(production.item.contextValue), /^environment:ssh:problem-unreachable/);
    const parts = await items(tree, production.node);
    assert.deepEqual(parts.map(({ item }) => item.label), ['Routers unreachable', 'routers', 'blue', 'green', 'database']);
    assert.equal(parts[0].item.contextValue, 'problem:unreachable');
    assert.match(String(parts[0].item.tooltip && (parts[0].item.tooltip as vscode.MarkdownString).value), /lb1/);
    assert.deepEqual(await labels(tree, parts[1].node), ['lb1', 'lb2']);
    const green = parts[3];
    assert.equal(green.item.contextValue, 'color:green:unknown:unknown');
    assert.equal(green.item.description, '3 hosts');
    const greenHosts = await items(tree, green.node);
    assert.deepEqual(greenHosts.map(({ item }) => [item.label, item.description]), [['app3', 'api'], ['app3', 'web'], ['app4', 'web']]);
    assert.equal(parts[4].item.description, 'db1');
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
      // Nothing in the test workspace is an app: take the starter config init offers then.
      const created = await vscode.commands.executeCommand<vscode.Uri>('bluegreen.createConfig', { starter: true });
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
