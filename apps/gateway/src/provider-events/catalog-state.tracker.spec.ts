import { Logger } from '@nestjs/common';
import { PROVIDER_CATALOG_STATE_KEY } from '@app/contracts';
import { CatalogStateTracker } from './catalog-state.tracker';

describe('CatalogStateTracker', () => {
  let now: number;
  let stored: string | null | Error;
  let redis: { get: jest.Mock };
  let sut: CatalogStateTracker;

  const state = (version: string, syncedAt: string | null = '2026-12-01T10:00:00.000Z') => JSON.stringify({ catalog_version: version, synced_at: syncedAt });

  beforeEach(() => {
    jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
    now = 1_000_000;
    stored = state('1');
    redis = { get: jest.fn(async () => (stored instanceof Error ? Promise.reject(stored) : stored)) };
    sut = new CatalogStateTracker(redis, { now: () => now });
  });
  afterEach(() => jest.restoreAllMocks());

  it('should read the state from Redis once for every caller waiting on the same read', async () => {
    const answers = await Promise.all([sut.refresh(), sut.refresh(), sut.refresh()]);

    expect(answers).toEqual(Array(3).fill({ catalog_version: '1', synced_at: '2026-12-01T10:00:00.000Z' }));
    expect(redis.get).toHaveBeenCalledTimes(1);
    expect(redis.get).toHaveBeenCalledWith(PROVIDER_CATALOG_STATE_KEY);
  });

  it('should answer from memory for a second after a read, then read Redis again and see a new version', async () => {
    await sut.refresh();
    stored = state('2', '2026-12-01T10:00:30.000Z');

    now += 999;
    expect(sut.current()).toEqual({ catalog_version: '1', synced_at: '2026-12-01T10:00:00.000Z' });
    expect(await sut.refresh()).toEqual({ catalog_version: '1', synced_at: '2026-12-01T10:00:00.000Z' });
    now += 1;
    expect(sut.current()).toBeUndefined();
    expect(await sut.refresh()).toEqual({ catalog_version: '2', synced_at: '2026-12-01T10:00:30.000Z' });
    expect(redis.get).toHaveBeenCalledTimes(2);
  });

  it('should answer undefined, and not ask Redis again within the second, when Redis has no state or is down', async () => {
    stored = null;
    expect(await sut.refresh()).toBeUndefined();
    expect(await sut.refresh()).toBeUndefined();
    expect(redis.get).toHaveBeenCalledTimes(1);

    now += 1000;
    stored = new Error('Connection is closed.');
    expect(await sut.refresh()).toBeUndefined();
    expect(redis.get).toHaveBeenCalledTimes(2);
  });

  it("should go by core's state for a second when Redis has none", async () => {
    stored = null;
    await sut.refresh();

    sut.observe({ catalog_version: '5', synced_at: null });

    expect(sut.current()).toEqual({ catalog_version: '5', synced_at: null });
    now += 1000;
    expect(sut.current()).toBeUndefined();
  });

  it("should take core's state over the one from Redis only when it is a newer version", async () => {
    stored = state('9007199254740993');
    await sut.refresh();

    sut.observe({ catalog_version: '9007199254740992', synced_at: null });
    expect(sut.current()?.catalog_version).toBe('9007199254740993');
    sut.observe({ catalog_version: '9007199254740994', synced_at: '2026-12-01T10:00:01.000Z' });
    expect(sut.current()).toEqual({ catalog_version: '9007199254740994', synced_at: '2026-12-01T10:00:01.000Z' });
  });

  it('should ignore a malformed state in Redis and normalise synced_at to ISO 8601 UTC', async () => {
    for (const raw of ['not json', '{"catalog_version":"x1","synced_at":null}', '{"catalog_version":"2","synced_at":"yesterday"}', '[]', 'null']) {
      stored = raw;
      now += 1000;
      expect({ raw, state: await sut.refresh() }).toEqual({ raw, state: undefined });
    }
    stored = '{"catalog_version":12,"synced_at":"2026-12-01T11:00:00+01:00"}';
    now += 1000;

    expect(await sut.refresh()).toEqual({ catalog_version: '12', synced_at: '2026-12-01T10:00:00.000Z' });
  });
});
