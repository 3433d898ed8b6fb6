// Stage commands against a real Docker sandbox (`vscodetest`, brought up here with the core's
// `up` and removed after): each command runs through vscode.commands.executeCommand with options
// that answer its questions, and the tree's items — read back from the routers — must change.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { BluegreenConfig } from '../../../src/core/model';
import { down, up } from '../../../src/core/sandbox';
import type { BluegreenApi } from '../../../src/extension/extension';
import type { EnvironmentNode } from '../../../src/extension/tree/environmentNodes';
import type { StageOutcome } from '../../../src/extension/stages/stageRunner';
import { activatedApi, items, until } from './helpers';

const ENV = 'vscodetest';

describe('stage commands on a sandbox', function () {
  this.timeout(120_000);
  let api: BluegreenApi;
  let config: BluegreenConfig;

  /** The environment's rows after a fresh read: label → [description, contextValue]. */
  async function rows(): Promise<Map<string, { description: string; contextValue: string; node: EnvironmentNode }>> {
    await api.services.refresher.refresh(ENV, 0);
    const env = (await items(api.services.environments)).find(({ item }) => item.label === ENV);
    assert.ok(env, 'the sandbox is in the tree');
    const result = new Map<string, { description: string; contextValue: string; node: EnvironmentNode }>();
    result.set(ENV, { description: String(env.item.description), contextValue: String(env.item.contextValue), node: env.node });
    for (const { node, item } of await items(api.services.environments, env.node)) {
      result.set(String(item.label), { description: String(item.description), contextValue: String(item.contextValue), node });
    }
    return result;
  }

  async function run<T>(command: string, options: Record<string, unknown>): Promise<StageOutcome<T>> {
    const outcome = await vscode.commands.executeCommand<StageOutcome<T>>(command, { env: ENV, ...options });
    assert.ok(outcome, `${command} returned an outcome`);
    assert.equal(outcome.ok, true, `${command}: ${outcome.error ?? ''}`);
    return outcome;
  }

  before(async function () {
    this.timeout(30 * 60_000);
    api = await activatedApi();
    const state = await api.services.environments.refresh();
    assert.equal(state.kind, 'valid');
    if (state.kind !== 'valid') return;
    config = state.config;
    await up(config, ENV);
    // A sandbox left by an earlier run may carry another plan: start from traffic.initial.
    await run('bluegreen.restore', { yes: true });
  });

  after(async function () {
    this.timeout(300_000);
    // With its volume: the next run's workspace is another temporary folder, and a sandbox's
    // objects belong to the config file that made them.
    if (config) await down(config, ENV, { volumes: true });
  });

  it('reads the sandbox from its routers: blue live, green idle, both healthy, hosts with versions', async () => {
    const r = await rows();
    assert.match(r.get(ENV)?.contextValue ?? '', /^environment:docker:read/);
    assert.equal(r.get(ENV)?.description, 'blue 100%');
    assert.equal(r.get('blue')?.contextValue, 'color:blue:live:healthy');
    assert.equal(r.get('green')?.contextValue, 'color:green:idle:healthy');
    assert.match(r.get('blue')?.description ?? '', /^live 100% · api 1\.0\.0, web 1\.0\.0 · health 2\/2$/);
    assert.match(r.get('green')?.description ?? '', /^idle 0% · /);
    assert.match(r.get('routers')?.description ?? '', /^2\/2 reachable · (njs|files) · #\d+ \S/);
    const green = r.get('green')?.node;
    assert.ok(green);
    const hosts = await items(api.services.environments, green);
    assert.deepEqual(hosts.map(({ item }) => [item.label, item.contextValue]), [
      [`bg-${ENV}-green-api-1`, 'host:green:healthy'],
      [`bg-${ENV}-green-web-1`, 'host:green:healthy'],
    ]);
    assert.match(String(hosts[0].item.description), /^api 1\.0\.0 · healthy$/);
    assert.equal(api.statusBar.text, '$(circle-filled) blue 100%');
  });

  it('shows the sandbox database as a row', async () => {
    const r = await rows();
    assert.match(r.get('database')?.description ?? '', /connections|not read/);
  });

  it('Show Plan of Switch Traffic opens the plan in an editor and changes nothing', async () => {
    const before = await rows();
    const outcome = await run<{ text: string; summary: { steps: Array<{ command: string; ran: boolean }> } }>('bluegreen.showPlan', { stage: 'switch', color: 'green' });
    assert.match(outcome.summary, /^planned \d+ command\(s\) on \d+ host\(s\); nothing was changed$/);
    const text = vscode.window.activeTextEditor?.document.getText() ?? '';
    assert.match(text, /^Dry run of `switch green` on vscodetest: nothing was changed\./);
    assert.match(text, /Router state #\d+ → #\d+: blue 100% → green 100%/);
    assert.ok(outcome.result?.summary.steps.some((s) => s.command.startsWith('mv -f /var/lib/bluegreen/state.json.next') && !s.ran));
    const after = await rows();
    assert.equal(after.get('routers')?.description, before.get('routers')?.description, 'the routers carry the same state');
    assert.equal(after.get(ENV)?.description, 'blue 100%');
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });

  it('Switch Traffic moves every user to green: the tree and the status bar follow', async () => {
    const outcome = await run('bluegreen.switch', { color: 'green', yes: true });
    assert.match(outcome.summary, /switched to green: green 100%/);
    const r = await rows();
    assert.equal(r.get('green')?.contextValue, 'color:green:live:healthy');
    assert.equal(r.get('blue')?.contextValue, 'color:blue:idle:healthy');
    assert.match(r.get('routers')?.description ?? '', /switch green/);
    assert.equal(api.statusBar.text, '$(circle-filled) green 100%');
  });

  it('Release History lists the switch, read from the routers, and shows its plan diff', async () => {
    type Node = { kind: string; entry?: { stage: string; changes: string[] } };
    const nodes = await vscode.commands.executeCommand<Node[]>('bluegreen.refreshHistory');
    const newest = nodes?.find((n) => n.kind === 'entry');
    assert.equal(newest?.entry?.stage, 'switch green', JSON.stringify(nodes?.slice(0, 3)));
    assert.deepEqual(newest?.entry?.changes, ['users: blue 100% → green 100%']);
    const text = await vscode.commands.executeCommand<string>('bluegreen.showHistoryEntry', newest);
    assert.match(text ?? '', /^vscodetest: switch green$/m);
    assert.match(text ?? '', /^ {2}- {7}"blue": 100,$/m);
    assert.match(text ?? '', /^ {2}\+ {7}"green": 100$/m);
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });

  it('Start Canary sends 10% of users to blue (no analysis)', async () => {
    const outcome = await vscode.commands.executeCommand<StageOutcome>('bluegreen.canary', { env: ENV, color: 'blue', percent: 10, analyze: false, yes: true });
    assert.equal(outcome?.ok, true, outcome?.error);
    const r = await rows();
    assert.equal(r.get(ENV)?.description, 'blue 10% · green 90%');
    assert.equal(r.get('blue')?.contextValue, 'color:blue:live:healthy');
    assert.equal(api.statusBar.text, '$(arrow-swap) blue 10 · green 90');
  });

  it('Roll Back Traffic returns to the last known-good plan', async () => {
    await run('bluegreen.rollback', { yes: true });
    assert.equal((await rows()).get(ENV)?.description, 'green 100%');
  });

  it('Verify Color from the green tree item acts on that item, asking nothing', async () => {
    const green = (await rows()).get('green')?.node;
    assert.ok(green);
    const outcome = await vscode.commands.executeCommand<StageOutcome>('bluegreen.verify', green);
    assert.equal(outcome?.ok, true, outcome?.error);
    assert.match(outcome?.summary ?? '', /green/);
  });

  it('a canary to a segment the config lacks fails with the reason, and nothing moves', async () => {
    const outcome = await vscode.commands.executeCommand<StageOutcome>('bluegreen.canary', { env: ENV, color: 'blue', segment: 'tablets', analyze: false, yes: true });
    assert.equal(outcome?.ok, false);
    assert.match(outcome?.error ?? '', /unknown segment "tablets"/);
    assert.equal((await rows()).get(ENV)?.description, 'green 100%');
  });

  it('Release walks the runbook and waits at its pause point as a tree item, with the lock held', async () => {
    const releasing = vscode.commands.executeCommand<StageOutcome>('bluegreen.release', { env: ENV, version: '1.0.0', confirmChanges: true });
    const pause = await until(async () => {
      const r = await rows();
      return r.get('Paused: Green is drained. Look, then continue.');
    }, 90_000, 'the pause item');
    assert.equal(pause.contextValue, 'pause');
    const r = await rows();
    assert.match(r.get(ENV)?.contextValue ?? '', /:locked:paused/);
    assert.ok([...r.keys()].some((label) => label.startsWith('Locked by ')), [...r.keys()].join(', '));
    assert.equal(r.get(ENV)?.description, 'blue 100% · locked · paused');
    assert.equal(await vscode.commands.executeCommand('bluegreen.continueRelease', pause.node), true);
    const outcome = await releasing;
    assert.equal(outcome?.ok, true, outcome?.error);
    assert.match(outcome?.summary ?? '', /3 step\(s\) done/);
    const after = await rows();
    assert.equal(after.has('Paused: Green is drained. Look, then continue.'), false);
    assert.equal([...after.keys()].some((label) => label.startsWith('Locked by ')), false);
  });

  it('Roll Back at a pause point stops the release and moves traffic back', async () => {
    await run('bluegreen.switch', { color: 'green', yes: true });
    const releasing = vscode.commands.executeCommand<StageOutcome>('bluegreen.release', { env: ENV, version: '1.0.0', confirmChanges: true });
    await until(async () => api.services.pauses.get(ENV), 90_000, 'the pause');
    assert.equal(await vscode.commands.executeCommand('bluegreen.stopRelease', { env: ENV }), true);
    const outcome = await releasing;
    assert.equal(outcome?.ok, false);
    assert.match(outcome?.error ?? '', /stopped at the pause point; rolled back: green 100%/);
    assert.equal((await rows()).get(ENV)?.description, 'green 100%');
  });

  it('Show Status reads the environment and returns it', async () => {
    const reading = await vscode.commands.executeCommand<{ kind: string }>('bluegreen.status', { env: ENV, yes: true });
    assert.equal(reading?.kind, 'read');
  });

  it('without a Docker engine the sandbox shows an item that explains and says how to start one', async () => {
    const settings = vscode.workspace.getConfiguration('bluegreen');
    await settings.update('dockerHost', 'unix:///nonexistent/docker.sock', vscode.ConfigurationTarget.Workspace);
    try {
      const r = await rows();
      const problem = r.get('No Docker engine answers');
      assert.ok(problem, [...r.keys()].join(', '));
      assert.equal(problem.contextValue, 'problem:noEngine');
      assert.match(problem.description, /dockerd|systemctl start docker/);
      assert.match(r.get(ENV)?.contextValue ?? '', /^environment:docker:problem-noEngine/);
      assert.equal(api.statusBar.text, `$(warning) ${ENV}`);
    } finally {
      await settings.update('dockerHost', undefined, vscode.ConfigurationTarget.Workspace);
    }
    await until(async () => ((await rows()).get(ENV)?.contextValue.startsWith('environment:docker:read') ? true : undefined), 30_000, 'the engine again');
  });

  it('follows Docker events: a stopped app host shows unhealthy without anyone refreshing', async () => {
    const { connectDocker } = await import('../../../src/core/docker/connect');
    const host = connectDocker().getContainer(`bg-${ENV}-green-web-1`);
    await host.stop({ t: 1 });
    try {
      await until(() => {
        const reading = api.services.refresher.reading(ENV);
        if (reading.kind !== 'read') return undefined;
        const green = reading.status.colors.find((c) => c.color === 'green');
        return green && !green.healthy ? green : undefined;
      }, 30_000, 'green read as unhealthy after the container stopped');
      const r = await items(api.services.environments, (await items(api.services.environments)).find(({ item }) => item.label === ENV)?.node);
      assert.equal(r.find(({ item }) => item.label === 'green')?.item.contextValue, 'color:green:live:unhealthy');
    } finally {
      await host.start();
    }
  });
});
