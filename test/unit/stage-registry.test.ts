// The one list of stages (src/core/stages/registry.ts) against everything that names stages
// without reading it: package.json's contributed commands, titles and menus, the extension's
// command table, the CLI's commands and the config schema's runbook steps — in both directions,
// so a stage added, renamed or retitled in one place and not the other fails here.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Command } from 'commander';
import { STAGES, stageLabel, type StageEntry } from '../../src/core/stages/registry';
import { COMMANDS, OTHER_COMMANDS } from '../../src/extension/commandTable';
import { createProgram } from '../../src/cli/main';
import { registerStages } from '../../src/cli/commands/stages';
import type { CommandContext } from '../../src/cli/context';
import { versionProblem, requireVersion } from '../../src/core/version';
import { InputError } from '../../src/core/errors';

const ROOT = path.resolve(__dirname, '..', '..');
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
  contributes: {
    commands: { command: string; title: string; category: string }[];
    menus: Record<string, { command: string; when?: string }[]>;
  };
};
const schema = JSON.parse(fs.readFileSync(path.join(ROOT, 'schema', 'bluegreen.schema.json'), 'utf8'));
const stages: readonly StageEntry[] = STAGES;
const editorStages = stages.filter((s) => s.command);
const contributed = new Map(pkg.contributes.commands.map((c) => [c.command, c]));

describe('the stage registry', () => {
  it('names each stage, editor command and title once', () => {
    const names = stages.map((s) => s.name);
    assert.equal(new Set(names).size, names.length);
    const ids = editorStages.map((s) => s.command!.id);
    assert.equal(new Set(ids).size, ids.length);
    for (const s of stages) assert.ok(s.description && !s.description.includes('\n'), `${s.name}: a one-line description`);
  });

  it('package.json contributes every stage command with the registry\'s title', () => {
    for (const s of editorStages) {
      const c = contributed.get(s.command!.id);
      assert.ok(c, `${s.command!.id} (${s.name}) is contributed in package.json`);
      assert.equal(c.title, s.command!.title, `${s.command!.id}: package.json's title is the registry's`);
      assert.equal(c.category, 'Blue-Green');
    }
  });

  it('every contributed command is a registry stage or one of the extension\'s other commands, and the reverse', () => {
    const stageIds = new Set(editorStages.map((s) => s.command!.id));
    for (const id of contributed.keys()) {
      assert.ok(stageIds.has(id) !== (id in OTHER_COMMANDS), `${id}: exactly one of a registry stage and an other command`);
    }
    assert.deepEqual(Object.keys(COMMANDS).sort(), [...contributed.keys()].sort(), 'the extension registers exactly the contributed commands');
  });

  it('menus name only contributed commands; a stage is offered on its target, and only in a trusted workspace when it locks', () => {
    for (const [menu, items] of Object.entries(pkg.contributes.menus)) {
      for (const item of items) assert.ok(contributed.has(item.command), `${menu}: ${item.command} is contributed`);
    }
    for (const s of editorStages) {
      const items = pkg.contributes.menus['view/item/context'].filter((i) => i.command === s.command!.id);
      assert.ok(items.length, `${s.name} is offered on a tree item`);
      const target = s.args.some((a) => a.name === 'color') ? /viewItem =~ \/\^color:/ : /viewItem =~ \/\^environment:/;
      for (const item of items) {
        assert.match(item.when ?? '', target, `${s.name}: offered on the tree items its arguments name`);
        if (s.takesLock) assert.match(item.when ?? '', /isWorkspaceTrusted/, `${s.name}: runs commands on hosts, so not offered in Restricted Mode`);
      }
    }
  });

  it('the CLI has a command per stage with the registry\'s description, arguments and options', () => {
    const program = createProgram();
    for (const s of stages) {
      const command = program.commands.find((c) => c.name() === s.name);
      assert.ok(command, `bluegreen ${s.name}`);
      assert.equal(command.description(), s.description);
      assert.deepEqual(command.registeredArguments.map((a) => a.name()), s.args.map((a) => a.name), `${s.name}: arguments`);
      const flags = command.options.map((o) => o.flags);
      for (const o of s.options) assert.ok(flags.includes(o.flags), `${s.name}: ${o.flags}`);
      assert.ok(flags.includes('-v, --verbose'), `${s.name}: --verbose`);
    }
  });

  it('every command of the CLI\'s stages file is a registry stage', () => {
    const program = new Command();
    registerStages(program, {} as CommandContext);
    for (const c of program.commands) assert.ok(stages.some((s) => s.name === c.name()), `bluegreen ${c.name()} is in the registry`);
  });

  it('the runbook stages are the steps the config schema allows (besides pause)', () => {
    const step = schema.definitions.runbookStep;
    const allowed = new Set<string>([...step.then.enum, ...Object.keys(step.else.properties)]);
    allowed.delete('pause');
    assert.deepEqual(stages.filter((s) => s.runbook).map((s) => s.name).sort(), [...allowed].sort());
  });

  it('labels a run with the CLI words that would run it again', () => {
    assert.equal(stageLabel('deploy', { color: 'green', version: '1.4.0' }), 'deploy green 1.4.0');
    assert.equal(stageLabel('canary', { color: 'green', segment: 'mobile' }), 'canary green --segment mobile');
    assert.equal(stageLabel('canary', { color: 'blue', percent: 10 }), 'canary blue --percent 10');
    assert.equal(stageLabel('migrate', { contract: true }), 'migrate --contract');
    assert.equal(stageLabel('migrate'), 'migrate');
    assert.equal(stageLabel('restore'), 'restore');
  });
});

describe('the version check', () => {
  it('accepts a version and refuses anything else with one message and a hint', () => {
    assert.equal(versionProblem('1.4.0'), undefined);
    assert.equal(requireVersion('1.4.0-rc.1+b2'), '1.4.0-rc.1+b2');
    for (const bad of ['1.0;touch /tmp/pwned', '$(id)', '', '-1', 'a b', 'x'.repeat(65)]) {
      const problem = versionProblem(bad);
      assert.ok(problem, bad);
      assert.match(problem.message, /^version ".*" is not allowed$/);
      assert.throws(() => requireVersion(bad), (e: unknown) => e instanceof InputError && e.message === problem.message && e.hint === problem.hint);
    }
  });
});
