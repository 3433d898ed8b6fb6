// Answers a waiting pause point: the one of the given environment (tree item, options), the only
// one waiting, or the one picked.
import * as vscode from 'vscode';
import { commandTarget, envNameOfNode } from './commandTarget';
import type { PauseAnswer } from './pausePoints';
import type { ExtensionServices } from '../services';

export async function answerPause(services: ExtensionServices, args: unknown[], answer: PauseAnswer): Promise<boolean> {
  const target = commandTarget(args);
  let envName = target.options.env ?? envNameOfNode(target.node);
  if (!envName) {
    const waiting = services.pauses.all();
    if (!waiting.length) {
      void vscode.window.showInformationMessage('No release is waiting at a pause point.');
      return false;
    }
    envName = waiting.length === 1 ? waiting[0].envName : (await vscode.window.showQuickPick(
      waiting.map((p) => ({ label: p.envName, description: `release ${p.version}, step ${p.step}`, detail: p.message })),
      { placeHolder: 'Which release?' }))?.label;
    if (!envName) return false;
  }
  return services.pauses.answer(envName, answer);
}
