// In-process coalescing: concurrent calls with the same key share one run of `work` and its outcome (value or
// error). The entry is dropped when the run settles, so a later call starts afresh.
export class SingleFlight<T> {
  private readonly flights = new Map<string, Promise<T>>();

  run(key: string, work: () => Promise<T>, onJoin?: () => void): Promise<T> {
    const current = this.flights.get(key);
    if (current) {
      onJoin?.();
      return current;
    }
    const flight = work().finally(() => this.flights.delete(key));
    this.flights.set(key, flight);
    return flight;
  }

  get size(): number {
    return this.flights.size;
  }
}
