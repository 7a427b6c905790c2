import { Logger } from '@nestjs/common';
import { MetricsService } from '@app/common';
import { PROVIDER_PATTERNS, ProviderEventHit, SearchProviderEventsPayload, SearchProviderEventsReply } from '@app/contracts';
import { CoreClient } from '../core-client/core.client';
import { CatalogStateTracker } from './catalog-state.tracker';
import { ProviderEventsCache } from './provider-events.cache';
import { SearchProviderEventsUseCase } from './search-provider-events.use-case';

const ms = (iso: string) => Date.parse(iso);

function hit(id: string, startsAt: string, endsAt: string): ProviderEventHit {
  return {
    id,
    title: id,
    start_date: '2026-01-10',
    start_time: '10:00:00',
    end_date: '2026-01-10',
    end_time: '11:00:00',
    min_price: 1,
    max_price: 2,
    starts_at: startsAt,
    ends_at: endsAt,
  };
}

// What core would answer for a catalog: containment on the (widened) bounds it is sent.
function coreOver(catalog: { version: string; syncedAt: string | null; hits: ProviderEventHit[] }) {
  return jest.fn(async (pattern: string, payload: SearchProviderEventsPayload): Promise<SearchProviderEventsReply> => {
    expect(pattern).toBe(PROVIDER_PATTERNS.search);
    const events = catalog.hits.filter((event) => (!payload.starts_at || event.starts_at >= payload.starts_at) && (!payload.ends_at || event.ends_at <= payload.ends_at));
    return { events, synced_at: catalog.syncedAt, catalog_version: catalog.version, truncated: false };
  });
}

