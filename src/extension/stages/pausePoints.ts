// A release waiting at a pause point of its runbook, per environment: shown as a notification
// (Continue / Roll Back) and as a tree item under the environment; whichever answers first wins.
import * as vscode from 'vscode';

/** `stop`: nobody will answer (the extension is closing); the release stops where it is. */
export type PauseAnswer = 'continue' | 'rollback' | 'stop';

export interface PendingPause {
  envName: string;
  version: string;
  /** 1-based step of the runbook. */
  step: number;
  message: string;
}

/** Context key for the palette's Continue / Roll Back commands. */
export const PAUSE_CONTEXT_KEY = 'bluegreen.pausePending';

export class PausePoints implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<string>();
  readonly onDidChange = this.changed.event;
  private readonly pending = new Map<string, { pause: PendingPause; answer: (a: PauseAnswer) => void }>();

  get(envName: string): PendingPause | undefined {
    return this.pending.get(envName)?.pause;
  }

  all(): PendingPause[] {
    return [...this.pending.values()].map((p) => p.pause);
  }

  /** Waits for a person's answer; the notification and the tree item both offer it. */
  wait(pause: PendingPause): Promise<PauseAnswer> {
    return new Promise<PauseAnswer>((resolve) => {
      const answer = (a: PauseAnswer) => {
        if (this.pending.get(pause.envName)?.answer !== answer) return;
        this.pending.delete(pause.envName);
        this.update(pause.envName);
        resolve(a);
      };
      this.pending.set(pause.envName, { pause, answer });
      this.update(pause.envName);
      const continueLabel = 'Continue';
      const rollbackLabel = 'Roll Back';
      void vscode.window
        .showInformationMessage(`Release ${pause.version} on ${pause.envName} paused at step ${pause.step}: ${pause.message}`, continueLabel, rollbackLabel)
        .then((choice) => {
          if (choice === continueLabel) answer('continue');
          else if (choice === rollbackLabel) answer('rollback');
          // Dismissed: the tree item still waits for an answer.
        });
    });
  }

  /** Answers the pause of an environment; false when none was waiting. */
  answer(envName: string, answer: PauseAnswer): boolean {
    const entry = this.pending.get(envName);
    if (!entry) return false;
    entry.answer(answer);
    return true;
  }

  private update(envName: string): void {
    void vscode.commands.executeCommand('setContext', PAUSE_CONTEXT_KEY, this.pending.size > 0);
    this.changed.fire(envName);
  }

  dispose(): void {
    for (const entry of [...this.pending.values()]) entry.answer('stop');
    this.changed.dispose();
  }
}
