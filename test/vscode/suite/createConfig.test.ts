// Create bluegreen.yaml in the real extension host: the same engine as `bluegreen init`. The test
// workspace's config is moved away for each test and put back after. With a Node.js app and a
// Java app in the folder it writes the commented config for both (what it found, what it asked
// for, in real input boxes or through the command's answers), opens it, fills the tree, and never
// overwrites it; with nothing it recognises it writes only what the person accepts: the starter.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { EnvironmentsTreeProvider } from '../../../src/extension/tree/environmentsTree';
import { activatedApi, until, workspaceFolder } from './helpers';

const text = async (uri: vscode.Uri) => Buffer.from(await vscode.workspace.fs.readFile(uri)).toString('utf8');
const exists = (uri: vscode.Uri) => Promise.resolve(vscode.workspace.fs.stat(uri)).then(() => true, () => false);

describe('Create bluegreen.yaml (bluegreen init in the editor)', () => {
  let tree: EnvironmentsTreeProvider;
  let original: Uint8Array;
  const config = () => vscode.Uri.joinPath(workspaceFolder(), 'bluegreen.yaml');
  const shop = () => vscode.Uri.joinPath(workspaceFolder(), 'shop');
  const billing = () => vscode.Uri.joinPath(workspaceFolder(), 'billing');

  /** A Node.js app that names its port and health path, and a Maven project that names neither. */
  async function writeApps(): Promise<void> {
    const write = (uri: vscode.Uri, content: string) => vscode.workspace.fs.writeFile(uri, Buffer.from(content));
    await write(vscode.Uri.joinPath(shop(), 'package.json'), JSON.stringify({ name: 'shop', version: '2.3.0', scripts: { start: 'node server.js' } }, null, 2));
    await write(vscode.Uri.joinPath(shop(), 'server.js'), "require('http').createServer((q, s) => s.end(q.url === '/health' ? 'ok' : 'shop')).listen(process.env.PORT || 3000);\n");
    await write(vscode.Uri.joinPath(billing(), 'pom.xml'), '<project><modelVersion>4.0.0</modelVersion><groupId>acme</groupId><artifactId>billing</artifactId><version>1.4.0</version></project>\n');
  }

  before(async () => {
    tree = (await activatedApi()).services.environments;
    original = await vscode.workspace.fs.readFile(config());
  });

  beforeEach(async () => {
    await vscode.workspace.fs.delete(config());
    assert.equal((await tree.refresh()).kind, 'none');
  });

  afterEach(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    for (const folder of [shop(), billing()]) await vscode.workspace.fs.delete(folder, { recursive: true }).then(undefined, () => undefined);
    await vscode.workspace.fs.writeFile(config(), original);
    await tree.refresh();
  });

  it('writes the commented config for the apps it finds, with the answers it asked for, opens it, fills the tree, and never overwrites it', async () => {
    await writeApps();
    // billing (a pom.xml naming no port or health path) is asked about first: port, then health path.
    const created = await vscode.commands.executeCommand<vscode.Uri>('bluegreen.createConfig', { answers: ['8081', '/ready'] });
    assert.equal(created?.fsPath, config().fsPath);
    const written = await text(config());
    assert.match(written, /^# bluegreen\.yaml, written by `bluegreen init` from what it found in this folder:$/m);
    assert.match(written, /^# {3}billing: billing\/pom\.xml$/m);
    assert.match(written, /^# {3}shop: shop\/package\.json \(start: node server\.js\)$/m);
    assert.match(written, /^ {4}runtime: java +#/m);
    assert.match(written, /^ {4}port: 8081 +# as you answered$/m);
    assert.match(written, /^ {4}health: \/ready +# as you answered$/m);
    assert.match(written, /^ {4}port: 3000 +# found in shop\/server\.js$/m);
    assert.match(written, /^ {4}health: \/health +# found in shop\/server\.js$/m);
    assert.match(written, /^ {2}sandbox:\n {4}docker:/m);
    assert.equal(vscode.window.activeTextEditor?.document.uri.fsPath, config().fsPath, 'the written file is open');
    const state = await tree.current();
    assert.equal(state.kind, 'valid', state.kind === 'invalid' ? JSON.stringify(state.errors) : '');
    assert.deepEqual((await tree.getChildren()).map((node) => String(tree.getTreeItem(node).label)), ['sandbox']);

    // Again, with the file there: opened as it is, nothing asked, nothing written.
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    const again = await vscode.commands.executeCommand<vscode.Uri>('bluegreen.createConfig', { answers: [] });
    assert.equal(again?.fsPath, config().fsPath);
    assert.equal(await text(config()), written);
    assert.equal(vscode.window.activeTextEditor?.document.uri.fsPath, config().fsPath);
  });

  it('asks in input boxes where the CLI asks in the terminal', async () => {
    await writeApps();
    const creating = vscode.commands.executeCommand<vscode.Uri>('bluegreen.createConfig');
    let done = false;
    void creating.then(() => { done = true; }, () => { done = true; });
    // Each input box opens holding init's default; Enter takes it (the person's answer).
    let accepted = 0;
    await until(async () => {
      if (done) return true;
      await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
      accepted++;
      await new Promise((r) => setTimeout(r, 250));
      return undefined;
    }, 20_000, 'Create bluegreen.yaml to finish after its input boxes');
    assert.equal((await creating)?.fsPath, config().fsPath, `accepted ${accepted} time(s)`);
    const written = await text(config());
    assert.match(written, /^ {4}port: 8080 +# as you answered$/m);
    assert.match(written, /^ {4}health: \/ +# as you answered$/m);
    assert.match(written, /^ {4}port: 3000 +# found in shop\/server\.js$/m);
  });

  it('with nothing it recognises: writes nothing unless the person takes the starter config', async () => {
    assert.equal(await vscode.commands.executeCommand('bluegreen.createConfig', { starter: false }), undefined);
    assert.equal(await exists(config()), false, 'declined: nothing written');
    const created = await vscode.commands.executeCommand<vscode.Uri>('bluegreen.createConfig', { starter: true });
    assert.equal(created?.fsPath, config().fsPath);
    assert.match(await text(config()), /^# Blue-Green Releases: see docs\/config\.md for every key\.$/m);
    const state = await tree.current();
    assert.equal(state.kind, 'valid', state.kind === 'invalid' ? JSON.stringify(state.errors) : '');
    await until(async () => (vscode.window.activeTextEditor?.document.uri.fsPath === config().fsPath ? true : undefined), 5000, 'the starter config to open');
  });
});
