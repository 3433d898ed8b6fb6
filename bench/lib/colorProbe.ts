// Watches which color answers, request after request, through every router: the switch latency
// is from the stage call to the first response after which every response comes from the new
// color (responses ordered by arrival, header X-Bluegreen-Color).
import http from 'node:http';
import { performance } from 'node:perf_hooks';

interface Seen {
  receivedAt: number;
  color: string;
}

export class ColorProbe {
  private readonly seen: Seen[] = [];
  private stopped = false;
  private readonly agent = new http.Agent({ keepAlive: true });
  private loops: Promise<void>[] = [];

  /**
   * `concurrency` request loops per target, each sending the next request when one returns, and
   * with `paceMs`, no sooner than `paceMs` after the one before: an unpaced probe takes every core
   * it can get from the hosts it is timing.
   */
  constructor(private readonly targets: string[], private readonly path: string, private readonly concurrency = 2, private readonly paceMs = 0) {}

  start(): void {
    for (const target of this.targets) {
      for (let i = 0; i < this.concurrency; i++) this.loops.push(this.loop(target));
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all(this.loops);
    this.agent.destroy();
  }

  /**
   * Milliseconds from `calledAt` (performance.now()) until the responses settled on `color`,
   * waiting up to `timeoutMs` for `settleMs` of new-color-only responses. NaN if they never did.
   */
  async settledOn(color: string, calledAt: number, settleMs = 300, timeoutMs = 15_000): Promise<number> {
    const deadline = calledAt + timeoutMs;
    for (;;) {
      const after = this.seen.filter((s) => s.receivedAt >= calledAt);
      let lastOther = -1;
      after.forEach((s, i) => { if (s.color !== color) lastOther = i; });
      const first = after[lastOther + 1];
      if (first && performance.now() - first.receivedAt >= settleMs) return first.receivedAt - calledAt;
      if (performance.now() > deadline) return Number.NaN;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  /** Forget old responses (keeps memory flat across many switches). */
  trim(before: number): void {
    const keep = this.seen.filter((s) => s.receivedAt >= before);
    this.seen.length = 0;
    this.seen.push(...keep);
  }

  private async loop(target: string): Promise<void> {
    while (!this.stopped) {
      const sentAt = performance.now();
      const color = await new Promise<string>((resolve) => {
        const request = http.get(`${target}${this.path}`, { agent: this.agent, timeout: 5000 }, (response) => {
          response.resume();
          response.on('end', () => resolve(String(response.headers['x-bluegreen-color'] ?? 'unknown')));
          response.on('error', () => resolve('error'));
        });
        request.on('timeout', () => request.destroy());
        request.on('error', () => resolve('error'));
      });
      this.seen.push({ receivedAt: performance.now(), color });
      const wait = Math.max(color === 'error' ? 10 : 0, this.paceMs - (performance.now() - sentAt));
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    }
  }
}
