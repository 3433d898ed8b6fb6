// One LiveTraffic per environment, so the panel, the tree and the status bar share one log
// stream instead of each opening its own.
import { LiveTraffic } from './liveTraffic';

export class LiveTrafficRegistry {
  private readonly readers = new Map<string, LiveTraffic>();

  constructor(private readonly create: (environment: string) => LiveTraffic) {}

  /** The reader of `environment`, created on first use (it streams only while subscribed). */
  get(environment: string): LiveTraffic {
    let reader = this.readers.get(environment);
    if (!reader) {
      reader = this.create(environment);
      this.readers.set(environment, reader);
    }
    return reader;
  }

  /** Drops every reader (e.g. the config changed and environments may point elsewhere). */
  clear(): void {
    for (const reader of this.readers.values()) reader.dispose();
    this.readers.clear();
  }

  dispose(): void {
    this.clear();
  }
}
