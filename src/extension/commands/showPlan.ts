// Blue-Green: Show Plan — the dry run of a stage (the CLI's --dry-run): which stage, then the
// stage's own questions (environment, color, version), then its plan in an editor: the router
// state change as a diff and the exact commands per host, in order. Nothing is changed.
// From a tree item or code: `{ stage: 'switch', env, color, … }` answers the questions.
import * as vscode from 'vscode';
import { STAGES, type StageEntry } from '../../core/stages/registry';
import type { ExtensionServices } from '../services';
import { colorOfNode, commandTarget, envNameOfNode, type StageCommandOptions } from '../stages/commandTarget';

/** The stages a dry run applies to: those the editor runs that take the lock. */
const PLANNABLE = STAGES.filter((s): s is typeof s & { command: { id: string; title: string } } => 'command' in s && s.takesLock);

export async function run(_services: ExtensionServices, ...args: unknown[]) {
  const target = commandTarget(args);
  const options = target.options as StageCommandOptions & { stage?: string };
  let entry: StageEntry | undefined = PLANNABLE.find((s) => s.name === options.stage);
  if (options.stage !== undefined && !entry) {
    void vscode.window.showErrorMessage(`Show Plan: no stage "${options.stage}" to plan (stages: ${PLANNABLE.map((s) => s.name).join(', ')}).`);
    return undefined;
  }
  if (!entry) {
    const picked = await vscode.window.showQuickPick(PLANNABLE.map((s) => ({ label: s.command.title, description: s.name, detail: s.description, entry: s as StageEntry })), {
      placeHolder: 'Show the plan of which stage? (nothing is changed)',
    });
    entry = picked?.entry;
  }
  if (!entry?.command) return undefined;
  const stageOptions: StageCommandOptions & { stage?: string } = { ...options };
  delete stageOptions.stage;
  // A tree item answers the stage's questions it can: its environment and color.
  const fromNode = target.node ? { env: envNameOfNode(target.node), color: colorOfNode(target.node) } : {};
  return vscode.commands.executeCommand(entry.command.id, { ...fromNode, ...stageOptions, dryRun: true });
}
