// Blue-Green: Release Version — walks the config's runbook under one lock. Traffic changes ask
// with a modal; pause points wait as a notification (Continue / Roll Back) and as a tree item
// under the environment. Roll Back stops the walk and moves traffic to the last known-good plan.
import type { StageResult } from '../../core/stages/stageContext';
import { commandTarget } from '../stages/commandTarget';
import { askVersion, chooseEnvironment, versionMessage } from '../stages/pickers';
import type { ExtensionServices } from '../services';
import { refuseWhenUntrusted, runStageCommand } from '../stages/stageRunner';
import * as vscode from 'vscode';

export async function run(services: ExtensionServices, ...args: unknown[]) {
  const refused = refuseWhenUntrusted('Release');
  if (refused) return refused;
  const target = commandTarget(args);
  const chosen = await chooseEnvironment(services, target);
  if (!chosen) return undefined;
  if (!chosen.config.release.length) {
    void vscode.window.showErrorMessage('bluegreen.yaml has no `release:` runbook to walk.');
    return undefined;
  }
  const version = await askVersion(target, `The version to release on ${chosen.envName} (${chosen.config.release.length} steps)`);
  if (!version) return undefined;
  const problem = versionMessage(version);
  if (problem) {
    void vscode.window.showErrorMessage(problem);
    return undefined;
  }
  const { envName } = chosen;
  return runStageCommand<StageResult[]>(services, {
    title: `Release ${version} on ${envName}`, envName, config: chosen.config, options: target.options,
    onCancel: () => services.pauses.answer(envName, 'stop'),
    body: async (s) => {
      let rollbackWanted = false;
      const migrations = chosen.config.database.migrations ? s.core.releaseMigrateStep() : undefined;
      try {
        return await s.core.release(s.ctx, version, {
          from: target.options.from,
          migrate: migrations,
          onStep: ({ index, step, phase }) => {
            s.progress(`step ${index}/${chosen.config.release.length} ${s.core.describeStep(step)}: ${phase}`);
            // Refresh the tree as the walk goes, so traffic moves show while it runs.
            if (phase !== 'start') void services.refresher.refresh(envName);
            if (step.stage === 'pause' && phase === 'start') {
              s.askNextWith(async () => {
                const answer = await services.pauses.wait({ envName, version, step: index, message: step.message });
                rollbackWanted = answer === 'rollback';
                return answer === 'continue';
              });
            }
          },
        });
      } catch (error) {
        if (!rollbackWanted) throw error;
        s.progress('rolling back at the pause point');
        const rolled = await s.core.runStage(s.ctx, `rollback (release ${version} stopped at a pause point)`, () => s.core.rollback(s.ctx, { reason: `release ${version} stopped at a pause point`, noConfirm: true }));
        throw new Error(`release ${version} stopped at the pause point; ${rolled.summary}`, { cause: error });
      }
    },
    summarize: (results) => ({
      summary: `${results.length} step(s) done`,
      warnings: results.flatMap((r) => r.warnings),
    }),
  });
}
