// `sandbox status` says whose a sandbox and each of its containers is.
import assert from 'node:assert/strict';
import { formatSandboxStatus } from '../../src/cli/commands/sandbox';
import { SandboxStatus } from '../../src/core/sandbox';

describe('sandbox status text', () => {
  it('names the project, and the owner of any container that is not this project\'s', () => {
    const status: SandboxStatus = {
      env: 'sandbox', project: '/work/a/bluegreen.yaml', network: true, volume: true, healthy: false,
      hosts: [
        { name: 'bg-sandbox-db', role: 'db', index: 1, state: 'running', ports: {}, healthy: true, project: '/work/a/bluegreen.yaml' },
        { name: 'bg-sandbox-router-1', role: 'router', index: 1, state: 'running', ports: { 80: 32768 }, healthy: false, problem: 'belongs to another project: /work/b/bluegreen.yaml', project: '/work/b/bluegreen.yaml' },
        { name: 'bg-sandbox-router-2', role: 'router', index: 2, state: 'running', ports: {}, healthy: true },
        { name: 'bg-sandbox-blue-web-1', role: 'app', index: 1, state: 'missing', ports: {}, healthy: false, problem: 'no container' },
      ],
    };
    assert.deepEqual(formatSandboxStatus(status).split('\n'), [
      'sandbox sandbox of /work/a/bluegreen.yaml: NOT healthy',
      '  bg-sandbox-db                running  healthy',
      '  bg-sandbox-router-1          running  unhealthy (belongs to another project: /work/b/bluegreen.yaml)  127.0.0.1:32768→80  [project /work/b/bluegreen.yaml]',
      '  bg-sandbox-router-2          running  healthy  [no owner: made before sandboxes had owners]',
      '  bg-sandbox-blue-web-1        missing  unhealthy (no container)',
    ]);
  });
});
