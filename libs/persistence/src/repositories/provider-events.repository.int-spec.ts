import { DataSource } from 'typeorm';
import { clearProviderCatalog, insertProviderPlans, setCatalogState } from '../../../../test/support/provider-plans';
import { TEST_ENV } from '../../../../test/support/test-env';
import { dataSourceOptions } from '../data-source.options';
import { ProviderEventsRepository } from './provider-events.repository';

const at = (iso: string) => new Date(iso);

describe('ProviderEventsRepository (Postgres)', () => {
  let dataSource: DataSource;
  let sut: ProviderEventsRepository;

  const search = (bounds: { startsAt?: Date; endsAt?: Date } = {}, limit = 100) => sut.search({ ...bounds, limit, timeoutMs: 2000 });
  const idsOf = async (bounds: { startsAt?: Date; endsAt?: Date } = {}) => (await search(bounds)).events.map((event) => event.id);

  beforeAll(async () => {
    dataSource = await new DataSource(dataSourceOptions(TEST_ENV.DATABASE_URL, 'int-test')).initialize();
    sut = new ProviderEventsRepository(dataSource);
  });

  beforeEach(async () => {
    // The search reads the whole catalog, so each test starts from an empty one.
    await clearProviderCatalog(dataSource);
  });

  afterAll(async () => {
    await clearProviderCatalog(dataSource);
    await dataSource.destroy();
  });

  it('should answer the contract fields with provider-local dates and times and prices as numbers when a plan is stored', async () => {
    const [id] = await insertProviderPlans(dataSource, [
      { basePlanId: '291', planId: '291', title: 'Camela en concierto', start: '2021-06-30T21:00:00', end: '2021-06-30T22:00:00', minPrice: '15.00', maxPrice: '30.50' },
    ]);

    const { events } = await search();

    expect(events).toEqual([
      {
        id,
        title: 'Camela en concierto',
        start_date: '2021-06-30',
        start_time: '21:00:00',
        end_date: '2021-06-30',
        end_time: '22:00:00',
        min_price: 15,
        max_price: 30.5,
        // Madrid is UTC+2 in summer.
        starts_at: '2021-06-30T19:00:00.000Z',
        ends_at: '2021-06-30T20:00:00.000Z',
      },
    ]);
  });

  it('should contain inclusively at both edges and leave out plans crossing either bound', async () => {
    const [exact, inside, early, late] = await insertProviderPlans(dataSource, [
      { basePlanId: '1', planId: 'exact', start: '2026-01-10T10:00:00', end: '2026-01-10T12:00:00' },
      { basePlanId: '1', planId: 'inside', start: '2026-01-10T10:30:00', end: '2026-01-10T11:00:00' },
      { basePlanId: '1', planId: 'early', start: '2026-01-10T09:59:59', end: '2026-01-10T11:00:00' },
      { basePlanId: '1', planId: 'late', start: '2026-01-10T10:45:00', end: '2026-01-10T12:00:01' },
    ]);
    // Madrid is UTC+1 in winter: 10:00 local is 09:00Z.
    const bounds = { startsAt: at('2026-01-10T09:00:00Z'), endsAt: at('2026-01-10T11:00:00Z') };

    expect(await idsOf(bounds)).toEqual([exact, inside]);
    expect(await idsOf({ startsAt: at('2026-01-10T09:00:00.001Z'), endsAt: bounds.endsAt })).toEqual([inside]);
    expect(await idsOf({ startsAt: bounds.startsAt, endsAt: at('2026-01-10T10:59:59.999Z') })).toEqual([inside]);
    expect(await idsOf({ startsAt: at('2026-01-10T08:59:59Z'), endsAt: at('2026-01-10T11:00:01Z') })).toEqual([early, exact, inside, late]);
  });

  it('should serve a plan that was online once and is offline now, and never one that was never online', async () => {
    const [turnedOffline, online] = await insertProviderPlans(dataSource, [
      { basePlanId: '2', planId: 'was-online', sellMode: 'offline', everOnline: true, start: '2026-02-01T10:00:00', end: '2026-02-01T11:00:00' },
      { basePlanId: '2', planId: 'online', start: '2026-02-01T12:00:00', end: '2026-02-01T13:00:00' },
      { basePlanId: '2', planId: 'never-online', sellMode: 'offline', everOnline: false, start: '2026-02-01T10:30:00', end: '2026-02-01T11:00:00' },
    ]);

    expect(await idsOf()).toEqual([turnedOffline, online]);
  });

  it('should order by start, then by id when plans start at the same instant', async () => {
    const ids = await insertProviderPlans(dataSource, [
      { basePlanId: '3', planId: 'c', start: '2026-03-01T12:00:00', end: '2026-03-01T13:00:00' },
      { basePlanId: '3', planId: 'a', start: '2026-03-01T10:00:00', end: '2026-03-01T23:00:00' },
      { basePlanId: '3', planId: 'b', start: '2026-03-01T12:00:00', end: '2026-03-01T12:30:00' },
      { basePlanId: '3', planId: 'd', start: '2026-03-01T12:00:00', end: '2026-03-01T14:00:00' },
    ]);
    const sameStart = [ids[0], ids[2], ids[3]].sort();

    expect(await idsOf()).toEqual([ids[1], ...sameStart]);
  });

  it('should let each bound alone limit the search when the other is absent', async () => {
    const [first, second, third] = await insertProviderPlans(dataSource, [
      { basePlanId: '4', planId: '1', start: '2026-04-01T10:00:00', end: '2026-04-01T11:00:00' },
      { basePlanId: '4', planId: '2', start: '2026-04-02T10:00:00', end: '2026-04-02T11:00:00' },
      { basePlanId: '4', planId: '3', start: '2026-04-03T10:00:00', end: '2026-04-03T11:00:00' },
    ]);

    expect(await idsOf()).toEqual([first, second, third]);
    expect(await idsOf({ startsAt: at('2026-04-02T08:00:00Z') })).toEqual([second, third]);
    expect(await idsOf({ endsAt: at('2026-04-02T09:00:00Z') })).toEqual([first, second]);
  });

  it('should give the first events by start and say so when more match than the limit', async () => {
    const ids = await insertProviderPlans(
      dataSource,
      [1, 2, 3].map((day) => ({ basePlanId: '5', planId: String(day), start: `2026-05-0${day}T10:00:00`, end: `2026-05-0${day}T11:00:00` })),
    );

    const capped = await search({}, 2);
    const exact = await search({}, 3);

    expect({ ids: capped.events.map((event) => event.id), truncated: capped.truncated }).toEqual({ ids: ids.slice(0, 2), truncated: true });
    expect({ ids: exact.events.map((event) => event.id), truncated: exact.truncated }).toEqual({ ids, truncated: false });
  });

  it('should report the catalog version and the last successful sync with the events', async () => {
    expect(await search()).toMatchObject({ catalogVersion: '0', lastSyncedAt: null, truncated: false });

    await setCatalogState(dataSource, { version: '9007199254740993', syncedAt: at('2026-12-01T10:00:00.123Z') });

    expect(await search()).toMatchObject({ catalogVersion: '9007199254740993', lastSyncedAt: at('2026-12-01T10:00:00.123Z') });
  });

  it('should read local times across a DST change as the provider wrote them', async () => {
    // The night Madrid goes from UTC+1 to UTC+2 (last Sunday of March 2026): 01:30 local is 00:30Z, 03:30 local is 01:30Z.
    await insertProviderPlans(dataSource, [{ basePlanId: '6', planId: '1', start: '2026-03-29T01:30:00', end: '2026-03-29T03:30:00' }]);

    const [event] = (await search()).events;

    expect(event).toMatchObject({ start_time: '01:30:00', end_time: '03:30:00', starts_at: '2026-03-29T00:30:00.000Z', ends_at: '2026-03-29T01:30:00.000Z' });
  });
});
