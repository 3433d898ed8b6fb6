// Blue-Green: Deploy Version — build, ship and start a version on every host of a color, or of the
// apps picked (a per-app deploy: the color's other apps are not touched); refused on a color with
// live traffic unless forced.
import { commandTarget } from '../stages/commandTarget';
import { askVersion, chooseApps, chooseColor, chooseEnvironment, versionMessage } from '../stages/pickers';
import type { ExtensionServices } from '../services';
import { stageLabel } from '../../core/stages/registry';
import { summarizeStage } from '../stages/stageCommands';
import { refuseWhenUntrusted, runStageCommand } from '../stages/stageRunner';
import * as vscode from 'vscode';

export async function run(services: ExtensionServices, ...args: unknown[]) {
  const refused = refuseWhenUntrusted('Deploy');
  if (refused) return refused;
  const target = commandTarget(args);
  const chosen = await chooseEnvironment(services, target);
  if (!chosen) return undefined;
  const color = await chooseColor(services, target, chosen.envName, 'Deploy to which color? (an idle one)');
  if (!color) return undefined;
  const version = await askVersion(target, `The version to deploy to ${color} on ${chosen.envName}`);
  if (!version) return undefined;
  const problem = versionMessage(version);
  if (problem) {
    void vscode.window.showErrorMessage(problem);
    return undefined;
  }
  const chosenApps = await chooseApps(target, chosen.config, chosen.envName, color);
  if (!chosenApps) return undefined;
  const { apps } = chosenApps;
  const known = chosen.config.apps.map((app) => app.name);
  const unknown = (apps ?? []).filter((app) => !known.includes(app));
  if (unknown.length) {
    void vscode.window.showErrorMessage(`Unknown app${unknown.length > 1 ? 's' : ''} ${unknown.map((a) => `"${a}"`).join(', ')}: the apps in bluegreen.yaml are ${known.join(', ')}.`);
    return undefined;
  }
  const perApp = apps?.length && apps.length < known.length ? known.filter((app) => apps.includes(app)) : undefined;
  return runStageCommand(services, {
    title: `Deploy ${version}${perApp ? ` of ${perApp.join(', ')}` : ''} to ${color} on ${chosen.envName}`, envName: chosen.envName, config: chosen.config, options: target.options,
    lockLabel: stageLabel('deploy', { color, version, apps: perApp }), body: (s) => s.core.deploy(s.ctx, color, version, { apps: perApp }), summarize: summarizeStage,
    ahead: { stage: 'deploy', color, apps: perApp },
  });
}
