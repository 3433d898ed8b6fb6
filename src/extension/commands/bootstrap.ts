// Blue-Green: First Release (Bootstrap) — the first release of an environment that Set Up Hosts
// prepared: both colors deployed and verified while no user is sent there, then traffic.initial.
import type { StageResult } from '../../core/stages/stageContext';
import { commandTarget } from '../stages/commandTarget';
import { askVersion, chooseEnvironment, versionMessage } from '../stages/pickers';
import type { ExtensionServices } from '../services';
import { refuseWhenUntrusted, runStageCommand } from '../stages/stageRunner';
import * as vscode from 'vscode';

export async function run(services: ExtensionServices, ...args: unknown[]) {
  const refused = refuseWhenUntrusted('First Release');
  if (refused) return refused;
  const target = commandTarget(args);
  const chosen = await chooseEnvironment(services, target, () => true, 'First release of which environment?');
  if (!chosen) return undefined;
  const version = await askVersion(target, `The first version to release on ${chosen.envName} (both colors, then traffic.initial)`);
  if (!version) return undefined;
  const problem = versionMessage(version);
  if (problem) {
    void vscode.window.showErrorMessage(problem);
    return undefined;
  }
  return runStageCommand<StageResult[]>(services, {
    title: `First release of ${version} on ${chosen.envName}`, envName: chosen.envName, config: chosen.config, options: target.options,
    body: (s) => s.core.bootstrap(s.ctx, version),
    summarize: (results) => ({
      summary: `${chosen.envName} released ${version}: ${results[results.length - 1]?.summary ?? ''}`,
      warnings: results.flatMap((r) => r.warnings),
    }),
  });
}
