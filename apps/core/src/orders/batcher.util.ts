export interface BatcherOptions {
  maxSize: number; // a batch is cut as soon as its items weigh this much
  maxWaitMs: number; // ... or once its first item has waited this long and a writer is free
  concurrency: number; // batches handled at once
}

// Gathers items into batches of up to `maxSize` (by weight) or `maxWaitMs`, and hands each to `handle` with at
// most `concurrency` running. While every writer is busy a waiting batch keeps filling instead of being cut
// small, so a slow store gets bigger batches rather than a queue of small ones. `handle` must not reject.
export class Batcher<T> {
  private current: T[] = [];
  private weight = 0;
  private timer?: NodeJS.Timeout;
  private expired = false;
  private running = 0;
  private readonly ready: T[][] = [];
  private idleWaiters: Array<() => void> = [];

  constructor(
    private readonly options: BatcherOptions,
    private readonly handle: (batch: T[]) => Promise<void>,
  ) {}

  add(item: T, weight = 1): void {
    if (this.current.length > 0 && this.weight + weight > this.options.maxSize) this.cut();
    this.current.push(item);
    this.weight += weight;
    if (this.weight >= this.options.maxSize) this.cut();
    else this.timer ??= setTimeout(() => this.onExpired(), this.options.maxWaitMs);
  }

  // Closes the batch being gathered now (shutdown, a new channel), whatever its size.
  flush(): void {
    this.cut();
  }

  // Batches cut and not finished, plus the one gathering.
  get pending(): number {
    return this.running + this.ready.length + (this.current.length > 0 ? 1 : 0);
  }

  // Resolves once nothing is gathering, waiting or running.
  idle(): Promise<void> {
    if (this.pending === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private onExpired(): void {
    this.timer = undefined;
    this.expired = true;
    if (this.running < this.options.concurrency && this.ready.length === 0) this.cut();
  }

  private cut(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.expired = false;
    if (this.current.length === 0) return;
    this.ready.push(this.current);
    this.current = [];
    this.weight = 0;
    this.pump();
  }

  private pump(): void {
    while (this.running < this.options.concurrency && this.ready.length > 0) {
      const batch = this.ready.shift()!;
      this.running += 1;
      void this.handle(batch).finally(() => {
        this.running -= 1;
        if (this.ready.length === 0 && this.expired) this.cut();
        else this.pump();
        if (this.pending === 0) this.idleWaiters.splice(0).forEach((resolve) => resolve());
      });
    }
  }
}
