// Context key `bluegreen.sandboxRunning`: true while some sandbox (a `docker:` environment) of the
// workspace's config was read from its routers. The walkthrough's "Bring the sandbox up" step
// completes on it, so a sandbox that is already up counts without running Sandbox Up again.
import * as vscode from 'vscode';
import type { BluegreenConfig } from '../../core/model';
import type { StatusRefresher } from './statusRefresher';

export const SANDBOX_RUNNING_CONTEXT_KEY = 'bluegreen.sandboxRunning';

export class SandboxRunningContext implements vscode.Disposable {
  private running: boolean | undefined;
  private readonly subscription: vscode.Disposable;

  constructor(private readonly refresher: StatusRefresher, private readonly config: () => BluegreenConfig | undefined) {
    this.subscription = refresher.onDidChange(() => this.update());
  }

  private update(): void {
    const config = this.config();
    const running = !!config && Object.entries(config.environments)
      .some(([name, env]) => env.kind === 'docker' && this.refresher.reading(name).kind === 'read');
    if (running === this.running) return;
    this.running = running;
    void vscode.commands.executeCommand('setContext', SANDBOX_RUNNING_CONTEXT_KEY, running);
  }

  dispose(): void {
    this.subscription.dispose();
  }
}
