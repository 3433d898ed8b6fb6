// Runs one piece of work on an environment the way every command does: refused in Restricted
// Mode, a progress notification with Cancel (an AbortSignal into the stage), every host command
// streamed to the "Blue-Green" output channel, confirmations as modal dialogs, a message with the
// outcome, and the environment read again afterwards.
import * as vscode from 'vscode';
import type { BluegreenConfig } from '../../core/model';
import type { ColorStageRun } from '../../core/stages/hostsAhead';
import type { EnvironmentHandle } from '../../core/environment/openEnvironment';
import type { StageContext, StageResult } from '../../core/stages/stageContext';
import type { StageCommandOptions } from './commandTarget';
import type { DryRunOutcome } from '../../core/plan/dryRun';
import { engine, type Engine } from '../engine';
import { configWithSettings } from '../tree/environmentReading';
import type { ExtensionServices } from '../services';
import { readSettings } from '../settings';

/** What a command returns to executeCommand callers (other commands, the tests). */
export interface StageOutcome<T = unknown> {
  ok: boolean;
  summary: string;
  warnings: string[];
  result?: T;
  error?: string;
  hint?: string;
  /** The person declined a confirmation or pressed Cancel. */
  cancelled?: boolean;
  /** Restricted Mode refused it. */
  refused?: boolean;
}

export interface StageSession {
  ctx: StageContext;
  handle: EnvironmentHandle;
  core: Engine;
  config: BluegreenConfig;
  progress: (line: string) => void;
  signal: AbortSignal;
  /** The next confirmation is a runbook pause point: ask with this instead of the modal. */
  askNextWith(ask: (question: string) => Promise<boolean>): void;
}

export interface StageRun<T> {
  /** For the progress notification and messages: `Switch sandbox to green`. */
  title: string;
  envName: string;
  config: BluegreenConfig;
  options: StageCommandOptions;
  /** Run under the release lock with an audit line (runStage); omit for work that handles its own. */
  lockLabel?: string;
  /** What the stage is given, for the hosts it reaches besides the routers: connected while the lock is taken. */
  ahead?: ColorStageRun;
  body: (session: StageSession) => Promise<T>;
  summarize: (result: T) => { summary: string; warnings: string[] };
  /** Called when the person pressed Cancel (e.g. to answer a waiting pause point). */
  onCancel?: () => void;
}

export const RESTRICTED_MESSAGE = 'Blue-Green stages do not run in Restricted Mode: they run commands on your hosts as this workspace\'s bluegreen.yaml describes. Trust the workspace to run them.';

/** Refuses in Restricted Mode; returns the outcome to hand back, or undefined to go on. */
export function refuseWhenUntrusted<T = never>(title: string): StageOutcome<T> | undefined {
  if (vscode.workspace.isTrusted) return undefined;
  void vscode.window.showWarningMessage(`${title}: ${RESTRICTED_MESSAGE}`, 'Manage Workspace Trust').then((choice) => {
    if (choice) void vscode.commands.executeCommand('workbench.trust.manage');
  });
  return { ok: false, refused: true, summary: 'refused in Restricted Mode', warnings: [], error: RESTRICTED_MESSAGE };
}

