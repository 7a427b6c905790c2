import type { ProviderEventHit } from '@app/contracts';
import { bucketOf, ProviderEventsCache, selectEvents, toCachedSearch } from './provider-events.cache';

const ms = (iso: string) => Date.parse(iso);

function hit(id: string, startsAt: string, endsAt: string): ProviderEventHit {
  return {
    id,
    title: `Plan ${id}`,
    start_date: startsAt.slice(0, 10),
    start_time: startsAt.slice(11, 19),
    end_date: endsAt.slice(0, 10),
    end_time: endsAt.slice(11, 19),
    min_price: 10,
    max_price: 20.5,
    starts_at: startsAt,
    ends_at: endsAt,
  };
}

const ids = (json: string[]) => json.map((text) => (JSON.parse(text) as { id: string }).id);

describe('bucketOf', () => {
  it('should widen a range outward to whole UTC days, so every range within the same days shares one key', () => {
    const a = bucketOf({ startsAt: ms('2026-01-10T09:00:00.001Z'), endsAt: ms('2026-01-12T00:00:00.001Z') });
    const b = bucketOf({ startsAt: ms('2026-01-10T00:00:00Z'), endsAt: ms('2026-01-13T00:00:00Z') });
    const c = bucketOf({ startsAt: ms('2026-01-10T23:59:59.999Z'), endsAt: ms('2026-01-12T17:30:00Z') });

    expect(a).toEqual({ key: b.key, startsAt: '2026-01-10T00:00:00.000Z', endsAt: '2026-01-13T00:00:00.000Z' });
    expect(c).toEqual(a);
  });

  it('should keep an edge that is already midnight, and leave open what the range leaves open', () => {
    expect(bucketOf({ startsAt: ms('2026-01-10T00:00:00Z') })).toEqual({ key: `${ms('2026-01-10T00:00:00Z') / 86_400_000}:*`, startsAt: '2026-01-10T00:00:00.000Z' });
    expect(bucketOf({ endsAt: ms('2026-01-10T00:00:00Z') })).toEqual({ key: `*:${ms('2026-01-10T00:00:00Z') / 86_400_000}`, endsAt: '2026-01-10T00:00:00.000Z' });
    expect(bucketOf({})).toEqual({ key: '*:*' });
  });

  it('should leave open an edge beyond the years a catalog can hold, instead of asking for it', () => {
    expect(bucketOf({ startsAt: ms('0001-01-01T00:00:00Z'), endsAt: ms('9999-12-31T23:59:59.999Z') })).toEqual({ key: '*:*' });
  });
});

describe('selectEvents', () => {
  const search = toCachedSearch(
    [
      hit('a', '2026-01-10T08:00:00.000Z', '2026-01-10T20:00:00.000Z'),
      hit('b', '2026-01-10T09:00:00.000Z', '2026-01-10T10:00:00.000Z'),
      hit('c', '2026-01-10T09:00:00.000Z', '2026-01-10T11:00:00.001Z'),
      hit('d', '2026-01-10T10:00:00.000Z', '2026-01-10T11:00:00.000Z'),
      hit('e', '2026-01-10T11:00:00.000Z', '2026-01-10T11:00:00.000Z'),
      hit('f', '2026-01-10T11:00:00.001Z', '2026-01-10T12:00:00.000Z'),
    ],
    false,
  );

  it('should keep exactly the events contained in the range, both edges inclusive, in the superset order', () => {
    expect(ids(selectEvents(search, { startsAt: ms('2026-01-10T09:00:00Z'), endsAt: ms('2026-01-10T11:00:00Z') }))).toEqual(['b', 'd', 'e']);
    expect(ids(selectEvents(search, { startsAt: ms('2026-01-10T09:00:00.001Z'), endsAt: ms('2026-01-10T11:00:00.001Z') }))).toEqual(['d', 'e']);
  });

  it('should apply a single bound alone, and everything when there is none', () => {
    expect(ids(selectEvents(search, { startsAt: ms('2026-01-10T10:00:00Z') }))).toEqual(['d', 'e', 'f']);
    expect(ids(selectEvents(search, { endsAt: ms('2026-01-10T10:00:00Z') }))).toEqual(['b']);
    expect(ids(selectEvents(search, {}))).toEqual(['a', 'b', 'c', 'd', 'e', 'f']);
  });

  it('should write each event with the contract fields only, not its instants', () => {
    expect(JSON.parse(selectEvents(search, {})[0])).toEqual({
      id: 'a',
      title: 'Plan a',
      start_date: '2026-01-10',
      start_time: '08:00:00',
      end_date: '2026-01-10',
      end_time: '20:00:00',
      min_price: 10,
      max_price: 20.5,
    });
  });
});

