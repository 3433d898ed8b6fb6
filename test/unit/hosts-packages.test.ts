// hosts setup's missing packages as the operator reads them (describePackages): hosts grouped by
// package, one line per outcome.
import * as assert from 'node:assert/strict';
import { PackageNeed, aptReason, describePackages } from '../../src/core/hosts/setupHosts';

const njs = { package: 'libnginx-mod-http-js', kind: 'njs' as const, for: 'reads the plan per request, with no limit on segments' };
const node = { package: 'nodejs', kind: 'runtime' as const, for: 'web' };

describe('hosts setup: the packages a host lacks, described', () => {
  it('without --install: one "would install" line, hosts grouped by package, routers first', () => {
    const needs: PackageNeed[] = [
      { host: 'app-blue-1', ...node, status: 'missing' },
      { host: 'lb1', ...njs, status: 'missing' },
      { host: 'lb2', ...njs, status: 'missing' },
    ];
    assert.deepEqual(describePackages(needs), [
      'would install with --install: lb1, lb2: libnginx-mod-http-js (reads the plan per request, with no limit on segments); app-blue-1: nodejs (web)',
    ]);
  });

  it('with --install: what was installed, what failed and why, and what the operator installs on a host without apt-get', () => {
    const needs: PackageNeed[] = [
      { host: 'lb1', ...njs, status: 'installed' },
      { host: 'web1', ...node, status: 'failed', detail: 'E: Unable to locate package nodejs' },
      { host: 'lb2', ...njs, status: 'manual' },
    ];
    assert.deepEqual(describePackages(needs), [
      'installed: lb1: libnginx-mod-http-js (reads the plan per request, with no limit on segments)',
      'could not install: web1: nodejs (web: E: Unable to locate package nodejs)',
      'no apt-get, the operator installs: lb2: libnginx-mod-http-js (reads the plan per request, with no limit on segments)',
    ]);
    assert.deepEqual(describePackages([]), []);
  });

  it('says why apt failed: its own E:/W: lines (an unreachable mirror warns at the update), else its last lines', () => {
    const unreachable = [
      'Ign:1 http://deb.debian.invalid/debian bookworm InRelease',
      "W: Failed to fetch http://deb.debian.invalid/debian/dists/bookworm/InRelease  Could not resolve 'deb.debian.invalid'",
      'W: Some index files failed to download. They have been ignored, or old ones used instead.',
      'Reading package lists...',
      'Building dependency tree...',
      'E: Unable to locate package nodejs',
      '',
    ].join('\n');
    assert.equal(aptReason(unreachable), "W: Failed to fetch http://deb.debian.invalid/debian/dists/bookworm/InRelease  Could not resolve 'deb.debian.invalid'"
      + ' / W: Some index files failed to download. They have been ignored, or old ones used instead. / E: Unable to locate package nodejs');
    assert.equal(aptReason('one\ntwo\nthree\nfour\n'), 'two / three / four');
    assert.equal(aptReason(''), '');
  });
});
