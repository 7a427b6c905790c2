import { RunCoalescer } from './run-coalescer.util';

// A task whose runs the test finishes by hand.
function controlledTask() {
  const runs: Array<{ resolve: (value: number) => void; reject: (error: Error) => void }> = [];
  const task = jest.fn(
    () =>
      new Promise<number>((resolve, reject) => {
        runs.push({ resolve, reject });
      }),
  );
  return { task, runs };
}

const settled = () => new Promise((resolve) => setImmediate(resolve));

describe('RunCoalescer', () => {
  it('should start a run at once when nothing runs', async () => {
    const sut = new RunCoalescer<number>();
    const { task, runs } = controlledTask();

    const result = sut.run(task);
    await settled();
    runs[0].resolve(1);

    await expect(result).resolves.toBe(1);
    expect(task).toHaveBeenCalledTimes(1);
  });

  it('should give every caller arriving during a run one shared next run, started only after the first ends', async () => {
    const sut = new RunCoalescer<number>();
    const { task, runs } = controlledTask();

    const first = sut.run(task);
    await settled();
    const waiting = [sut.run(task), sut.run(task), sut.run(task)];
    await settled();
    expect(task).toHaveBeenCalledTimes(1);

    runs[0].resolve(1);
    await settled();
    expect(task).toHaveBeenCalledTimes(2);
    runs[1].resolve(2);

    await expect(first).resolves.toBe(1);
    await expect(Promise.all(waiting)).resolves.toEqual([2, 2, 2]);
    expect(sut.busy).toBe(false);
  });

  it('should still start the next run when the running one fails', async () => {
    const sut = new RunCoalescer<number>();
    const { task, runs } = controlledTask();

    const first = sut.run(task);
    await settled();
    const second = sut.run(task);
    runs[0].reject(new Error('lock timeout'));
    await expect(first).rejects.toThrow('lock timeout');
    await settled();
    runs[1].resolve(2);

    await expect(second).resolves.toBe(2);
  });

  it('should refuse runIfIdle when a run is going or queued, and accept it once all are done', async () => {
    const sut = new RunCoalescer<number>();
    const { task, runs } = controlledTask();

    const first = sut.run(task);
    await settled();
    expect(sut.runIfIdle(task)).toBeUndefined();
    runs[0].resolve(1);
    await first;
    const idle = sut.runIfIdle(task);
    await settled();
    runs[1].resolve(3);

    await expect(idle).resolves.toBe(3);
  });

  it('should turn a task that throws synchronously into a rejected run and stay usable', async () => {
    const sut = new RunCoalescer<number>();

    await expect(
      sut.run(() => {
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    await expect(sut.run(() => Promise.resolve(4))).resolves.toBe(4);
  });
});
