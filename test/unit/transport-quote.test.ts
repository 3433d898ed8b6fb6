import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { shellJoin, shellQuote } from '../../src/core/transport/shellQuote';
import { shellArgv, shellCommandLine } from '../../src/core/transport/commandLine';

/** What `sh` reads back from a quoted word: the ground truth for quoting. */
function shEcho(line: string): string {
  return execFileSync('sh', ['-c', `printf '%s\\n' ${line}`], { encoding: 'utf8' });
}

describe('shellQuote', () => {
  it('leaves plain words bare and quotes everything else', () => {
    assert.equal(shellQuote('/etc/nginx/nginx.conf'), '/etc/nginx/nginx.conf');
    assert.equal(shellQuote('v1.2.3+build'), 'v1.2.3+build');
    assert.equal(shellQuote(''), "''");
    assert.equal(shellQuote('a b'), "'a b'");
    assert.equal(shellQuote("it's"), "'it'\\''s'");
    assert.equal(shellQuote('$HOME'), "'$HOME'");
  });

  it('round-trips hostile words through a real sh', () => {
    const words = ['', ' ', "'", "''", '"', '$(rm -rf /)', '`id`', 'a\nb', '\\', '*', '-n', '!x', 'tab\there', 'ünïcödé ✓', ';&|<>(){}[]#~'];
    for (const word of words) assert.equal(shEcho(shellQuote(word)), `${word}\n`, JSON.stringify(word));
    assert.equal(shEcho(shellJoin(words)), words.map((w) => `${w}\n`).join(''));
  });
});

describe('the remote command line', () => {
  it('runs the command with sh -c, with sudo -n in front when asked', () => {
    assert.deepEqual(shellArgv('echo hi'), ['sh', '-c', 'echo hi']);
    assert.equal(shellCommandLine('echo $HOME'), "sh -c 'echo $HOME'");
    assert.equal(shellCommandLine('id -u', { sudo: true }), "sudo -n sh -c 'id -u'");
  });

  it('puts a time limit around the command as positional parameters, never spliced into the script', () => {
    const argv = shellArgv("echo 'x'", 1500);
    assert.equal(argv.length, 5);
    assert.deepEqual([argv[0], argv[1], argv[3], argv[4]], ['sh', '-c', "echo 'x'", '1.5']);
    assert.match(argv[2], /timeout -k 2 "\$1" sh -c "\$0"/);
    assert.throws(() => shellArgv('true', 0), RangeError);
  });

  it('the wrapped command runs unchanged in a real sh', () => {
    const [, , script, command, seconds] = shellArgv(`printf '%s' "a  b"; exit 3`, 5000);
    let out = '';
    try {
      execFileSync('sh', ['-c', script, command, seconds], { encoding: 'utf8' });
    } catch (error) {
      const e = error as { status: number; stdout: string };
      assert.equal(e.status, 3);
      out = e.stdout;
    }
    assert.equal(out, 'a  b');
  });
});
