// Blue-Green: Create bluegreen.yaml — the editor's `bluegreen init` (src/core/init, the same engine
// as the CLI): looks at the workspace folder for apps (package.json with a start script or a bin,
// a runnable jar, pom.xml, build.gradle), asks in input boxes for a port or health path it cannot
// find, where the CLI asks in the terminal, writes the commented config for them, opens it and
// fills the tree. When it recognises nothing it says what it looks for and offers the starter
// config (two sample apps and a sandbox, to edit). Never overwrites a file.
import * as vscode from 'vscode';
import { promises as fs } from 'node:fs';
import type { InitApp } from '../../core/init';
import { CONFIG_FILE_NAME } from '../config/configFiles';
import { STARTER_CONFIG } from '../config/starterConfig';
import { engine } from '../engine';
import type { ExtensionServices } from '../services';

/** From other code and the tests: answers to what the command would ask, so nothing waits for a person. */
export interface CreateConfigOptions {
  /** Answers to init's questions in the order it asks them (per app found: port, then health path); '' takes the default. */
  answers?: string[];
  /** When nothing is recognised: write the starter config (true) or not (false), instead of asking. */
  starter?: boolean;
}

const TITLE = 'Create bluegreen.yaml';
const WRITE_STARTER = 'Write Starter Config';

/** Escape in an input box: the person stopped; nothing is written. */
class Cancelled extends Error {}

export async function run(services: ExtensionServices, ...args: unknown[]): Promise<vscode.Uri | undefined> {
  const options = optionsOf(args[0]);
  const folder = await chooseFolder();
  if (!folder) {
    void vscode.window.showWarningMessage('Open a folder first: bluegreen.yaml lives at the root of a workspace folder.');
    return undefined;
  }
  const uri = vscode.Uri.joinPath(folder.uri, CONFIG_FILE_NAME);
  if (await vscode.workspace.fs.stat(uri).then(() => true, () => false)) {
    services.output.appendLine(`${uri.fsPath} exists already: opened it (${TITLE} never overwrites a file)`);
    void vscode.window.showInformationMessage(`${CONFIG_FILE_NAME} exists already in ${folder.name}: opened it. ${TITLE} never overwrites a file.`);
    return opened(services, uri);
  }
  const core = await engine();
  // init reads the folder from disk; a folder of another scheme (a virtual workspace) gets the starter.
  const found = folder.uri.scheme === 'file' ? core.detectApps(folder.uri.fsPath) : [];
  if (found.length === 0) {
    const write = options.starter ?? await offerStarter(folder, core.LOOKS_FOR);
    if (!write) return undefined;
    if (!(await writeNew(uri, STARTER_CONFIG))) return refuseExisting(services, uri);
    services.output.appendLine(`Created ${uri.fsPath} from the starter config (nothing in ${folder.uri.fsPath} was recognised as an app)`);
    return opened(services, uri);
  }

  const answers = [...(options.answers ?? [])];
  const ask = async (question: string, fallback: string): Promise<string | undefined> => {
    if (options.answers) return answers.shift() ?? '';
    const value = await vscode.window.showInputBox({
      title: `${TITLE}: ${found.map((a) => a.name).join(', ')}`,
      prompt: `${question} (Enter takes ${fallback}, written marked "# check")`,
      value: fallback,
      ignoreFocusOut: true,
    });
    if (value === undefined) throw new Cancelled();
    return value;
  };
  try {
    const result = await core.writeInitConfig(folder.uri.fsPath, { ask });
    for (const line of describeResult(result.file, result.apps)) services.output.appendLine(line);
    const checks = result.apps.filter((a) => a.needsCheck).map((a) => a.name);
    void vscode.window.showInformationMessage(`Created ${CONFIG_FILE_NAME} for ${result.apps.map((a) => a.name).join(', ')}${checks.length ? `: check the lines marked "# check" (${checks.join(', ')})` : ''}. Your build must make the tarball each artifact: line names (docs/your-app.md).`);
    return opened(services, uri);
  } catch (error) {
    if (error instanceof Cancelled) {
      services.output.appendLine(`${TITLE}: cancelled, nothing written`);
      return undefined;
    }
    if (error instanceof core.BluegreenError) {
      const hint = (error as { hint?: string }).hint;
      void vscode.window.showErrorMessage(`${TITLE}: ${error.message}${hint ? ` — ${hint}` : ''}`);
      services.output.appendLine(`${TITLE}: ${error.message}`);
      return undefined;
    }
    throw error;
  }
}

/** What the CLI's `bluegreen init` prints, for the output channel. */
function describeResult(file: string, apps: InitApp[]): string[] {
  return [
    `Created ${file} with ${apps.length} app(s):`,
    ...apps.map((a) => `  ${a.name}: ${a.runtime}, port ${a.port} (${a.portFrom}), health ${a.health} (${a.healthFrom}) — ${a.evidence}`),
  ];
}

/** Says what init looks for; resolves true when the person wants the starter config instead. */
async function offerStarter(folder: vscode.WorkspaceFolder, looksFor: readonly string[]): Promise<boolean> {
  const choice = await vscode.window.showWarningMessage(
    `Nothing in ${folder.name} is recognised as an app. Write the starter config (two sample apps and a sandbox) to edit instead?`,
    { modal: true, detail: `${TITLE} looks for, at the top of the folder or one folder down:\n${looksFor.map((l) => `• ${l}`).join('\n')}\n\nSee docs/your-app.md for what the product needs from your app.` },
    WRITE_STARTER,
  );
  return choice === WRITE_STARTER;
}

/** Writes `text` only where no file is, even one that appeared meanwhile; false when one is there. */
async function writeNew(uri: vscode.Uri, text: string): Promise<boolean> {
  if (uri.scheme === 'file') {
    try {
      await fs.writeFile(uri.fsPath, text, { flag: 'wx' });
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw error;
    }
  }
  if (await vscode.workspace.fs.stat(uri).then(() => true, () => false)) return false;
  await vscode.workspace.fs.writeFile(uri, Buffer.from(text, 'utf8'));
  return true;
}

async function refuseExisting(services: ExtensionServices, uri: vscode.Uri): Promise<vscode.Uri> {
  services.output.appendLine(`${uri.fsPath} appeared meanwhile: opened it, nothing overwritten`);
  return opened(services, uri);
}

async function opened(services: ExtensionServices, uri: vscode.Uri): Promise<vscode.Uri> {
  await vscode.window.showTextDocument(uri);
  await services.environments.refresh();
  return uri;
}

function optionsOf(value: unknown): CreateConfigOptions {
  if (typeof value !== 'object' || value === null || Array.isArray(value) || value instanceof vscode.Uri) return {};
  const { answers, starter } = value as CreateConfigOptions;
  return {
    ...(Array.isArray(answers) ? { answers: answers.map(String) } : {}),
    ...(typeof starter === 'boolean' ? { starter } : {}),
  };
}

async function chooseFolder(): Promise<vscode.WorkspaceFolder | undefined> {
  const folders = vscode.workspace.workspaceFolders ?? [];
  if (folders.length <= 1) return folders[0];
  return vscode.window.showWorkspaceFolderPick({ placeHolder: 'Where should bluegreen.yaml go?' });
}
