// Blue-Green: Open Traffic Panel — focuses the traffic panel's webview view (`bluegreen.traffic`,
// contributed by the panel). The status bar item runs this too.
import * as vscode from 'vscode';
import type { ExtensionServices } from '../services';

export async function run(services: ExtensionServices): Promise<boolean> {
  try {
    await vscode.commands.executeCommand('bluegreen.traffic.focus');
    return true;
  } catch (error) {
    services.output.appendLine(`Open Traffic Panel: ${(error as Error).message}`);
    void vscode.window.showInformationMessage('The traffic panel is not available in this build of the extension.');
    return false;
  }
}
