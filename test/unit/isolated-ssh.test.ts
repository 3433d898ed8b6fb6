// Tests never run ssh with the user's config: mocha loads test/helpers/isolatedSsh.ts, which
// points BLUEGREEN_SSH at a wrapper with the tests' own config, and a transport given no ssh
// binary runs $BLUEGREEN_SSH (as a CLI the tests spawn does).
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { SshTransport } from '../../src/core/transport';

describe('the tests\' own ssh', () => {
  it('is BLUEGREEN_SSH, and resolves a host with the tests\' config, not ~/.ssh/config', () => {
    const wrapper = process.env.BLUEGREEN_SSH;
    assert.ok(wrapper && wrapper !== 'ssh', 'mocha sets BLUEGREEN_SSH');
    // `ssh -G` prints what ssh would use for a host, without connecting.
    const resolved = execFileSync(wrapper, ['-G', 'lb1'], { encoding: 'utf8' });
    assert.match(resolved, /^hostname lb1$/m);
    assert.ok(resolved.includes(`userknownhostsfile ${path.join(path.dirname(wrapper), 'known_hosts')}\n`), resolved);
    assert.match(resolved, /^stricthostkeychecking true$/m);
  });

  it('is what a transport runs when it is given no ssh binary', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bluegreen-ssh-record-'));
    const calls = path.join(dir, 'calls');
    const recording = path.join(dir, 'ssh');
    fs.writeFileSync(recording, `#!/bin/sh\necho "$@" >> '${calls}'\necho 'ssh: Could not resolve hostname nohost' >&2\nexit 255\n`, { mode: 0o755 });
    const saved = process.env.BLUEGREEN_SSH;
    process.env.BLUEGREEN_SSH = recording;
    const transport = new SshTransport({ host: 'nohost' });
    try {
      await transport.exec('true').catch(() => undefined);
      assert.match(fs.readFileSync(calls, 'utf8'), /nohost/);
    } finally {
      process.env.BLUEGREEN_SSH = saved;
      await transport.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
