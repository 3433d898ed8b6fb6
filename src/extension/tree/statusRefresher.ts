// Keeps a reading per environment and refreshes them in the background: requests are debounced,
// one read runs at a time per environment, and a request made while one runs is served by a
// second read afterwards. Nothing here blocks the editor; callers that need the fresh state (a
// stage that just ran, the tests) await refresh().
import * as vscode from 'vscode';
import { findEnvironment, type BluegreenConfig } from '../../core/model';
import { readEnvironment, type EnvironmentReading } from './environmentReading';
import { readSettings } from '../settings';

/** Bursts of Docker events (a sandbox coming up makes dozens) become one read. */
const DEBOUNCE_MS = 300;

interface Slot {
  reading: EnvironmentReading;
  running?: Promise<void>;
  /** Another read was asked for while one ran. */
  again: boolean;
  timer?: NodeJS.Timeout;
  waiters: Array<() => void>;
}

export class StatusRefresher implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<string>();
  /** Fires with the environment's name when its reading changes. */
  readonly onDidChange = this.changed.event;
  private readonly slots = new Map<string, Slot>();
  private config: BluegreenConfig | undefined;

  constructor(private readonly output: vscode.OutputChannel) {}

  /** A new config: environments it no longer has are forgotten, every other one is read again. */
  setConfig(config: BluegreenConfig | undefined): void {
    this.config = config;
    const names = new Set(config ? Object.keys(config.environments) : []);
    for (const [name, slot] of this.slots) {
      if (!names.has(name)) {
        clearTimeout(slot.timer);
        slot.waiters.forEach((w) => w());
        this.slots.delete(name);
      }
    }
    for (const name of names) void this.refresh(name, 0);
  }

  reading(envName: string): EnvironmentReading {
    return this.slots.get(envName)?.reading ?? { kind: 'pending' };
  }

  environments(): string[] {
    return this.config ? Object.keys(this.config.environments) : [];
  }

  /** Asks for a fresh read; resolves once a read that started after this call has finished. */
  refresh(envName: string, debounceMs = DEBOUNCE_MS): Promise<void> {
    if (!this.config || !findEnvironment(this.config, envName)) return Promise.resolve();
    let slot = this.slots.get(envName);
    if (!slot) {
      slot = { reading: { kind: 'pending' }, again: false, waiters: [] };
      this.slots.set(envName, slot);
    }
    const done = new Promise<void>((resolve) => slot.waiters.push(resolve));
    if (slot.running) {
      slot.again = true;
    } else {
      clearTimeout(slot.timer);
      slot.timer = setTimeout(() => this.start(envName), debounceMs);
    }
    return done;
  }

  refreshAll(debounceMs = DEBOUNCE_MS): Promise<void> {
    return Promise.all(this.environments().map((name) => this.refresh(name, debounceMs))).then(() => undefined);
  }

  private start(envName: string): void {
    const slot = this.slots.get(envName);
    const config = this.config;
    if (!slot || !config) return;
    slot.timer = undefined;
    slot.again = false;
    const waiters = slot.waiters.splice(0);
    slot.running = readEnvironment(config, envName, { settings: readSettings(), trusted: vscode.workspace.isTrusted })
      .catch((error: Error): EnvironmentReading => ({ kind: 'problem', at: Date.now(), problem: { reason: 'failed', message: error.message } }))
      .then((reading) => {
        // The config changed while this read ran: its result describes something that is gone.
        if (this.slots.get(envName) !== slot || this.config !== config) return;
        if (reading.kind === 'problem' && slot.reading.kind !== 'problem') {
          this.output.appendLine(`${envName}: ${reading.problem.message}`);
        }
        slot.reading = reading;
        this.changed.fire(envName);
      })
      .finally(() => {
        slot.running = undefined;
        waiters.forEach((w) => w());
        if (slot.again && this.slots.get(envName) === slot) {
          slot.again = false;
          this.start(envName);
        }
      });
  }

  dispose(): void {
    for (const slot of this.slots.values()) {
      clearTimeout(slot.timer);
      slot.waiters.forEach((w) => w());
    }
    this.slots.clear();
    this.changed.dispose();
  }
}
