// The status bar: the selected environment's live color and split, as read from its routers —
// `$(circle-filled) green 100%` or `blue 90 · green 10`. A click opens the traffic panel.
import * as vscode from 'vscode';
import { COLORS } from '../../core/model';
import type { EnvironmentReading } from './environmentReading';
import { colorTheme } from './treeItems';

export interface StatusBarText {
  text: string;
  tooltip: string;
  color?: vscode.ThemeColor;
}

/** The words and icon for one reading; exported for the tests. */
export function statusBarText(envName: string, reading: EnvironmentReading): StatusBarText {
  if (reading.kind === 'pending') return { text: `$(sync~spin) ${envName}`, tooltip: `Blue-Green: reading ${envName} from its routers…` };
  if (reading.kind === 'problem') return { text: `$(warning) ${envName}`, tooltip: `Blue-Green ${envName}: ${reading.problem.message}` };
  const { status } = reading;
  const state = status.state;
  if (!state) return { text: `$(question) ${envName}`, tooltip: `Blue-Green ${envName}: no router carries a traffic plan yet` };
  const { weights, segments } = state.plan;
  const live = COLORS.filter((c) => weights[c] > 0);
  const tooltip = `Blue-Green ${envName}: ${status.plan} (state #${state.serial}, ${state.stage} by ${state.changedBy}). Click to open the traffic panel.`;
  const segmentText = segments.map((s) => ` · ${s.name}→${s.color}`).join('');
  if (live.length === 1 && !segments.length) {
    return { text: `$(circle-filled) ${live[0]} ${weights[live[0]]}%`, tooltip, color: colorTheme(live[0]) };
  }
  const split = COLORS.map((c) => `${c} ${weights[c]}`).join(' · ');
  return { text: `$(arrow-swap) ${split}${segmentText}`, tooltip };
}

export class TrafficStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('bluegreen.traffic', vscode.StatusBarAlignment.Left, 50);

  constructor() {
    this.item.name = 'Blue-Green Traffic';
    this.item.command = 'bluegreen.openTrafficPanel';
  }

  /** Shows the environment's reading; hidden when there is no config. */
  show(envName: string | undefined, reading: EnvironmentReading | undefined): void {
    if (!envName || !reading) {
      this.item.hide();
      return;
    }
    const { text, tooltip, color } = statusBarText(envName, reading);
    this.item.text = text;
    this.item.tooltip = tooltip;
    this.item.color = color;
    this.item.show();
  }

  get text(): string {
    return this.item.text;
  }

  dispose(): void {
    this.item.dispose();
  }
}
