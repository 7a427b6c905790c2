import { Injectable } from '@nestjs/common';

// Counts messages being handled so shutdown can stop taking work and wait for the rest to finish.
@Injectable()
export class InFlightTracker {
  private active = 0;
  private waiters: Array<() => void> = [];
  private readonly stoppers = new Map<string, () => Promise<unknown>>();
  draining = false;

  // Registers how to stop taking new work (cancel a consumer); run once when draining starts.
  onDrain(key: string, stop: () => Promise<unknown>): void {
    if (!this.stoppers.has(key)) this.stoppers.set(key, stop);
  }

  begin(): () => void {
    this.active += 1;
    let ended = false;
    return () => {
      if (ended) return;
      ended = true;
      this.active -= 1;
      if (this.active === 0) this.waiters.splice(0).forEach((resolve) => resolve());
    };
  }

  get count(): number {
    return this.active;
  }

  // Resolves true when everything in flight finished, false when the grace period ran out first.
  async drain(graceMs: number): Promise<boolean> {
    this.draining = true;
    await Promise.all([...this.stoppers.values()].map((stop) => stop().catch(() => undefined)));
    if (this.active === 0) return true;
    return Promise.race([
      new Promise<boolean>((resolve) => this.waiters.push(() => resolve(true))),
      new Promise<boolean>((resolve) => setTimeout(() => resolve(false), graceMs).unref()),
    ]);
  }
}
