// The bundles carry the schema's validator compiled at build time (ajv's standalone code, from
// schemaStandalone.ts); from source, schemaCheck.ts compiles it with ajv. Both must find the same
// errors, with the same fields (messages are built from keyword, params, data and parentSchema).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import Module from 'node:module';
import * as path from 'node:path';
import Ajv from 'ajv';
import type { ValidateFunction } from 'ajv';
import { parse } from 'yaml';
import schema from '../../schema/bluegreen.schema.json';
import { standaloneValidatorCode } from '../../src/core/config/schemaStandalone';
import { AJV_OPTIONS, ajvFormats } from '../../src/core/config/schemaFormats';

const CONFIG_DIR = path.resolve(__dirname, '..', '..', 'src', 'core', 'config');
const FIXTURES = path.resolve(__dirname, '..', 'fixtures', 'config');

/** The generated module, loaded as the bundle would run it (its requires resolved from src/core/config). */
function standalone(): ValidateFunction {
  const file = path.join(CONFIG_DIR, 'schemaValidator.generated.js');
  const mod = new Module(file) as Module & { _compile(code: string, filename: string): void; paths: string[] };
  mod.filename = file;
  mod.paths = (Module as unknown as { _nodeModulePaths(dir: string): string[] })._nodeModulePaths(CONFIG_DIR);
  mod._compile(standaloneValidatorCode(path.join(CONFIG_DIR, 'schemaFormats.ts')), file);
  return mod.exports as ValidateFunction;
}

function compiled(): ValidateFunction {
  const ajv = new Ajv(AJV_OPTIONS);
  for (const [name, format] of Object.entries(ajvFormats)) ajv.addFormat(name, format);
  return ajv.compile(schema);
}

function documents(): Array<[string, unknown]> {
  const files = fs.readdirSync(FIXTURES).filter((f) => /\.ya?ml$/.test(f)).map((f) => path.join(FIXTURES, f));
  files.push(path.resolve(__dirname, '..', '..', 'bluegreen.yaml'));
  const docs: Array<[string, unknown]> = [];
  for (const file of files) {
    try {
      docs.push([path.basename(file), parse(fs.readFileSync(file, 'utf8'), { merge: true, uniqueKeys: false })]);
    } catch {
      // a fixture that is not YAML at all says nothing about the schema
    }
  }
  // Shapes that reach the format, range, enum and additionalProperties checks.
  docs.push(['odd values', {
    apps: { 'bad name!': { port: 0, health: 'no-slash', route: '//x', deploy: ['a\nb'] }, web: { port: '80', health: '/h', extra: 1 } },
    traffic: { initial: { blue: 150, green: -50 }, canary: { window: 'soon', maxErrorRate: '200%' } },
    release: [{ drain: 'purple' }, { canary: { color: 'green', percent: 500 } }, 'dance'],
    environments: { prod: { ssh: { user: '-root', port: 70000 }, hosts: { '-h': { ssh: '-oProxyCommand=x', address: 'a b' } } } },
  }]);
  return docs;
}

describe('config: the validator compiled at build time', () => {
  const fromSource = compiled();
  const fromBuild = standalone();
  for (const [name, data] of documents()) {
    it(`${name}: the same errors as the schema compiled from source`, () => {
      const ok = fromSource(data);
      const errorsFromSource = fromSource.errors;
      assert.equal(fromBuild(data), ok);
      assert.deepEqual(fromBuild.errors, errorsFromSource);
    });
  }

  it('the odd values do fail (the comparison above is not of two empty lists)', () => {
    assert.equal(fromBuild(documents().at(-1)?.[1]), false);
    assert.ok((fromBuild.errors?.length ?? 0) > 10);
  });
});
