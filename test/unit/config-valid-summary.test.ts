// The line that says a config is valid names the first ten apps and environments and counts the
// rest: a config with thousands of environments gets one readable line, not a 40 KB one.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseConfig, validSummary } from '../../src/core/config';

const FILE = path.resolve(__dirname, '..', '..', 'bluegreen.yaml');
const SAMPLE = fs.readFileSync(FILE, 'utf8');

function configWith(environments: number) {
  const head = SAMPLE.slice(0, SAMPLE.indexOf('\nenvironments:') + 1);
  const text = `${head}environments:\n${Array.from({ length: environments }, (_, i) => `  env${i}:\n    docker: {}\n`).join('')}`;
  const result = parseConfig(text, FILE);
  assert.ok(result.ok);
  return result.config;
}

describe('config: the line that says it is valid', () => {
  it('names every environment up to ten', () => {
    assert.equal(validSummary('bluegreen.yaml', configWith(10)),
      'bluegreen.yaml is valid: apps api, web; environments env0, env1, env2, env3, env4, env5, env6, env7, env8, env9');
  });

  it('names ten and counts the rest beyond that', () => {
    assert.equal(validSummary('b.yaml', configWith(1234)),
      'b.yaml is valid: apps api, web; environments env0, env1, env2, env3, env4, env5, env6, env7, env8, env9 and 1,224 more');
  });
});
