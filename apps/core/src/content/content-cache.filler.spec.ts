import { MetricsService } from '@app/common';
import { ContentCacheFiller, FILL_WAIT_MS, FillPlan } from './content-cache.filler';
import { ContentCacheStore } from './content-cache.store';
import { ContentMetrics } from './content.metrics';

// The filler with its direct neighbour, the cache store, faked: a lock other replicas may hold, and a cache entry
// that lands when the test says so.
function fakeStore(lockHeldElsewhere = false) {
  return {
    tryLock: jest.fn(() => Promise.resolve(!lockHeldElsewhere)),
    unlock: jest.fn(() => Promise.resolve()),
  };
}

function plan(cache: { value: string | null }, overrides: Partial<FillPlan<string, string>> = {}): FillPlan<string, string> {
  return {
    kind: 'item',
    key: 'item:1:7',
    readCache: jest.fn(() => Promise.resolve(cache.value)),
    load: jest.fn(() => Promise.resolve('from-db')),
    store: jest.fn(() => Promise.resolve()),
    present: (loaded) => loaded,
    ...overrides,
  };
}

function filler(store: ReturnType<typeof fakeStore>) {
  const metrics = new ContentMetrics(new MetricsService());
  return { sut: new ContentCacheFiller(store as unknown as ContentCacheStore, metrics), metrics };
}

describe('ContentCacheFiller', () => {
  afterEach(() => jest.useRealTimers());

  it('should query, store and release the lock when it takes the lock on a cold key', async () => {
    const store = fakeStore();
    const { sut } = filler(store);
    const fill = plan({ value: null });

    await expect(sut.fill(fill)).resolves.toEqual({ value: 'from-db', source: 'database' });

    expect(fill.load).toHaveBeenCalledTimes(1);
    expect(fill.store).toHaveBeenCalledWith('from-db');
    expect(store.unlock).toHaveBeenCalledWith('item:1:7', expect.any(String));
  });

  it('should answer from the cache without querying when a fill landed between the miss and the lock', async () => {
    const { sut } = filler(fakeStore());
    const fill = plan({ value: 'filled-meanwhile' });

    await expect(sut.fill(fill)).resolves.toEqual({ value: 'filled-meanwhile', source: 'cache' });
    expect(fill.load).not.toHaveBeenCalled();
  });

  it("should wait for another replica's fill and answer from the cache when the lock is held elsewhere", async () => {
    const { sut, metrics } = filler(fakeStore(true));
    const cache = { value: null as string | null };
    const fill = plan(cache, { readCache: jest.fn(() => Promise.resolve((cache.value = 'filled-by-the-other'))) });

    await expect(sut.fill(fill)).resolves.toEqual({ value: 'filled-by-the-other', source: 'cache' });
    expect(fill.load).not.toHaveBeenCalled();
    expect((await metrics.sharedFills.get()).values).toEqual([expect.objectContaining({ labels: { scope: 'replicas' }, value: 1 })]);
  });

  it("should read the database itself when the other replica's fill has not landed within the wait", async () => {
    jest.useFakeTimers();
    const { sut, metrics } = filler(fakeStore(true));
    const fill = plan({ value: null });

    const filled = sut.fill(fill);
    await jest.advanceTimersByTimeAsync(FILL_WAIT_MS + 100);

    await expect(filled).resolves.toEqual({ value: 'from-db', source: 'database' });
    expect(fill.load).toHaveBeenCalledTimes(1);
    expect((await metrics.databaseReads.get()).values).toEqual([expect.objectContaining({ labels: { kind: 'item', reason: 'fallback' }, value: 1 })]);
  });

  it('should answer from the database and store nothing when Redis fails under the fill', async () => {
    const store = fakeStore();
    store.tryLock.mockRejectedValue(new Error('Connection is closed.'));
    const { sut } = filler(store);
    const fill = plan({ value: null });

    await expect(sut.fill(fill)).resolves.toEqual({ value: 'from-db', source: 'database' });
    expect(fill.store).not.toHaveBeenCalled();
  });

  it('should release the lock and pass the error on when the database read fails', async () => {
    const store = fakeStore();
    const { sut } = filler(store);
    const fill = plan({ value: null }, { load: jest.fn(() => Promise.reject(new Error('not found'))) });

    await expect(sut.fill(fill)).rejects.toThrow('not found');
    expect(store.unlock).toHaveBeenCalledTimes(1);
  });

  it('should share one query among concurrent fills of a key in this process', async () => {
    const { sut } = filler(fakeStore());
    const fill = plan({ value: null });

    const answers = await Promise.all([sut.fill(fill), sut.fill(fill), sut.fill(fill)]);

    expect(answers.map((answer) => answer.value)).toEqual(['from-db', 'from-db', 'from-db']);
    expect(fill.load).toHaveBeenCalledTimes(1);
  });
});
