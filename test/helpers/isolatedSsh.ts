// The tests' own ssh: a wrapper that runs `ssh -F <their config>`, so a developer's ~/.ssh/config
// (and /etc/ssh/ssh_config) never decides where a test's host names lead or how ssh connects.
// Host keys are still checked, against the tests' own known_hosts unless a test pins its own.
// .mocharc.json loads this file: every mocha suite (and each CLI it spawns) gets the wrapper as
// BLUEGREEN_SSH; the extension-host workbenches get it as bluegreen.sshPath (codeServer.ts).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** Writes `ssh` (the wrapper) and `ssh_config` into `dir`; returns the wrapper's path. */
export function writeIsolatedSsh(dir: string): string {
  const config = path.join(dir, 'ssh_config');
  const wrapper = path.join(dir, 'ssh');
  fs.writeFileSync(config, [
    '# The tests\' own ssh config (test/helpers/isolatedSsh.ts).',
    'Host *',
    '  BatchMode yes',
    '  StrictHostKeyChecking yes',
    `  UserKnownHostsFile ${path.join(dir, 'known_hosts')}`,
    '  GlobalKnownHostsFile /dev/null',
    '  ConnectTimeout 5',
    '',
  ].join('\n'));
  fs.writeFileSync(wrapper, `#!/bin/sh\nexec ssh -F '${config}' "$@"\n`, { mode: 0o755 });
  return wrapper;
}

// Loaded as a mocha `require`: one wrapper for this test process, removed when it exits.
if (!process.env.BLUEGREEN_SSH) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bluegreen-test-ssh-'));
  process.env.BLUEGREEN_SSH = writeIsolatedSsh(dir);
  process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
}
