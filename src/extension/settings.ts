// The extension's settings (package.json `contributes.configuration`), read fresh each time so a
// change applies without a reload. dockerHost and sshPath are restricted configurations: in an
// untrusted workspace VS Code ignores the workspace's values for them.
import * as vscode from 'vscode';

export interface BluegreenSettings {
  defaultEnvironment: string;
  dockerHost: string;
  sshPath: string;
  pollSeconds: number;
}

export function readSettings(): BluegreenSettings {
  const config = vscode.workspace.getConfiguration('bluegreen');
  return {
    defaultEnvironment: config.get<string>('defaultEnvironment') || 'sandbox',
    dockerHost: config.get<string>('dockerHost') ?? '',
    sshPath: config.get<string>('sshPath') || 'ssh',
    pollSeconds: Math.max(0, config.get<number>('pollSeconds') ?? 30),
  };
}

export async function setDefaultEnvironment(name: string): Promise<void> {
  const target = vscode.workspace.workspaceFolders?.length ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
  await vscode.workspace.getConfiguration('bluegreen').update('defaultEnvironment', name, target);
}
