import { Batcher } from './batcher.util';

// A handle whose batches the test finishes by hand.
function recordingHandle() {
  const batches: string[][] = [];
  const finish: Array<() => void> = [];
  const handle = (batch: string[]) => {
    batches.push(batch);
    return new Promise<void>((resolve) => finish.push(resolve));
  };
  return { batches, finish, handle };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('Batcher', () => {
  beforeEach(() => jest.useFakeTimers({ doNotFake: ['setImmediate'] }));
  afterEach(() => jest.useRealTimers());

  it('should hand over a batch as soon as it weighs maxSize when items keep coming', () => {
    const { batches, handle } = recordingHandle();
    const sut = new Batcher({ maxSize: 3, maxWaitMs: 1000, concurrency: 2 }, handle);

    ['a', 'b', 'c', 'd'].forEach((item) => sut.add(item));

    expect(batches).toEqual([['a', 'b', 'c']]);
  });

  it('should hand over a partial batch when its first item has waited maxWaitMs', () => {
    const { batches, handle } = recordingHandle();
    const sut = new Batcher({ maxSize: 100, maxWaitMs: 20, concurrency: 1 }, handle);

    sut.add('a');
    jest.advanceTimersByTime(19);
    expect(batches).toEqual([]);
    sut.add('b');
    jest.advanceTimersByTime(1);

    expect(batches).toEqual([['a', 'b']]);
  });

  it('should cut before an item that would push the batch over maxSize when items have weights', () => {
    const { batches, handle } = recordingHandle();
    const sut = new Batcher({ maxSize: 10, maxWaitMs: 1000, concurrency: 2 }, handle);

    sut.add('small', 4);
    sut.add('bulk', 8);

    expect(batches).toEqual([['small']]);
    sut.add('tiny', 2);
    expect(batches).toEqual([['small'], ['bulk', 'tiny']]);
  });

  it('should keep filling the waiting batch instead of cutting it small when every writer is busy', async () => {
    const { batches, finish, handle } = recordingHandle();
    const sut = new Batcher({ maxSize: 100, maxWaitMs: 10, concurrency: 1 }, handle);

    sut.add('a');
    jest.advanceTimersByTime(10);
    sut.add('b');
    jest.advanceTimersByTime(50);
    sut.add('c');
    expect(batches).toEqual([['a']]);

    finish[0]();
    await tick();

    expect(batches).toEqual([['a'], ['b', 'c']]);
  });

  it('should run at most `concurrency` batches at once and start the next when one finishes', async () => {
    const { batches, finish, handle } = recordingHandle();
    const sut = new Batcher({ maxSize: 1, maxWaitMs: 1000, concurrency: 2 }, handle);

    ['a', 'b', 'c'].forEach((item) => sut.add(item));
    expect(batches).toEqual([['a'], ['b']]);
    expect(sut.pending).toBe(3);

    finish[1]();
    await tick();

    expect(batches).toEqual([['a'], ['b'], ['c']]);
  });

  it('should hand over what was gathered when flushed, and resolve idle once every batch is done', async () => {
    const { batches, finish, handle } = recordingHandle();
    const sut = new Batcher({ maxSize: 100, maxWaitMs: 1000, concurrency: 1 }, handle);
    sut.add('a');
    let idle = false;
    const waiting = sut.idle().then(() => (idle = true));

    sut.flush();
    expect(batches).toEqual([['a']]);
    await tick();
    expect(idle).toBe(false);

    finish[0]();
    await waiting;
    expect(sut.pending).toBe(0);
  });
});
