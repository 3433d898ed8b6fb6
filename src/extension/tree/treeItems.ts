// How each node of the environments tree looks: label, description, codicon in a theme color,
// tooltip, and what a click does. Menus come from contextValueOf (package.json `viewItem`).
import * as vscode from 'vscode';
import type { Color } from '../../core/model';
import type { EnvironmentNode } from './environmentNodes';

const { Expanded, Collapsed, None } = vscode.TreeItemCollapsibleState;

export function colorTheme(color: Color): vscode.ThemeColor {
  return new vscode.ThemeColor(color === 'blue' ? 'charts.blue' : 'charts.green');
}

export function treeItemOf(node: EnvironmentNode): vscode.TreeItem {
  switch (node.kind) {
    case 'environment': {
      const item = new vscode.TreeItem(node.envName, Expanded);
      item.id = `env/${node.envName}`;
      const kind = node.env.kind === 'docker' ? 'sandbox · Docker' : 'SSH';
      const { reading } = node;
      if (reading.kind === 'read') {
        item.description = `${reading.status.plan}${reading.status.lock ? ' · locked' : ''}${node.paused ? ' · paused' : ''}`;
        item.iconPath = new vscode.ThemeIcon(node.env.kind === 'docker' ? 'beaker' : 'server-environment');
      } else if (reading.kind === 'problem') {
        item.description = `${kind} · ${reading.problem.reason === 'notUp' ? 'not up' : reading.problem.reason === 'restricted' ? 'Restricted Mode' : 'not reachable'}`;
        item.iconPath = new vscode.ThemeIcon('warning', new vscode.ThemeColor('list.warningForeground'));
      } else {
        item.description = `${kind} · reading…`;
        item.iconPath = new vscode.ThemeIcon('loading~spin');
      }
      item.tooltip = new vscode.MarkdownString(`**${node.envName}** (${kind})${node.selected ? ' — shown in the status bar' : ''}\n\n${reading.kind === 'read' ? `Traffic: ${reading.status.plan}\n\nRead ${new Date(reading.at).toLocaleTimeString()}` : reading.kind === 'problem' ? reading.problem.message : 'Reading from the routers…'}`);
      return item;
    }
    case 'problem': {
      const { problem } = node;
      const labels: Record<typeof problem.reason, string> = {
        noEngine: 'No Docker engine answers',
        notUp: 'Sandbox is not up',
        unreachable: 'Routers unreachable',
        restricted: 'Not read in Restricted Mode',
        failed: 'Could not read the state',
      };
      const item = new vscode.TreeItem(labels[problem.reason], None);
      item.id = `env/${node.envName}/problem`;
      item.description = problem.hint ?? problem.message;
      item.tooltip = new vscode.MarkdownString(`${problem.message}\n\n${problem.hint ?? ''}`);
      item.iconPath = new vscode.ThemeIcon(problem.reason === 'notUp' ? 'debug-disconnect' : 'error', new vscode.ThemeColor(problem.reason === 'notUp' ? 'list.warningForeground' : 'list.errorForeground'));
      item.command = problem.reason === 'notUp'
        ? { command: 'bluegreen.sandboxUp', title: 'Sandbox Up', arguments: [{ env: node.envName }] }
        : { command: 'bluegreen.refreshEnvironments', title: 'Try again' };
      return item;
    }
    case 'pause': {
      const item = new vscode.TreeItem(`Paused: ${node.pause.message}`, None);
      item.id = `env/${node.envName}/pause`;
      item.description = `release ${node.pause.version}, step ${node.pause.step} — Continue or Roll Back`;
      item.tooltip = `The runbook waits for you. Continue walks on; Roll Back moves traffic back to the last known-good plan.`;
      item.iconPath = new vscode.ThemeIcon('debug-pause', new vscode.ThemeColor('list.warningForeground'));
      return item;
    }
    case 'lock': {
      const { lock } = node;
      const item = new vscode.TreeItem(`Locked by ${lock.holder}`, None);
      item.id = `env/${node.envName}/lock`;
      item.description = `${lock.held ? `held${lock.message ? `: ${lock.message}` : ''}` : lock.stage}${lock.since ? ` · since ${timeOf(lock.since)}` : ''}`;
      item.tooltip = lock.held
        ? `${lock.holder} holds the release lock since ${lock.since} (lock hold)${lock.message ? `: "${lock.message}"` : ''}. Their stages go through; everyone else's are refused until they run \`bluegreen lock release\`.`
        : `${lock.holder} holds the release lock since ${lock.since} (${lock.stage}${lock.message ? `: ${lock.message}` : ''}). Release it only if that run is dead.`;
      item.iconPath = new vscode.ThemeIcon('lock', new vscode.ThemeColor('list.warningForeground'));
      return item;
    }
    case 'routers': {
      const item = new vscode.TreeItem('routers', Collapsed);
      item.id = `env/${node.envName}/routers`;
      const reachable = node.routers.filter((r) => r.reachable).length;
      const read = node.routers.some((r) => r.reachable !== undefined);
      const modes = [...new Set(node.routers.map((r) => r.mode).filter(Boolean))].join('/');
      const change = node.state ? ` · #${node.state.serial} ${node.state.stage} ${timeOf(node.state.changedAt)}` : '';
      item.description = read ? `${reachable}/${node.routers.length} reachable${modes ? ` · ${modes}` : ''}${change}` : `${node.routers.length} nginx`;
      item.tooltip = node.state ? `Last change: ${node.state.stage} by ${node.state.changedBy} at ${node.state.changedAt} (state #${node.state.serial})` : undefined;
      item.iconPath = new vscode.ThemeIcon('arrow-swap', read && reachable < node.routers.length ? new vscode.ThemeColor('list.errorForeground') : undefined);
      return item;
    }
    case 'router': {
      const { row } = node;
      const item = new vscode.TreeItem(row.name, None);
      item.id = `env/${node.envName}/routers/${row.name}`;
      if (row.reachable === false) {
        item.description = `unreachable: ${row.error ?? ''}`;
        item.iconPath = new vscode.ThemeIcon('error', new vscode.ThemeColor('list.errorForeground'));
      } else if (row.answering === false) {
        item.description = `nginx not answering · ${row.probe ?? ''}`;
        item.iconPath = new vscode.ThemeIcon('warning', new vscode.ThemeColor('list.warningForeground'));
      } else {
        item.description = row.reachable ? `${row.mode ?? ''} mode · state #${row.serial ?? '—'}${row.error ? ` · ${row.error}` : ''}` : row.address !== row.name ? row.address : undefined;
        item.iconPath = new vscode.ThemeIcon('server-process');
      }
      item.tooltip = row.error ?? row.address;
      return item;
    }
    case 'color': {
      const { row } = node;
      const item = new vscode.TreeItem(row.color, Expanded);
      item.id = `env/${node.envName}/${row.color}`;
      const parts: string[] = [];
      if (row.live !== undefined) parts.push(`${row.live ? 'live' : 'idle'} ${row.weight ?? 0}%${row.segments.length ? ` + ${row.segments.join(', ')}` : ''}`);
      const versions = Object.entries(row.versions).map(([app, v]) => `${app} ${v.join(',') || '—'}`);
      if (versions.length) parts.push(versions.join(', '));
      if (row.healthyHosts !== undefined) parts.push(`health ${row.healthyHosts}/${row.hosts.length}`);
      else parts.push(`${row.hosts.length} host${row.hosts.length === 1 ? '' : 's'}`);
      item.description = parts.join(' · ');
      item.iconPath = new vscode.ThemeIcon(row.live ? 'circle-filled' : 'circle-outline', colorTheme(row.color));
      const sick = row.hosts.filter((h) => h.healthy === false);
      item.tooltip = sick.length ? `Unhealthy: ${sick.map((h) => `${h.host} ${h.app} (${h.detail})`).join(', ')}` : undefined;
      return item;
    }
    case 'host': {
      const { row } = node;
      const item = new vscode.TreeItem(row.host, None);
      item.id = `env/${node.envName}/${node.color}/${row.host}/${row.app}`;
      const health = row.healthy === undefined ? '' : row.healthy ? ' · healthy' : ` · ${row.detail ?? 'unhealthy'}`;
      item.description = `${row.app}${row.version ? ` ${row.version}` : ''}${health}`;
      item.tooltip = row.detail;
      item.iconPath = row.healthy === undefined
        ? new vscode.ThemeIcon('vm')
        : row.healthy
          ? new vscode.ThemeIcon('pass-filled', new vscode.ThemeColor('testing.iconPassed'))
          : new vscode.ThemeIcon('error', new vscode.ThemeColor('testing.iconFailed'));
      return item;
    }
    case 'database': {
      const item = new vscode.TreeItem('database', None);
      item.id = `env/${node.envName}/database`;
      item.description = node.summary;
      item.tooltip = node.detail;
      item.iconPath = new vscode.ThemeIcon('database', node.problem ? new vscode.ThemeColor('list.warningForeground') : undefined);
      return item;
    }
    case 'configError': {
      const { error } = node;
      const item = new vscode.TreeItem(error.path ? `${error.path}: ${error.message}` : error.message, None);
      item.description = `${error.line}:${error.column}`;
      item.tooltip = `${error.file}:${error.line}:${error.column}`;
      item.iconPath = new vscode.ThemeIcon('error', new vscode.ThemeColor('list.errorForeground'));
      return item;
    }
  }
}

/** `14:03:12` today, the date otherwise: short enough for a description. */
function timeOf(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return date.toDateString() === new Date().toDateString() ? date.toLocaleTimeString() : date.toLocaleDateString();
}
