// How the editor reaches hosts: the traffic panel and Preview use the same settings as the tree
// (bluegreen.sshPath, bluegreen.dockerHost), and the suite's ssh never reads the user's config.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { DockerEnvironment } from '../../../src/core/model';
import { activatedApi } from './helpers';

describe('reader settings', () => {
  it("runs ssh with the suite's own config, never the user's ~/.ssh/config", () => {
    const sshPath = vscode.workspace.getConfiguration('bluegreen').get<string>('sshPath') ?? 'ssh';
    assert.notEqual(sshPath, 'ssh', 'the runner sets bluegreen.sshPath to an ssh with its own config');
    // `ssh -G` prints the configuration ssh would use for a host, without connecting.
    const resolved = execFileSync(sshPath, ['-G', 'lb1'], { encoding: 'utf8' });
    assert.match(resolved, /^hostname lb1$/m);
    assert.ok(resolved.includes(`userknownhostsfile ${path.join(path.dirname(sshPath), 'known_hosts')}\n`), resolved);
  });

  it('the traffic panel and Preview reach hosts with bluegreen.sshPath and bluegreen.dockerHost', async () => {
    const api = await activatedApi();
    const settings = vscode.workspace.getConfiguration('bluegreen');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bluegreen-sshpath-'));
    const calls = path.join(dir, 'calls');
    const recordingSsh = path.join(dir, 'ssh');
    fs.writeFileSync(recordingSsh, `#!/bin/sh\necho "$@" >> '${calls}'\necho 'ssh: connect to host lb1 port 22: Connection refused' >&2\nexit 255\n`, { mode: 0o755 });
    try {
      await settings.update('sshPath', recordingSsh, vscode.ConfigurationTarget.Workspace);
      await settings.update('dockerHost', 'tcp://127.0.0.1:9', vscode.ConfigurationTarget.Workspace);
      const readers = await api.liveReaders();
      await readers.reload();
      const production = readers.handle('production');
      await production.routers[0].transport.exec('true').catch(() => undefined);
      assert.match(fs.readFileSync(calls, 'utf8'), /lb1/, 'the reader ran the configured ssh');
      // The sandbox names no engine of its own, so the setting's is the one a reader connects to.
      assert.equal((readers.handle('vscodetest').env as DockerEnvironment).dockerHost, 'tcp://127.0.0.1:9');
    } finally {
      await settings.update('sshPath', undefined, vscode.ConfigurationTarget.Workspace);
      await settings.update('dockerHost', undefined, vscode.ConfigurationTarget.Workspace);
      await (await api.liveReaders()).reload();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
