// The questions a command asks when it was run from the palette: which environment, which color,
// which version, how big a canary. Each returns undefined when the person cancels.
import * as vscode from 'vscode';
import { COLORS, findEnvironment, type BluegreenConfig, type Color, type Environment } from '../../core/model';
import { versionProblem } from '../../core/version';
import { colorOfNode, envNameOfNode, type CommandTarget } from './commandTarget';
import type { ExtensionServices } from '../services';

export interface ChosenEnvironment {
  config: BluegreenConfig;
  envName: string;
  env: Environment;
}

/** The target's environment, or a quick pick (the selected environment first). */
export async function chooseEnvironment(
  services: ExtensionServices,
  target: CommandTarget,
  accept: (env: Environment) => boolean = () => true,
  placeHolder = 'Which environment?',
): Promise<ChosenEnvironment | undefined> {
  const state = await services.environments.current();
  if (state.kind !== 'valid') {
    const message = state.kind === 'none' ? 'No bluegreen.yaml in this workspace.' : 'bluegreen.yaml has errors; fix them first.';
    const action = state.kind === 'none' ? 'Create bluegreen.yaml' : 'Show Problems';
    void vscode.window.showErrorMessage(message, action).then((choice) => {
      if (choice) void vscode.commands.executeCommand(state.kind === 'none' ? 'bluegreen.createConfig' : 'workbench.actions.view.problems');
    });
    return undefined;
  }
  const { config } = state;
  const named = target.options.env ?? envNameOfNode(target.node);
  if (named !== undefined) {
    const env = findEnvironment(config, named);
    if (!env) {
      void vscode.window.showErrorMessage(`No environment "${named}" in bluegreen.yaml (it has ${Object.keys(config.environments).join(', ')}).`);
      return undefined;
    }
    if (!accept(env)) {
      void vscode.window.showErrorMessage(`This does not apply to "${named}" (${env.kind === 'docker' ? 'a Docker sandbox' : 'reached over SSH'}).`);
      return undefined;
    }
    return { config, envName: named, env };
  }
  const candidates = Object.values(config.environments).filter(accept);
  if (!candidates.length) {
    void vscode.window.showErrorMessage('No environment in bluegreen.yaml fits this command.');
    return undefined;
  }
  const selected = services.selectedEnvironment();
  candidates.sort((a, b) => Number(b.name === selected) - Number(a.name === selected));
  if (candidates.length === 1) return { config, envName: candidates[0].name, env: candidates[0] };
  const picked = await vscode.window.showQuickPick(candidates.map((env) => {
    const reading = services.refresher.reading(env.name);
    return {
      label: env.name,
      description: `${env.kind === 'docker' ? 'sandbox · Docker' : 'SSH'}${env.name === selected ? ' · selected' : ''}`,
      detail: reading.kind === 'read' ? reading.status.plan : reading.kind === 'problem' ? reading.problem.message : undefined,
      env,
    };
  }), { placeHolder, title: 'Blue-Green: environment' });
  return picked ? { config, envName: picked.env.name, env: picked.env } : undefined;
}

/** The target's color, or a quick pick that says what each color carries now. */
export async function chooseColor(services: ExtensionServices, target: CommandTarget, envName: string, placeHolder: string): Promise<Color | undefined> {
  const given = target.options.color ?? colorOfNode(target.node);
  if (given !== undefined) {
    if (!COLORS.includes(given)) {
      void vscode.window.showErrorMessage(`Unknown color "${String(given)}": colors are blue and green.`);
      return undefined;
    }
    return given;
  }
  const reading = services.refresher.reading(envName);
  const picked = await vscode.window.showQuickPick(COLORS.map((color) => {
    const read = reading.kind === 'read' ? reading.status.colors.find((c) => c.color === color) : undefined;
    const versions = read ? Object.entries(read.versions).map(([app, v]) => `${app} ${v.join(',') || '—'}`).join(', ') : '';
    return {
      label: color,
      description: read ? `${read.live ? 'live' : 'idle'} ${read.weight}%${read.segments.length ? ` + ${read.segments.join(', ')}` : ''}` : undefined,
      detail: read ? `${versions} · health ${read.hosts.filter((h) => h.healthy).length}/${read.hosts.length}` : undefined,
      iconPath: new vscode.ThemeIcon(read?.live ? 'circle-filled' : 'circle-outline', new vscode.ThemeColor(color === 'blue' ? 'charts.blue' : 'charts.green')),
      color,
    };
  }), { placeHolder, title: `Blue-Green: color (${envName})` });
  return picked?.color;
}

