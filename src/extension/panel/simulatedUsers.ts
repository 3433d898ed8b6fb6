// The sandbox's simulated users, one generator for the editor: the side panel and the panel's
// editor tab both start, stop and show the same run (two tabs never send twice the load).
// Made on first use (the engine is loaded by then); disposed with the panel's registration.
import type { TrafficControl, TrafficControlView } from '../../core/live';
import type { Engine } from '../engine';

type Listener = (view: TrafficControlView) => void;

class SimulatedUsers {
  private control: TrafficControl | undefined;
  private readonly listeners = new Set<Listener>();

  /** The generator, made with the engine's TrafficControl the first time. */
  generator(core: Engine): TrafficControl {
    if (!this.control) {
      this.control = new core.TrafficControl();
      this.control.onChange((view) => { for (const listener of this.listeners) listener(view); });
    }
    return this.control;
  }

  view(core: Engine): TrafficControlView {
    return this.control?.view() ?? core.IDLE_TRAFFIC;
  }

  /** Every change of the run (counts, started, stopped), whichever panel started it. */
  onChange(listener: Listener): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  async stop(): Promise<void> {
    await this.control?.stop();
  }

  dispose(): void {
    this.listeners.clear();
    void this.control?.dispose();
    this.control = undefined;
  }
}

let shared: SimulatedUsers | undefined;

export function simulatedUsers(): SimulatedUsers {
  shared ??= new SimulatedUsers();
  return shared;
}

export function disposeSimulatedUsers(): void {
  shared?.dispose();
  shared = undefined;
}