describe('ProviderEventsCache', () => {
  const day = (n: number) => bucketOf({ startsAt: ms('2026-01-01T00:00:00Z') + n * 86_400_000, endsAt: ms('2026-01-01T00:00:00Z') + (n + 1) * 86_400_000 });
  const entry = (id = 'a') => toCachedSearch([hit(id, '2026-01-01T10:00:00.000Z', '2026-01-01T11:00:00.000Z')], false);

  afterEach(() => jest.useRealTimers());

  it('should hold at most maxEntries keys, dropping the least recently used', () => {
    const sut = new ProviderEventsCache({ maxEntries: 3, maxBytes: 1_000_000, ttlMs: 60_000 });
    for (let n = 0; n < 3; n++) sut.set('1', day(n), entry());
    sut.get('1', day(0));

    sut.set('1', day(3), entry());

    expect(sut.size).toBe(3);
    expect(sut.get('1', day(1))).toBeUndefined();
    expect([0, 2, 3].map((n) => sut.get('1', day(n)) !== undefined)).toEqual([true, true, true]);
  });

  it('should keep the total size under maxBytes and not keep an entry larger than all of it', () => {
    const one = entry();
    const sut = new ProviderEventsCache({ maxEntries: 100, maxBytes: one.bytes * 2, ttlMs: 60_000 });
    for (let n = 0; n < 5; n++) sut.set('1', day(n), entry());
    const huge = toCachedSearch(
      Array.from({ length: 50 }, (_, i) => hit(`h${i}`, '2026-01-01T10:00:00.000Z', '2026-01-01T11:00:00.000Z')),
      false,
    );
    sut.set('1', day(9), huge);

    expect(sut.size).toBe(2);
    expect(sut.bytes).toBeLessThanOrEqual(one.bytes * 2);
    expect(sut.get('1', day(9))).toBeUndefined();
  });

  it('should miss an entry of an older catalog version, and drop those when a new version is looked up', () => {
    const sut = new ProviderEventsCache({ maxEntries: 100, maxBytes: 1_000_000, ttlMs: 60_000 });
    sut.set('7', day(0), entry('old'));
    sut.set('7', day(1), entry('old'));
    expect(sut.get('7', day(0))).toBeDefined();
    sut.set('8', day(0), entry('new'));

    expect(sut.get('8', day(0))!.events[0].json).toContain('"new"');
    expect(sut.get('8', day(1))).toBeUndefined();
    expect(sut.size).toBe(1);
    expect(sut.get('7', day(0))).toBeUndefined();
  });

  it('should render the body of an exact range once and reuse it, for this catalog version only', () => {
    const sut = new ProviderEventsCache({ maxEntries: 100, maxBytes: 1_000_000, ttlMs: 60_000 });
    const search = toCachedSearch([hit('a', '2026-01-01T10:00:00.000Z', '2026-01-01T11:00:00.000Z')], false);
    const range = { startsAt: ms('2026-01-01T10:00:00Z') };

    const first = sut.body('1', search, range);

    expect(JSON.parse(first.toString('utf8'))).toEqual({ data: { events: [expect.objectContaining({ id: 'a' })] }, error: null });
    expect(sut.body('1', search, range)).toBe(first);
    expect(sut.body('1', search, { startsAt: ms('2026-01-01T10:00:00.001Z') }).toString('utf8')).toBe('{"data":{"events":[]},"error":null}');
    sut.get('2', day(0));
    expect(sut.body('1', search, range)).not.toBe(first);
  });

  it('should expire an entry after the TTL even when the version does not change', () => {
    jest.useFakeTimers();
    const sut = new ProviderEventsCache({ maxEntries: 100, maxBytes: 1_000_000, ttlMs: 60_000, clock: { now: () => Date.now() } });
    sut.set('1', day(0), entry());

    jest.advanceTimersByTime(59_999);
    expect(sut.get('1', day(0))).toBeDefined();
    jest.advanceTimersByTime(2);
    expect(sut.get('1', day(0))).toBeUndefined();
  });
});
