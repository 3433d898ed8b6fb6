// What the panel and the preview commands need from the extension. ExtensionServices satisfies
// it; keeping it this small lets the panel live beside the rest without depending on its details.
import type * as vscode from 'vscode';

export interface PanelHost {
  context: vscode.ExtensionContext;
  output: vscode.OutputChannel;
  /** The environment the status bar shows, when the extension has that notion. */
  selectedEnvironment?(): string;
}
