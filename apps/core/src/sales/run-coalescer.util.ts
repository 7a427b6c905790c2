// At most one run at a time in this process. A caller arriving while one runs gets the next run, which starts
// after the running one ends (so it sees everything committed before the caller asked), and every caller
// arriving meanwhile shares that next run: any number of concurrent callers costs at most two runs, and this
// process never holds more than one database connection for them.
export class RunCoalescer<T> {
  private current?: Promise<T>;
  private next?: Promise<T>;

  get busy(): boolean {
    return this.current !== undefined || this.next !== undefined;
  }

  run(task: () => Promise<T>): Promise<T> {
    if (!this.current) return this.start(task);
    this.next ??= this.current
      .then(
        () => undefined,
        () => undefined,
      )
      .then(() => {
        this.next = undefined;
        return this.start(task);
      });
    return this.next;
  }

  // Runs the task only when nothing runs or waits here; undefined when something does.
  runIfIdle(task: () => Promise<T>): Promise<T> | undefined {
    return this.busy ? undefined : this.start(task);
  }

  private start(task: () => Promise<T>): Promise<T> {
    const run: Promise<T> = Promise.resolve()
      .then(task)
      .finally(() => {
        if (this.current === run) this.current = undefined;
      });
    this.current = run;
    return run;
  }
}
