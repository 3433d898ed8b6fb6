// The first-run walkthrough as contributed, and the traffic panel as an editor tab.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { activatedApi, EXTENSION_ID, until } from './helpers';

interface WalkthroughStep {
  id: string;
  title: string;
  description: string;
  media: { markdown?: string };
  completionEvents: string[];
}

describe('first-run walkthrough', () => {
  const extension = () => {
    const found = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(found, 'extension installed');
    return found;
  };

  it('is contributed with its steps in order, each with a command link, its markdown and a completion event', () => {
    const contributes = extension().packageJSON.contributes as {
      walkthroughs: { id: string; steps: WalkthroughStep[] }[];
      commands: { command: string }[];
    };
    const walkthrough = contributes.walkthroughs.find((w) => w.id === 'bluegreen.firstRelease');
    assert.ok(walkthrough, 'walkthrough bluegreen.firstRelease');
    assert.deepEqual(walkthrough.steps.map((s) => s.id), ['config', 'sandbox', 'release', 'traffic', 'preview', 'plan', 'hosts']);
    const commands = new Set(contributes.commands.map((c) => c.command));
    for (const step of walkthrough.steps) {
      const links = [...step.description.matchAll(/\(command:([\w.]+)\)/g)].map((m) => m[1]);
      assert.ok(links.length, `${step.id}: a command link`);
      for (const id of links) assert.ok(commands.has(id), `${step.id}: ${id} is contributed`);
      assert.ok(step.completionEvents.length, `${step.id}: a completion event`);
      for (const event of step.completionEvents) {
        const command = /^onCommand:(.+)$/.exec(event)?.[1];
        if (command) assert.ok(commands.has(command), `${step.id}: completes on ${command}, a contributed command`);
        else assert.match(event, /^(onContext|onView):/, `${step.id}: ${event}`);
      }
      assert.ok(step.media.markdown, `${step.id}: markdown media`);
      assert.ok(fs.existsSync(path.join(extension().extensionPath, step.media.markdown)), `${step.id}: ${step.media.markdown} ships`);
    }
  });
});

describe('traffic panel in an editor tab', () => {
  const trafficTabs = () => vscode.window.tabGroups.all.flatMap((g) => g.tabs)
    .filter((t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.endsWith('bluegreen.trafficEditor'));

  after(async () => {
    for (const tab of trafficTabs()) await vscode.window.tabGroups.close(tab);
  });

  it('"Open Traffic Panel in Editor" opens one webview panel, and brings it forward when run again', async () => {
    await activatedApi();
    const panel = await vscode.commands.executeCommand<vscode.WebviewPanel>('bluegreen.openTrafficPanelInEditor');
    assert.ok(panel, 'the command returns its panel');
    assert.equal(panel.viewType, 'bluegreen.trafficEditor');
    assert.equal(panel.title, 'Blue-Green Traffic');
    assert.match(panel.webview.html, /data-layout="editor"/);
    assert.match(panel.webview.html, /id="chart"/);
    await until(() => (trafficTabs().length === 1 ? true : undefined), 10_000, 'the traffic tab');
    const again = await vscode.commands.executeCommand<vscode.WebviewPanel>('bluegreen.openTrafficPanelInEditor');
    assert.equal(again, panel, 'the same panel');
    assert.equal(trafficTabs().length, 1);
  });
});