describe('SearchProviderEventsUseCase', () => {
  let now: number;
  let redisState: string | null;
  let catalog: { version: string; syncedAt: string | null; hits: ProviderEventHit[] };
  let send: ReturnType<typeof coreOver>;
  let redis: { get: jest.Mock };
  let sut: SearchProviderEventsUseCase;

  const ids = (body: Buffer) => (JSON.parse(body.toString('utf8')) as { data: { events: Array<{ id: string }> } }).data.events.map((event) => event.id);
  const morning = { startsAt: ms('2026-01-10T09:00:00Z'), endsAt: ms('2026-01-10T11:00:00Z') };

  beforeEach(() => {
    jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    now = 5_000_000;
    catalog = {
      version: '3',
      syncedAt: '2026-12-01T10:00:00.000Z',
      hits: [hit('a', '2026-01-10T09:00:00.000Z', '2026-01-10T10:00:00.000Z'), hit('b', '2026-01-10T10:30:00.000Z', '2026-01-10T12:00:00.000Z')],
    };
    redisState = JSON.stringify({ catalog_version: '3', synced_at: '2026-12-01T10:00:05.000Z' });
    redis = { get: jest.fn(async () => redisState) };
    send = coreOver(catalog);
    const clock = { now: () => now };
    sut = new SearchProviderEventsUseCase(
      { send } as unknown as CoreClient,
      new CatalogStateTracker(redis, clock),
      new ProviderEventsCache({ maxEntries: 100, maxBytes: 1_000_000, ttlMs: 60_000, clock }),
      new MetricsService(),
    );
  });
  afterEach(() => jest.restoreAllMocks());

  it('should answer the contract envelope from core on a miss, asking for the range widened to whole UTC days', async () => {
    const answer = await sut.execute(morning, 'req-1');

    expect({ ...answer, body: answer.body.toString('utf8') }).toEqual({
      body: '{"data":{"events":[{"id":"a","title":"a","start_date":"2026-01-10","start_time":"10:00:00","end_date":"2026-01-10","end_time":"11:00:00","min_price":1,"max_price":2}]},"error":null}',
      syncedAt: '2026-12-01T10:00:05.000Z', // the later of core's and Redis's
      cache: 'MISS',
      truncated: false,
    });
    expect(send).toHaveBeenCalledWith(PROVIDER_PATTERNS.search, { starts_at: '2026-01-10T00:00:00.000Z', ends_at: '2026-01-11T00:00:00.000Z' }, 'req-1');
  });

  it('should answer any range within the same UTC days from the cache, filtered exactly, without Redis or core', async () => {
    await sut.execute(morning, 'req-1');
    const reads = redis.get.mock.calls.length;

    const same = await sut.execute(morning, 'req-2');
    const wider = await sut.execute({ startsAt: ms('2026-01-10T00:00:00Z'), endsAt: ms('2026-01-10T12:00:00Z') }, 'req-3');
    const later = await sut.execute({ startsAt: ms('2026-01-10T09:00:00.001Z') }, 'req-4');

    expect([same, wider].map((answer) => [answer.cache, ids(answer.body)])).toEqual([
      ['HIT', ['a']],
      ['HIT', ['a', 'b']],
    ]);
    expect(ids(later.body)).toEqual(['b']);
    expect(send).toHaveBeenCalledTimes(2); // the morning's bucket, then the open-ended one
    expect(redis.get).toHaveBeenCalledTimes(reads);
    // The freshness on a hit is Redis's: the last sync, changed or not.
    expect(same.syncedAt).toBe('2026-12-01T10:00:05.000Z');
  });

  it('should ask core once for every request waiting on the same bucket', async () => {
    const answers = await Promise.all([sut.execute(morning, 'r1'), sut.execute({ startsAt: morning.startsAt }, 'r2'), sut.execute(morning, 'r3')]);

    expect(answers.map((answer) => ids(answer.body))).toEqual([['a'], ['a', 'b'], ['a']]);
    expect(send).toHaveBeenCalledTimes(2);
  });

  it('should show the rows of a sync that changed the catalog within a second of its state reaching Redis', async () => {
    await sut.execute(morning, 'r1');
    catalog.hits.push(hit('c', '2026-01-10T09:30:00.000Z', '2026-01-10T10:30:00.000Z'));
    catalog.version = '4';
    redisState = JSON.stringify({ catalog_version: '4', synced_at: '2026-12-01T10:01:00.000Z' });

    now += 999;
    expect(ids((await sut.execute(morning, 'r2')).body)).toEqual(['a']);
    now += 1;
    const fresh = await sut.execute(morning, 'r3');

    expect([fresh.cache, ids(fresh.body), fresh.syncedAt]).toEqual(['MISS', ['a', 'c'], '2026-12-01T10:01:00.000Z']);
    expect((await sut.execute(morning, 'r4')).cache).toBe('HIT');
  });

  it('should go by the newer version core answered with while Redis still names the older one', async () => {
    catalog.version = '4'; // the sync committed; its state is not in Redis yet

    const first = await sut.execute(morning, 'r1');
    const second = await sut.execute(morning, 'r2');

    expect([first.cache, second.cache]).toEqual(['MISS', 'HIT']);
    expect(send).toHaveBeenCalledTimes(1);
  });

  it("should still answer, and cache under core's version for a second, when Redis has no state or is down", async () => {
    redisState = null;
    const first = await sut.execute(morning, 'r1');
    const second = await sut.execute(morning, 'r2');
    redis.get.mockRejectedValue(new Error('Connection is closed.'));
    now += 1000;
    const third = await sut.execute(morning, 'r3');

    expect([first.cache, second.cache, third.cache]).toEqual(['MISS', 'HIT', 'MISS']);
    expect(ids(third.body)).toEqual(['a']);
    expect(third.syncedAt).toBe('2026-12-01T10:00:00.000Z');
  });

  it('should fail with what core failed with, and ask again on the next request', async () => {
    send.mockRejectedValueOnce(Object.assign(new Error('The core service did not answer in time'), { code: 'UPSTREAM_TIMEOUT' }));

    await expect(sut.execute(morning, 'r1')).rejects.toMatchObject({ code: 'UPSTREAM_TIMEOUT' });
    expect(ids((await sut.execute(morning, 'r2')).body)).toEqual(['a']);
  });
});
