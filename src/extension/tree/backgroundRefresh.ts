// When environments are read again without anyone asking: sandboxes on their Docker events, SSH
// environments (and sandboxes whose engine did not answer) on a poll of `bluegreen.pollSeconds`.
import * as vscode from 'vscode';
import type { BluegreenConfig } from '../../core/model';
import { configWithSettings } from './environmentReading';
import { environmentAccess } from '../editorAccess';
import { SandboxEventWatcher } from './sandboxEvents';
import { readSettings } from '../settings';
import type { StatusRefresher } from './statusRefresher';

export class BackgroundRefresh implements vscode.Disposable {
  private readonly events: SandboxEventWatcher;
  private timer: NodeJS.Timeout | undefined;
  private config: BluegreenConfig | undefined;
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(private readonly refresher: StatusRefresher, output: vscode.OutputChannel) {
    this.events = new SandboxEventWatcher((envName) => void refresher.refresh(envName), output);
    this.subscriptions.push(
      this.events,
      // A sandbox read once its engine answers: start following that engine's events.
      refresher.onDidChange((envName) => this.followEngineOf(envName)),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('bluegreen.pollSeconds')) this.schedulePoll();
        if (e.affectsConfiguration('bluegreen.dockerHost') || e.affectsConfiguration('bluegreen.sshPath')) void refresher.refreshAll();
      }),
    );
    this.schedulePoll();
  }

  setConfig(config: BluegreenConfig | undefined): void {
    this.config = config;
  }

  private followEngineOf(envName: string): void {
    // The same gate as every reader: in Restricted Mode the file's own engine address is not followed.
    const access = this.config && environmentAccess(this.config, envName, readSettings(), vscode.workspace.isTrusted);
    if (!access?.ok) return;
    const env = access.env;
    if (env.kind !== 'docker') return;
    const reading = this.refresher.reading(envName);
    if (reading.kind === 'problem' && reading.problem.reason === 'noEngine') return;
    this.events.watch(env.dockerHost);
  }

  private schedulePoll(): void {
    clearInterval(this.timer);
    const seconds = readSettings().pollSeconds;
    if (seconds <= 0) return;
    this.timer = setInterval(() => this.poll(), seconds * 1000);
  }

  private poll(): void {
    if (!this.config) return;
    const config = configWithSettings(this.config, readSettings());
    for (const env of Object.values(config.environments)) {
      const reading = this.refresher.reading(env.name);
      const followed = env.kind === 'docker' && this.events.isWatching(env.dockerHost) && !(reading.kind === 'problem' && reading.problem.reason !== 'notUp');
      if (!followed) void this.refresher.refresh(env.name);
    }
  }

  dispose(): void {
    clearInterval(this.timer);
    vscode.Disposable.from(...this.subscriptions).dispose();
  }
}