export async function runStageCommand<T>(services: ExtensionServices, run: StageRun<T>): Promise<StageOutcome<T>> {
  const refused = refuseWhenUntrusted(run.title);
  if (refused) return refused;
  const { output } = services;
  const core = await engine();
  const settings = readSettings();
  const config = configWithSettings(run.config, settings);
  // Show Plan: the same run on an environment opened for a dry run (docs/architecture.md).
  const plan = run.options.dryRun ? new core.PlanRecorder() : undefined;
  const title = plan ? `Plan: ${run.title}` : run.title;
  const handle = core.openEnvironment(config, run.envName, {
    plan,
    sshPath: settings.sshPath,
    hostLog: (event) => {
      const text = event.text.trimEnd();
      if (!text && event.kind !== 'command') return;
      const prefix = event.kind === 'command' ? '$ ' : event.kind === 'exit' ? '→ ' : '';
      for (const line of text.split('\n')) output.appendLine(`  [${event.host}] ${prefix}${line}`);
    },
  });
  output.appendLine(`\n▶ ${title} (${new Date().toLocaleString()})`);
  let nextAsk: ((question: string) => Promise<boolean>) | undefined;
  let declined = false;
  const yes = run.options.yes === true;
  const confirmChanges = run.options.confirmChanges === true;

  try {
    const result = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Blue-Green: ${title}`, cancellable: true }, async (progress, token) => {
      const controller = new AbortController();
      const cancelled = token.onCancellationRequested(() => {
        output.appendLine('  cancel requested: stopping after the current step');
        controller.abort(new Error('cancelled'));
        run.onCancel?.();
      });
      const report = (line: string) => {
        const text = line.trim();
        if (!text) return;
        output.appendLine(`  ${text}`);
        progress.report({ message: text.length > 120 ? `${text.slice(0, 117)}…` : text });
      };
      const ctx: StageContext = {
        handle,
        actor: core.defaultActor(),
        progress: report,
        yes,
        force: run.options.force === true,
        signal: controller.signal,
        confirm: async (question) => {
          const ask = nextAsk;
          nextAsk = undefined;
          const answer = ask ? await ask(question) : confirmChanges ? true : await confirmModal(question);
          output.appendLine(`  ${question} ${answer ? 'yes' : 'no'}`);
          if (!answer) declined = true;
          return answer;
        },
      };
      const session: StageSession = {
        ctx, handle, core, config, progress: report, signal: controller.signal,
        askNextWith: (ask) => { nextAsk = ask; },
      };
      const execute = async (): Promise<T> => (run.lockLabel
        ? await core.runStage(ctx, run.lockLabel, () => run.body(session) as unknown as Promise<StageResult>, {
          ahead: run.ahead && core.stageHostsAhead(handle, run.ahead),
        }) as unknown as T
        : await run.body(session));
      try {
        return plan ? await core.planned(plan, run.lockLabel ?? run.title, run.envName, execute) : await execute();
      } finally {
        cancelled.dispose();
      }
    });
    if (plan) return await showPlan(result as unknown as DryRunOutcome, title) as StageOutcome<T>;
    const { summary, warnings } = run.summarize(result as T);
    output.appendLine(`✔ ${run.title}: ${summary}`);
    for (const w of warnings) output.appendLine(`  warning: ${w}`);
    void vscode.window.showInformationMessage(`${run.title}: ${summary}${warnings.length ? ` (${warnings.length} warning${warnings.length > 1 ? 's' : ''}: ${warnings[0]})` : ''}`);
    return { ok: true, summary, warnings, result: result as T };
  } catch (error) {
    const e = error as Error & { hint?: string };
    const cancelled = declined || e.message === 'cancelled' || e.name === 'AbortError';
    output.appendLine(`✘ ${run.title}: ${e.message}${e.hint ? `\n  ${e.hint}` : ''}`);
    if (cancelled) {
      void vscode.window.showInformationMessage(`${run.title}: nothing more was changed (${e.message.split('\n')[0]}).`);
    } else {
      const show = 'Show Output';
      const refusedByGate = e instanceof core.BluegreenError && e.name === 'RefusedError';
      const message = `${run.title}: ${e.message.split('\n')[0]}${e.hint ? ` — ${e.hint}` : ''}`;
      void (refusedByGate ? vscode.window.showWarningMessage(message, show) : vscode.window.showErrorMessage(message, show))
        .then((choice) => choice && output.show(true));
    }
    return { ok: false, summary: e.message.split('\n')[0], warnings: [], error: e.message, hint: e.hint, cancelled };
  } finally {
    await handle.close().catch(() => undefined);
    // The routers are the source of truth: show what they carry now, whatever happened.
    await services.refresher.refresh(run.envName, 0);
  }
}

/** The plan in an editor beside the code (what a stage would run, nothing run); the outcome says whether it would stop. */
async function showPlan(outcome: DryRunOutcome, title: string): Promise<StageOutcome<DryRunOutcome>> {
  const document = await vscode.workspace.openTextDocument({ content: outcome.text, language: 'plaintext' });
  await vscode.window.showTextDocument(document, { preview: false });
  const commands = outcome.summary.steps.filter((s) => !s.ran).length;
  const summary = outcome.stopped
    ? `would stop: ${outcome.stopped.message.split('\n')[0]}`
    : `planned ${commands} command(s) on ${new Set(outcome.summary.steps.map((s) => s.host)).size} host(s); nothing was changed`;
  void vscode.window.showInformationMessage(`${title}: ${summary}`);
  return { ok: !outcome.stopped, summary, warnings: [], result: outcome, error: outcome.stopped?.message, hint: outcome.stopped?.hint };
}

/** A modal with the question (it says what will change) and one button named by its verb. */
async function confirmModal(question: string): Promise<boolean> {
  const verb = question.split(/[\s:]/)[0] || 'Yes';
  const choice = await vscode.window.showWarningMessage(question, {
    modal: true,
    detail: 'Every router is checked first and changed together; the previous plan stays in the routers\' history for a rollback.',
  }, verb);
  return choice === verb;
}
