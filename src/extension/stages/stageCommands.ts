// What the simple stage commands share: pick the environment (and color), run the core stage
// under the lock, summarize its StageResult.
import type { Color } from '../../core/model';
import type { StageResult } from '../../core/stages/stageContext';
import type { ColorStageRun } from '../../core/stages/hostsAhead';
import { stageLabel, type StageName } from '../../core/stages/registry';
import { commandTarget } from './commandTarget';
import { chooseColor, chooseEnvironment, type ChosenEnvironment } from './pickers';
import type { ExtensionServices } from '../services';
import { refuseWhenUntrusted, runStageCommand, type StageOutcome, type StageSession } from './stageRunner';

export const summarizeStage = (r: StageResult) => ({ summary: r.summary, warnings: r.warnings });

/** A stage on a whole environment: restore, rollback. */
export async function environmentStage(
  services: ExtensionServices,
  args: unknown[],
  stage: { title: (env: string) => string; label: StageName; run: (s: StageSession) => Promise<StageResult> },
): Promise<StageOutcome<StageResult> | undefined> {
  const refused = refuseWhenUntrusted(stage.label);
  if (refused) return refused;
  const target = commandTarget(args);
  const chosen = await chooseEnvironment(services, target);
  if (!chosen) return undefined;
  return runStageCommand(services, {
    title: stage.title(chosen.envName), envName: chosen.envName, config: chosen.config, options: target.options,
    lockLabel: stageLabel(stage.label), body: stage.run, summarize: summarizeStage,
  });
}

/** A stage on one color: drain, verify, switch. */
export async function colorStage(
  services: ExtensionServices,
  args: unknown[],
  stage: { verb: ColorStageRun['stage']; question: string; title: (env: string, color: Color) => string; run: (s: StageSession, color: Color, chosen: ChosenEnvironment) => Promise<StageResult> },
): Promise<StageOutcome<StageResult> | undefined> {
  const refused = refuseWhenUntrusted(stage.verb);
  if (refused) return refused;
  const target = commandTarget(args);
  const chosen = await chooseEnvironment(services, target);
  if (!chosen) return undefined;
  const color = await chooseColor(services, target, chosen.envName, stage.question);
  if (!color) return undefined;
  return runStageCommand(services, {
    title: stage.title(chosen.envName, color), envName: chosen.envName, config: chosen.config, options: target.options,
    lockLabel: stageLabel(stage.verb, { color }), body: (s) => stage.run(s, color, chosen), summarize: summarizeStage, ahead: { stage: stage.verb, color },
  });
}
