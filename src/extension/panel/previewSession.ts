// The editor's one preview at a time: "Preview Green" starts a local proxy to a router with the
// preview rule applied and opens it in the browser; "Stop Preview", a new preview, or the
// extension's deactivation closes it.
import * as vscode from 'vscode';
import type { Color } from '../../core/model';
import type { PreviewProxy } from '../../core/preview';
import { engine } from '../engine';
import { liveReaders } from './liveReaders';
import type { PanelHost } from './panelHost';

let active: PreviewProxy | undefined;
let registeredCleanup = false;

/** The running preview, if any. */
export function activePreview(): PreviewProxy | undefined {
  return active;
}

export async function stopPreview(): Promise<boolean> {
  const proxy = active;
  active = undefined;
  if (!proxy) return false;
  await proxy.close();
  return true;
}

async function chooseEnvironment(host: PanelHost, environments: Record<string, { kind: string }>): Promise<string | undefined> {
  const names = Object.keys(environments);
  const selected = host.selectedEnvironment?.();
  if (selected && names.includes(selected)) return selected;
  if (names.length <= 1) return names[0];
  return vscode.window.showQuickPick(names, { title: 'Preview which environment?' });
}

/** Starts a preview and opens it; a failure (no sandbox running, no config) is shown, not thrown. */
export async function startPreview(host: PanelHost, color: Color): Promise<PreviewProxy | undefined> {
  try {
    return await openPreview(host, color);
  } catch (error) {
    const message = `Preview ${color}: ${(error as Error).message}`;
    host.output.appendLine(message);
    void vscode.window.showErrorMessage(message);
    return undefined;
  }
}

async function openPreview(host: PanelHost, color: Color): Promise<PreviewProxy | undefined> {
  const [core, readers] = await Promise.all([engine(), liveReaders()]);
  const config = await readers.reload();
  const environment = await chooseEnvironment(host, config.environments);
  if (!environment) return undefined;
  const [target] = await core.routerUrls(readers.handle(environment));
  await stopPreview();
  const proxy = await core.startPreviewProxy({ target, color, preview: config.traffic.preview });
  active = proxy;
  if (!registeredCleanup) {
    registeredCleanup = true;
    host.context.subscriptions.push({ dispose: () => void stopPreview() });
  }
  host.output.appendLine(`Preview of ${color} in ${environment}: ${proxy.url} → ${target} with ${config.traffic.preview.header}: ${color}`);
  await vscode.env.openExternal(vscode.Uri.parse(proxy.url));
  void vscode.window.showInformationMessage(`Previewing ${color} (${environment}) at ${proxy.url}`, 'Stop Preview').then((answer) => {
    if (answer === 'Stop Preview' && active === proxy) void stopPreview();
  });
  return proxy;
}
