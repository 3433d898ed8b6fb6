// Restricted Mode: the workspace is opened without trust (test/vscode/run.ts, second workbench).
// The extension still shows what it can read without running anything from the workspace's
// config; every command that would run commands on hosts, or start containers, is refused.
import * as assert from 'node:assert/strict';
import * as net from 'node:net';
import * as vscode from 'vscode';
import type { StageOutcome } from '../../../src/extension/stages/stageRunner';
import { activatedApi, items, until, workspaceFolder } from './helpers';

const REFUSED_COMMANDS = [
  'bluegreen.drain', 'bluegreen.deploy', 'bluegreen.verify', 'bluegreen.canary', 'bluegreen.switch',
  'bluegreen.restore', 'bluegreen.rollback', 'bluegreen.release', 'bluegreen.sandboxUp',
  'bluegreen.sandboxDown', 'bluegreen.hostsSetup', 'bluegreen.bootstrap', 'bluegreen.releaseLock',
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

  it("does not connect to a Docker engine that the workspace's file names, from the tree or the panel", async () => {
    const { services, liveReaders } = await activatedApi();
    // A listener where the file says the engine is: any connection to it is a failure.
    let connections = 0;
    const listener = net.createServer((socket) => { connections++; socket.destroy(); });
    await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', () => resolve()));
    const port = (listener.address() as net.AddressInfo).port;
    const file = vscode.Uri.joinPath(workspaceFolder(), 'bluegreen.yaml');
    const original = await vscode.workspace.fs.readFile(file);
    try {
      const text = Buffer.from(original).toString('utf8').replace('  vscodetest:\n    docker: {}', `  vscodetest:\n    docker: {}\n  remote:\n    docker: { host: "tcp://127.0.0.1:${port}" }`);
      assert.notEqual(text, Buffer.from(original).toString('utf8'));
      await vscode.workspace.fs.writeFile(file, Buffer.from(text));
      await services.environments.refresh();
      await services.refresher.refresh('remote', 0);
      // The file watcher's own reload can show the new environment as pending for a moment.
      const remote = await until(async () => {
        const found = (await items(services.environments)).find(({ item }) => item.label === 'remote');
        return String(found?.item.contextValue).includes('pending') ? undefined : found;
      }, 10_000, 'the remote environment settled in the tree');
      assert.match(String(remote?.item.contextValue), /problem-restricted/);
      const readers = await liveReaders();
      await readers.reload();
      assert.throws(() => readers.handle('remote'), /Restricted Mode/);
      await new Promise((resolve) => setTimeout(resolve, 500));
      assert.equal(connections, 0, 'nothing connected to the address the file names');
    } finally {
      await vscode.workspace.fs.writeFile(file, original);
      await services.environments.refresh();
      listener.close();
    }
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
