// The config on disk: the repository's examples, the documented examples, the broken fixtures,
// loading and finding the file, and the schema that YAML editors use.

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  ConfigInvalid,
  findConfigFile,
  formatConfigError,
  loadConfig,
  parseConfig,
  requireConfig,
} from '../../src/core/config';
import schema from '../../schema/bluegreen.schema.json';

const ROOT = path.resolve(__dirname, '..', '..');
const FIXTURES = path.join(ROOT, 'test', 'fixtures', 'config');
const SKIPPED_FOLDERS = new Set(['node_modules', '.git', 'dist', 'out', '.vscode-test']);

function findExamples(dir: string, found: string[] = []): string[] {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (entry.isDirectory() && !SKIPPED_FOLDERS.has(entry.name)) findExamples(path.join(dir, entry.name), found);
    else if (entry.isFile() && /^bluegreen.*\.yaml$/.test(entry.name)) found.push(path.join(dir, entry.name));
  }
  return found;
}

async function errorsOfFile(file: string): Promise<string[]> {
  const result = await loadConfig(file);
  assert.ok(!result.ok, `${file} should be refused`);
  return result.errors.map(formatConfigError);
}

describe('config: files', () => {
  it('every bluegreen*.yaml in the repository is valid', async () => {
    const examples = findExamples(ROOT);
    assert.ok(examples.includes(path.join(ROOT, 'bluegreen.yaml')), 'the root bluegreen.yaml exists');
    for (const file of examples) {
      const result = await loadConfig(file);
      assert.ok(result.ok, `${path.relative(ROOT, file)}:\n${result.ok ? '' : result.errors.map(formatConfigError).join('\n')}`);
    }
  });

  it('the root bluegreen.yaml is the sample sandbox', async () => {
    const config = await requireConfig(path.join(ROOT, 'bluegreen.yaml'));
    assert.deepEqual(
      config.apps.map((a) => [a.name, a.port, a.route, a.build?.context, a.deploy]),
      [
        ['api', 8080, '/api/', 'sandbox/java-app', ['/opt/bluegreen/bin/deploy api {{version}}']],
        ['web', 3000, '/', 'sandbox/node-app', ['/opt/bluegreen/bin/deploy web {{version}}']],
      ],
    );
    assert.deepEqual(config.traffic.segments.map((s) => s.name), ['mobile']);
    assert.deepEqual(
      config.release.map((s) => s.stage),
      ['migrate', 'drain', 'deploy', 'verify', 'canary', 'pause', 'switch', 'deploy', 'verify', 'restore'],
    );
    assert.equal(config.database.migrations, 'db/migrations');
    assert.deepEqual(Object.keys(config.environments), ['sandbox']);
    assert.equal(config.environments.sandbox.kind, 'docker');
  });

  describe('docs/config.md', () => {
    const markdown = fs.readFileSync(path.join(ROOT, 'docs', 'config.md'), 'utf8');
    const examples = [...markdown.matchAll(/^## Example: (.+)\n[\s\S]*?```yaml\n([\s\S]*?)```/gm)].map((m) => ({ title: m[1], text: m[2] }));

    it('has the two complete examples, both valid', () => {
      assert.deepEqual(examples.map((e) => e.title), ['the sandbox', 'production over SSH']);
      for (const example of examples) {
        const result = parseConfig(example.text, path.join(ROOT, 'bluegreen.yaml'));
        assert.ok(result.ok, `${example.title}:\n${result.ok ? '' : result.errors.map(formatConfigError).join('\n')}`);
      }
    });

    it('shows the sandbox example exactly as the root bluegreen.yaml has it', async () => {
      const file = path.join(ROOT, 'bluegreen.yaml');
      const fromDocs = parseConfig(examples[0].text, file);
      assert.ok(fromDocs.ok);
      assert.deepEqual(fromDocs.config, await requireConfig(file));
    });

    it('describes the production example as two routers and two hosts per color over SSH', () => {
      const result = parseConfig(examples[1].text, path.join(ROOT, 'bluegreen.yaml'));
      assert.ok(result.ok);
      const env = result.config.environments.production;
      assert.ok(env.kind === 'ssh');
      assert.deepEqual(env.routers, ['lb1', 'lb2']);
      assert.deepEqual(env.colors, { blue: { api: ['app1', 'app2'], web: ['app1', 'app2'] }, green: { api: ['app3', 'app4'], web: ['app3', 'app4'] } });
      assert.deepEqual(env.ssh, { user: 'deploy', sudo: true, identityFile: '~/.ssh/id_ed25519', options: { ConnectTimeout: '5', ServerAliveInterval: '15' } });
      assert.deepEqual(env.hosts.lb2, { name: 'lb2', sshTarget: 'lb2.example.com', address: '10.0.0.12' });
    });

    it('documents every key of the schema', () => {
      const missing = schemaKeys(schema).filter((key) => ![`\`${key}\``, `.${key}\``, `${key}:`].some((form) => markdown.includes(form)));
      assert.deepEqual(missing, []);
    });
  });

  describe('broken fixtures', () => {
    it('tabs', async () => {
      assert.deepEqual(await errorsOfFile(path.join(FIXTURES, 'broken-tabs.yml')), [
        'apps.api: tab used for indentation: YAML indents with spaces only (broken-tabs.yml:4:1)',
      ]);
    });

    it('duplicate keys', async () => {
      assert.deepEqual(await errorsOfFile(path.join(FIXTURES, 'broken-duplicate-keys.yml')), [
        'apps.web.port: duplicate key: this key appears earlier in the same mapping (broken-duplicate-keys.yml:7:5)',
        'environments.sandbox: duplicate key: this key appears earlier in the same mapping (broken-duplicate-keys.yml:10:3)',
      ]);
    });

    it('an unclosed flow map', async () => {
      assert.deepEqual(await errorsOfFile(path.join(FIXTURES, 'broken-syntax.yml')), [
        'apps.web: YAML syntax error: this { is never closed (a flow map ends with }) (broken-syntax.yml:2:8)',
      ]);
    });

    it('several mistakes, all reported in file order', async () => {
      assert.deepEqual(await errorsOfFile(path.join(FIXTURES, 'broken-many.yml')), [
        'apps: no app has route "/": one app must answer the requests no other route matches (broken-many.yml:2:1)',
        'apps.web.port: must be between 1 and 65535, got 0 (broken-many.yml:4:11)',
        'apps.web.route: route contains ";" (broken-many.yml:6:12)',
        'traffic.initial: weights must sum to 100, got blue 40 + green 40 = 80 (broken-many.yml:9:12)',
        'traffic.segments.mobile.userAgent: invalid regular expression: Unterminated group (broken-many.yml:11:26)',
        'release[0].canary.segment: unknown segment "tablet" (defined segments: mobile) (broken-many.yml:13:38)',
        'environments.production.colors.blue.web[1]: host "app1" is listed twice for app "web" (broken-many.yml:20:27)',
        'environments.production.colors.green.web[1]: unknown host "app9" (broken-many.yml:21:28)',
        'environments.production.colors.green.api: unknown app "api" (apps: web) (broken-many.yml:21:35)',
      ]);
    });
  });

  describe('loading', () => {
    let tmp: string;
    beforeEach(() => {
      tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bluegreen-config-'));
    });
    afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

    it('reports a missing file as one error at 1:1', async () => {
      const file = path.join(tmp, 'bluegreen.yaml');
      const result = await loadConfig(file);
      assert.ok(!result.ok);
      assert.deepEqual(result.errors.map(formatConfigError), [`config file not found: ${file} (bluegreen.yaml:1:1)`]);
      assert.deepEqual([result.errors[0].path, result.errors[0].line, result.errors[0].column], ['', 1, 1]);
    });

    it('finds the nearest bluegreen.yaml upward', () => {
      const deep = path.join(tmp, 'a', 'b', 'c');
      fs.mkdirSync(deep, { recursive: true });
      fs.writeFileSync(path.join(tmp, 'bluegreen.yaml'), 'apps: {}\n');
      assert.equal(findConfigFile(deep), path.join(tmp, 'bluegreen.yaml'));
      fs.writeFileSync(path.join(tmp, 'a', 'bluegreen.yaml'), 'apps: {}\n');
      assert.equal(findConfigFile(deep), path.join(tmp, 'a', 'bluegreen.yaml'));
      fs.mkdirSync(path.join(deep, 'bluegreen.yaml'));
      assert.equal(findConfigFile(deep), path.join(tmp, 'a', 'bluegreen.yaml'), 'a folder named bluegreen.yaml is not a config');
    });

    it('finds nothing when no folder above has one', () => {
      assert.equal(findConfigFile(path.parse(tmp).root), fs.existsSync('/bluegreen.yaml') ? '/bluegreen.yaml' : undefined);
    });

    it('requireConfig throws ConfigInvalid carrying every error', async () => {
      const file = path.join(tmp, 'bluegreen.yaml');
      fs.writeFileSync(file, 'apps: {}\nenvironments: {}\nextra: 1\n');
      await assert.rejects(requireConfig(file), (error: unknown) => {
        assert.ok(error instanceof ConfigInvalid);
        assert.deepEqual(error.errors.map(formatConfigError), [
          'apps: must have at least 1 entry (bluegreen.yaml:1:7)',
          'environments: must have at least 1 entry (bluegreen.yaml:2:15)',
          'extra: unknown key "extra" (known keys: apps, traffic, smoke, release, database, notify, environments) (bluegreen.yaml:3:1)',
        ]);
        assert.match(error.message, /^invalid config:\napps: must have at least 1 entry/);
        return true;
      });
    });

    it('resolves build contexts relative to the config file', async () => {
      fs.mkdirSync(path.join(tmp, 'app'));
      const file = path.join(tmp, 'bluegreen.yaml');
      fs.writeFileSync(file, [
        'apps:',
        '  web: { port: 3000, health: /health, route: /, deploy: [x], build: { context: app, dockerfile: docker/Dockerfile } }',
        'environments:',
        '  sandbox: { docker: {} }',
      ].join('\n'));
      const config = await requireConfig(file);
      assert.deepEqual(config.apps[0].build, { context: 'app', dockerfile: 'docker/Dockerfile' });
      assert.equal(config.file, file);
    });
  });

  describe('schema/bluegreen.schema.json', () => {
    it('is draft-07 and describes every field', () => {
      assert.equal(schema.$schema, 'http://json-schema.org/draft-07/schema#');
      const undescribed: string[] = [];
      walkSchema(schema, '#', (node, where) => {
        // A `$ref` shows its definition's description, which is checked where it is defined.
        if (node.$ref === undefined && (typeof node.description !== 'string' || node.description.length < 5)) undescribed.push(where);
      });
      assert.deepEqual(undescribed, []);
    });

    it('refuses unknown keys everywhere: every object either closes its properties or types its map values', () => {
      const open: string[] = [];
      walkSchema(schema, '#', (node, where) => {
        const types = ([] as unknown[]).concat(node.type ?? []);
        if (types.includes('object') && node.additionalProperties === undefined) open.push(where);
        if (node.properties && node.additionalProperties !== false) open.push(`${where} (has properties but is not closed)`);
      });
      assert.deepEqual(open, []);
    });
  });
});

type SchemaNode = Record<string, unknown> & {
  description?: unknown;
  type?: unknown;
  properties?: Record<string, SchemaNode>;
  additionalProperties?: unknown;
};

/** Visits every schema that describes a value: properties, map values, items and definitions. */
function walkSchema(node: SchemaNode, where: string, visit: (node: SchemaNode, where: string) => void): void {
  if (where !== '#/definitions') visit(node, where);
  for (const [key, child] of Object.entries(node.properties ?? {})) walkSchema(child, `${where}/properties/${key}`, visit);
  for (const key of ['additionalProperties', 'items', 'else'] as const) {
    const child = node[key];
    if (child && typeof child === 'object') walkSchema(child as SchemaNode, `${where}/${key}`, visit);
  }
  const definitions = node.definitions as Record<string, SchemaNode> | undefined;
  for (const [key, child] of Object.entries(definitions ?? {})) walkSchema(child, `#/definitions/${key}`, visit);
}

/** Every property name the schema knows. */
function schemaKeys(node: SchemaNode, found = new Set<string>()): string[] {
  for (const [key, child] of Object.entries(node.properties ?? {})) {
    found.add(key);
    schemaKeys(child, found);
  }
  for (const key of ['additionalProperties', 'items', 'else'] as const) {
    const child = node[key];
    if (child && typeof child === 'object') schemaKeys(child as SchemaNode, found);
  }
  for (const child of Object.values((node.definitions as Record<string, SchemaNode>) ?? {})) schemaKeys(child, found);
  return [...found].sort();
}