/** The core's version check as one line, for the input box and the error shown after it. */
export function versionMessage(value: string): string | undefined {
  const problem = versionProblem(value);
  return problem && `${problem.message}: ${problem.hint}`;
}

export async function askVersion(target: CommandTarget, prompt: string): Promise<string | undefined> {
  const given = target.options.version;
  if (given !== undefined) return given;
  const value = await vscode.window.showInputBox({ title: 'Blue-Green: version', prompt, placeHolder: '1.4.0', validateInput: versionMessage });
  return value?.trim() || undefined;
}

/**
 * Deploy: which apps, given or asked with a multi-pick when the config has more than one: every
 * app picked to start with (from a host in the tree, that host's app). Every app picked: `{}`, a
 * deploy of the whole color as before; nothing picked is a cancel. Code that passes the version
 * in its options and no apps deploys every app, as it did before apps could be picked.
 */
export async function chooseApps(target: CommandTarget, config: BluegreenConfig, envName: string, color: Color): Promise<{ apps?: string[] } | undefined> {
  const given = target.options.apps;
  if (given !== undefined) return { apps: given };
  if (config.apps.length < 2 || target.options.version !== undefined) return {};
  const env = findEnvironment(config, envName);
  const fromHost = target.node?.kind === 'host' ? target.node.row.app : undefined;
  const picked = await vscode.window.showQuickPick(config.apps.map((app) => {
    const hosts = env?.kind === 'ssh' ? env.colors[color][app.name]?.length ?? 0 : (env?.hostsPerColor ?? 1);
    return { label: app.name, description: `${app.route} · ${hosts} host${hosts === 1 ? '' : 's'} of ${color}`, picked: fromHost === undefined || fromHost === app.name, name: app.name };
  }), { canPickMany: true, title: `Blue-Green: deploy to ${color} (${envName})`, placeHolder: 'Which apps? Unpicked apps are not touched: they keep what they run' });
  if (!picked?.length) return undefined;
  return picked.length === config.apps.length ? {} : { apps: picked.map((p) => p.name) };
}

export type CanarySlice = { percent: number } | { segment: string };

export function percentProblem(value: string): string | undefined {
  const n = Number(value);
  return value.trim() !== '' && Number.isInteger(n) && n >= 0 && n <= 100 ? undefined : 'A whole number from 0 to 100';
}

/** A percentage or a segment of the config, given or asked. */
export async function chooseCanarySlice(target: CommandTarget, config: BluegreenConfig, color: Color): Promise<CanarySlice | undefined> {
  const { percent, segment } = target.options;
  if (percent !== undefined) return { percent };
  if (segment !== undefined) return { segment };
  const other = 'Another percentage…';
  const picked = await vscode.window.showQuickPick([
    ...[5, 10, 25, 50].map((p) => ({ label: `${p}%`, description: `of users to ${color}`, slice: { percent: p } as CanarySlice })),
    ...config.traffic.segments.map((s) => ({ label: `segment: ${s.name}`, description: describeSegment(s.match), slice: { segment: s.name } as CanarySlice })),
    { label: other, description: '', slice: undefined },
  ], { title: `Blue-Green: canary on ${color}`, placeHolder: 'Which users go to the canary?' });
  if (!picked) return undefined;
  if (picked.slice) return picked.slice;
  const value = await vscode.window.showInputBox({ title: `Blue-Green: canary on ${color}`, prompt: 'Percentage of users', validateInput: percentProblem });
  return value === undefined ? undefined : { percent: Number(value) };
}

function describeSegment(match: BluegreenConfig['traffic']['segments'][number]['match']): string {
  switch (match.kind) {
    case 'userAgent': return `User-Agent ~ ${match.regex}`;
    case 'cookie': return `cookie ${match.name}${match.value ? `=${match.value}` : ''}`;
    case 'header': return `header ${match.name}${match.value ? `: ${match.value}` : ''}`;
  }
}
