// The editor's one LiveTraffic per environment (core/live), over the workspace's bluegreen.yaml.
// The panel uses it; the tree and the status bar can too, through `liveReaders()`, so all of
// them share one log stream per environment. The core classes come from the engine bundle.
import * as vscode from 'vscode';
import type { BluegreenConfig, Environment } from '../../core/model';
import type { EnvironmentHandle } from '../../core/environment/openEnvironment';
import type { LiveTraffic, LiveTrafficRegistry } from '../../core/live';
import { findWorkspaceConfig } from '../config/configFiles';
import { engine, type Engine } from '../engine';
import { describeConfigError, loadConfigFile } from '../config/configLoader';
import { environmentAccess } from '../editorAccess';
import { readSettings } from '../settings';
import { findEnvironment } from '../../core/model';

export class LiveReaders {
  private config: BluegreenConfig | undefined;
  private fingerprint = '';
  private readonly handles = new Map<string, EnvironmentHandle>();
  private readonly registry: LiveTrafficRegistry;

  constructor(private readonly core: Engine) {
    this.registry = new core.LiveTrafficRegistry((name) => new core.LiveTraffic(name, core.environmentSource(this.handle(name))));
  }

  /** Loads the workspace config again; readers of a changed config start over. */
  async reload(): Promise<BluegreenConfig> {
    const uri = await findWorkspaceConfig();
    if (!uri) throw new Error('no bluegreen.yaml in this workspace');
    const result = await loadConfigFile(uri.fsPath);
    if (!result.ok) throw new Error(`bluegreen.yaml is not valid: ${await describeConfigError(result.errors[0])}`);
    // The settings decide how environments are reached: a change starts the readers over too.
    const { dockerHost, sshPath } = readSettings();
    const fingerprint = JSON.stringify([result.config.environments, dockerHost, sshPath, vscode.workspace.isTrusted]);
    if (fingerprint !== this.fingerprint) {
      this.clear();
      this.fingerprint = fingerprint;
    }
    this.config = result.config;
    return result.config;
  }

  /** The config last loaded (reload() first). */
  get current(): BluegreenConfig | undefined {
    return this.config;
  }

  environment(name: string): Environment | undefined {
    return this.config && findEnvironment(this.config, name);
  }

  /** The shared reader of an environment of the loaded config. */
  reader(name: string): LiveTraffic {
    return this.registry.get(name);
  }

  /** An open handle on an environment of the loaded config (kept while the config is unchanged). */
  handle(name: string): EnvironmentHandle {
    let handle = this.handles.get(name);
    if (!handle) {
      if (!this.config) throw new Error('the config is not loaded yet');
      // As in the tree: the user's ssh and Docker settings, and nothing the workspace's file names
      // is contacted in Restricted Mode.
      const access = environmentAccess(this.config, name, readSettings(), vscode.workspace.isTrusted);
      if (!access.ok) throw new Error(`${name}: ${access.message}${access.hint ? `. ${access.hint}` : ''}`);
      handle = this.core.openEnvironment(access.config, name, { sshPath: access.sshPath });
      this.handles.set(name, handle);
    }
    return handle;
  }

  dispose(): void {
    this.clear();
  }

  private clear(): void {
    this.registry.clear();
    for (const handle of this.handles.values()) void handle.close();
    this.handles.clear();
  }
}

let shared: LiveReaders | undefined;

/** The extension's readers (loading the engine the first time); disposed with the extension (see registerTrafficPanel). */
export async function liveReaders(): Promise<LiveReaders> {
  const core = await engine();
  shared ??= new LiveReaders(core);
  return shared;
}

export function disposeLiveReaders(): void {
  shared?.dispose();
  shared = undefined;
}
