// Refreshes sandbox environments when their containers change: the engine's event stream,
// filtered to containers labelled `bluegreen.sandbox`, names the environment in that label.
// Exec events are left out — reading the state runs execs, which would refresh forever.
import type * as vscode from 'vscode';
import { engine } from '../engine';

const RECONNECT_MS = 5_000;

interface DockerEvent {
  Type?: string;
  Action?: string;
  Actor?: { Attributes?: Record<string, string> };
}

export class SandboxEventWatcher implements vscode.Disposable {
  private readonly streams = new Map<string, { destroy(): void }>();
  private readonly retries = new Map<string, NodeJS.Timeout>();
  private disposed = false;

  constructor(private readonly onSandboxChanged: (envName: string) => void, private readonly output: vscode.OutputChannel) {}

  /** Watches each engine once; a second call for the same engine does nothing. */
  watch(dockerHost: string): void {
    if (this.disposed || this.streams.has(dockerHost) || this.retries.has(dockerHost)) return;
    void this.connect(dockerHost);
  }

  isWatching(dockerHost: string): boolean {
    return this.streams.has(dockerHost);
  }

  private async connect(dockerHost: string): Promise<void> {
    try {
      const core = await engine();
      const docker = core.connectDocker(dockerHost);
      const stream = (await docker.getEvents({ filters: { type: ['container'], label: [core.LABEL_SANDBOX] } })) as NodeJS.ReadableStream & { destroy(): void };
      if (this.disposed) {
        stream.destroy();
        return;
      }
      this.streams.set(dockerHost, stream);
      let rest = '';
      stream.on('data', (chunk: Buffer) => {
        const lines = (rest + chunk.toString('utf8')).split('\n');
        rest = lines.pop() ?? '';
        for (const line of lines) this.handle(line, core.LABEL_SANDBOX);
      });
      const ended = () => {
        if (this.streams.get(dockerHost) !== stream) return;
        this.streams.delete(dockerHost);
        this.retry(dockerHost);
      };
      stream.on('end', ended);
      stream.on('error', ended);
    } catch (error) {
      this.output.appendLine(`Docker events (${dockerHost || 'default engine'}): ${(error as Error).message}; retrying`);
      this.retry(dockerHost);
    }
  }

  private handle(line: string, label: string): void {
    if (!line.trim()) return;
    try {
      const event = JSON.parse(line) as DockerEvent;
      if (event.Action?.startsWith('exec_')) return;
      const envName = event.Actor?.Attributes?.[label];
      if (envName) this.onSandboxChanged(envName);
    } catch {
      // not a whole JSON event; the engine sends one per line
    }
  }

  private retry(dockerHost: string): void {
    if (this.disposed) return;
    this.retries.set(dockerHost, setTimeout(() => {
      this.retries.delete(dockerHost);
      void this.connect(dockerHost);
    }, RECONNECT_MS));
  }

  dispose(): void {
    this.disposed = true;
    for (const timer of this.retries.values()) clearTimeout(timer);
    for (const stream of this.streams.values()) stream.destroy();
    this.streams.clear();
  }
}
