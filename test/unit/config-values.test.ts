// The value validators the config (and the stages) use: each refuses what its kind cannot carry.

import * as assert from 'node:assert/strict';
import {
  checkCookieName,
  checkCookieOrHeaderValue,
  checkDeployCommand,
  checkDuration,
  checkHeaderName,
  checkHostName,
  checkPercent,
  checkRegex,
  checkRoute,
  checkSshTarget,
  checkUrlPath,
  checkVersion,
  parseDurationMs,
  parsePercent,
  splitRegexFlags,
  substitutePlaceholders,
} from '../../src/core/config/values';
import type { ValueCheck } from '../../src/core/config/values';

function accepts(check: ValueCheck, values: string[]): void {
  for (const value of values) assert.equal(check(value), undefined, `should accept ${JSON.stringify(value)}`);
}

function refuses(check: ValueCheck, cases: Record<string, string>): void {
  for (const [value, message] of Object.entries(cases)) assert.equal(check(value), message, `for ${JSON.stringify(value)}`);
}

describe('config: values', () => {
  it('checkRegex compiles the regex, honours a leading (?i) and refuses what njs and PCRE read differently', () => {
    accepts(checkRegex, ['(?i)(android|iphone|ipad|mobile)', 'Mozilla/5\\.0 \\(Windows', '^curl/[0-9]{1,3}\\.', 'a$', '(?<name>x);y']);
    refuses(checkRegex, {
      '(android': 'invalid regular expression: Unterminated group',
      'a(?i)b': 'invalid regular expression: Invalid group',
      'a++': 'invalid regular expression: Nothing to repeat',
      '(?i)': 'regex is empty',
      'a"b': 'regex contains a quote ("); match it with \\x22 instead',
      'a\nb': 'regex contains a newline; it must be a single line',
      '\\Amobile': 'regex uses \\A, which PCRE supports but JS reads as a plain "A"; njs and nginx would disagree',
      'x\\z': 'regex uses \\z, which PCRE supports but JS reads as a plain "z"; njs and nginx would disagree',
      '\\u00e9': 'regex uses \\u, which PCRE does not support; use \\xHH',
      'a[^]b': 'regex uses [] or [^], which JS and PCRE read differently',
      'é': 'regex contains a non-ASCII character; write it as an escape that PCRE and JS share (\\xHH)',
    });
    assert.equal(checkRegex('a\\\\A'), undefined, 'an escaped backslash followed by A is a literal backslash and A');
    assert.deepEqual(splitRegexFlags('(?i)Mobile'), { regex: 'Mobile', caseInsensitive: true });
    assert.deepEqual(splitRegexFlags('Mobile'), { regex: 'Mobile', caseInsensitive: false });
  });

  it('checkHeaderName accepts RFC 7230 tokens nginx can read and refuses the rest', () => {
    accepts(checkHeaderName, ['X-Bluegreen-Preview', 'X-Staff', 'x1']);
    refuses(checkHeaderName, {
      '': 'header name is empty',
      'X Staff': 'header name contains a space, which HTTP does not allow in a header name (RFC 7230 token)',
      'X-Staff:': 'header name contains ":", which HTTP does not allow in a header name (RFC 7230 token)',
      'X-Staff\r\nX-Evil': 'header name contains a carriage return, which HTTP does not allow in a header name (RFC 7230 token)',
      'X{a}': 'header name contains "{", which HTTP does not allow in a header name (RFC 7230 token)',
      'X_Staff': 'header name contains "_": nginx ignores such headers unless underscores_in_headers is on',
      "X'Staff": 'header name must be letters, digits and -, starting with a letter or digit',
      '-X': 'header name must be letters, digits and -, starting with a letter or digit',
    });
  });

  it('checkCookieName accepts RFC 6265 tokens nginx can read and refuses the rest', () => {
    accepts(checkCookieName, ['bluegreen_split', 'beta-user', 'B1']);
    refuses(checkCookieName, {
      '': 'cookie name is empty',
      'a;b': 'cookie name contains ";", which HTTP does not allow in a cookie name (RFC 6265 token)',
      'a=b': 'cookie name contains "=", which HTTP does not allow in a cookie name (RFC 6265 token)',
      'a"': 'cookie name contains a quote ("), which HTTP does not allow in a cookie name (RFC 6265 token)',
      'a.b': 'cookie name must be letters, digits, _ and - (nginx reads it as $cookie_ variable)',
    });
  });

  it('checkCookieOrHeaderValue refuses anything that could end or escape an nginx string', () => {
    accepts(checkCookieOrHeaderValue, ['1', 'yes', 'abc-DEF_0.9:x/y=z']);
    refuses(checkCookieOrHeaderValue, {
      '': 'value is empty',
      'a b': 'value contains a space; allowed are visible ASCII characters except quotes, \\ ; { } $ , and spaces',
      'a;b': 'value contains ";"; allowed are visible ASCII characters except quotes, \\ ; { } $ , and spaces',
      'a{': 'value contains "{"; allowed are visible ASCII characters except quotes, \\ ; { } $ , and spaces',
      '$host': 'value contains "$"; allowed are visible ASCII characters except quotes, \\ ; { } $ , and spaces',
      "it's": "value contains a quote ('); allowed are visible ASCII characters except quotes, \\ ; { } $ , and spaces",
      'a\nb': 'value contains a newline; allowed are visible ASCII characters except quotes, \\ ; { } $ , and spaces',
      'a\\': 'value contains "\\"; allowed are visible ASCII characters except quotes, \\ ; { } $ , and spaces',
    });
  });

  it('checkUrlPath and checkRoute accept plain paths and refuse injection', () => {
    accepts(checkUrlPath, ['/', '/health', '/api/version?full=1&x=%20', '/a-b_c.d~e']);
    refuses(checkUrlPath, {
      health: 'path must start with "/"',
      '/a;b': 'path contains ";"',
      '/a b': 'path contains a space',
      '/a\nb': 'path contains a newline',
      '/a$b': 'path contains "$"',
      '/%zz': 'path has a % that is not followed by two hex digits',
    });
    accepts(checkRoute, ['/', '/api/', '/static']);
    refuses(checkRoute, {
      'api/': 'route must start with "/"',
      '/api?x': 'route contains "?"',
      '/a//b': 'route contains "//"',
      '/api/ { return 200; }': 'route contains a space',
      '/api/"': 'route contains a quote (")',
    });
  });

  it('checkHostName accepts host names and IPs and refuses what could pass as an option', () => {
    accepts(checkHostName, ['app1', 'lb1.example.com', '10.0.0.1', '::1', 'fe80::1', 'example.com.']);
    refuses(checkHostName, {
      '': 'host name is empty',
      '-oProxyCommand': 'invalid host name "-oProxyCommand": labels of letters, digits and - (not at either end), separated by dots',
      'a_b': 'host name contains "_"; use letters, digits, - and . (or an IP address)',
      'a..b': 'invalid host name "a..b": labels of letters, digits and - (not at either end), separated by dots',
      'a;b': 'host name contains ";"; use letters, digits, - and . (or an IP address)',
    });
    accepts(checkSshTarget, ['prod_lb1', 'lb1.example.com', '10.0.0.1']);
    refuses(checkSshTarget, { '-oProxyCommand=sh': 'ssh target must not start with "-" (ssh would read it as an option)' });
  });

  it('checkVersion is VERSION_PATTERN', () => {
    accepts(checkVersion, ['1.0.0', 'v2+build.7', '2024-01-01_rc1', 'a'.repeat(64)]);
    for (const bad of ['', '-1', '.1', '1 0', '1;rm', '1/2', 'a'.repeat(65), '1\n']) {
      assert.match(checkVersion(bad) ?? '', /^invalid version/, JSON.stringify(bad));
    }
  });

  it('checkDuration and parseDurationMs', () => {
    accepts(checkDuration, ['60s', '5m', '800ms', '1h', '1.5s']);
    refuses(checkDuration, {
      '60': 'invalid duration "60": a number with a unit ms, s, m or h, e.g. 60s, 5m, 800ms',
      '5 m': 'invalid duration "5 m": a number with a unit ms, s, m or h, e.g. 60s, 5m, 800ms',
      '0s': 'duration must be above zero',
      '200h': 'duration is longer than a week',
    });
    assert.deepEqual(['60s', '5m', '800ms', '1h', '1.5s'].map(parseDurationMs), [60_000, 300_000, 800, 3_600_000, 1500]);
  });

  it('checkPercent and parsePercent', () => {
    accepts(checkPercent, ['0%', '1%', '0.5%', '80%', '100%']);
    refuses(checkPercent, {
      '1': 'invalid percentage "1": a number followed by %, e.g. 1% or 0.5%',
      '0.01': 'invalid percentage "0.01": a number followed by %, e.g. 1% or 0.5%',
      '101%': 'percentage is above 100%',
    });
    assert.deepEqual(['1%', '7%', '0.5%', '80%', '100%'].map(parsePercent), [0.01, 0.07, 0.005, 0.8, 1]);
  });

  it('checkDeployCommand allows only the {{version}} and {{artifact}} placeholders, on one line', () => {
    accepts(checkDeployCommand, ['/opt/bluegreen/bin/deploy api {{version}}', 'install {{ artifact }} && restart', 'echo "a; b"']);
    refuses(checkDeployCommand, {
      '': 'command is empty',
      'deploy {{host}}': 'unknown placeholder "{{host}}": only {{version}} and {{artifact}} are substituted',
      'deploy {{version}': 'has an unbalanced {{ or }}',
      'a\nb': 'command contains a newline; it must be a single line',
    });
    assert.equal(
      substitutePlaceholders('deploy {{version}} {{ artifact }}', { version: '1.2.3', artifact: '/tmp/a.tar' }),
      'deploy 1.2.3 /tmp/a.tar',
    );
  });
});
