import * as assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { STATE_FORMAT, currentRecord, parseRecord, requireCurrentTooling, toolingFingerprint, toolingMismatch } from '../../src/core/hosts/hostTooling';
import { describeSudoRefusal, sudoRefusal } from '../../src/core/hosts/sudoRefusal';
import { RefusedError } from '../../src/core/errors';

describe('host tooling record', () => {
  it('fingerprints the tooling files: any change of name or bytes changes it', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'tooling-'));
    mkdirSync(path.join(dir, 'bin'));
    writeFileSync(path.join(dir, 'bin', 'deploy'), '#!/bin/sh\necho 1\n');
    const first = toolingFingerprint(dir);
    assert.match(first, /^[0-9a-f]{12}$/);
    assert.equal(toolingFingerprint(dir), first);
    writeFileSync(path.join(dir, 'bin', 'deploy'), '#!/bin/sh\necho 2\n');
    assert.notEqual(toolingFingerprint(dir), first);
  });

  it('reads a record back, and treats a missing or broken one as none', () => {
    const record = currentRecord('ops@laptop', new Date('2026-12-01T10:00:00Z'));
    assert.deepEqual(parseRecord(JSON.stringify(record)), record);
    assert.equal(parseRecord(''), undefined);
    assert.equal(parseRecord('{"tooling": 3}'), undefined);
    assert.equal(parseRecord('not json'), undefined);
  });

  it('says why a host does not match, and refuses naming each host and hosts setup', () => {
    const current = currentRecord('ops');
    assert.equal(toolingMismatch(current), undefined);
    assert.match(toolingMismatch(undefined) ?? '', /no record/);
    assert.match(toolingMismatch({ ...current, tooling: '000000000000', product: '0.0.9' }) ?? '', /set up by bluegreen 0\.0\.9 \(tooling 000000000000\)/);
    assert.match(toolingMismatch({ ...current, stateFormat: STATE_FORMAT + 1 }) ?? '', /newer state format/);
    assert.doesNotThrow(() => requireCurrentTooling('production', [{ host: 'lb1', record: current }]));
    assert.throws(() => requireCurrentTooling('production', [{ host: 'lb1', record: current }, { host: 'app1', record: undefined }]), (error: Error) => {
      assert.ok(error instanceof RefusedError);
      assert.match(error.message, /on app1 \(no record/);
      assert.doesNotMatch(error.message, /lb1/);
      assert.equal(error.hint, 'run bluegreen hosts setup --env production: it upgrades the tooling in place and moves no traffic');
      return true;
    });
    assert.throws(() => requireCurrentTooling('production', [{ host: 'lb1', record: { ...current, stateFormat: 99 } }]), (error: RefusedError) => /upgrade this one/.test(error.hint ?? ''));
  });
});

describe('sudo refusals', () => {
  it('tells sudo refusing apart from other failures', () => {
    assert.equal(sudoRefusal('sudo: a password is required\n'), 'sudo: a password is required');
    assert.equal(sudoRefusal('sudo: deploy is not allowed to run sudo on lb1.'), 'sudo: deploy is not allowed to run sudo on lb1.');
    // A user with the narrow rule, asking for a command it does not list (sudo 1.9 says it without its prefix).
    assert.equal(sudoRefusal('Sorry, user deploy is not allowed to execute \'/bin/sh -c x\' as root on lb1.\n'), 'Sorry, user deploy is not allowed to execute \'/bin/sh -c x\' as root on lb1.');
    assert.equal(sudoRefusal('mkdir: cannot create directory: Permission denied'), undefined);
    assert.match(describeSudoRefusal('web1', 'x\nsudo: a password is required') ?? '', /^web1: the ssh user may not run commands with sudo without a password \(sudo: a password is required\)$/);
  });
});
