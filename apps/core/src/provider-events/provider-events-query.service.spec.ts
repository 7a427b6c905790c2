import { ProviderEventsRepository } from '@app/persistence';
import { ProviderEventsQueryService } from './provider-events-query.service';

describe('ProviderEventsQueryService', () => {
  const event = {
    id: '0b7e3c52-8d1f-5a55-9d6c-1e2f3a4b5c6d',
    title: 'Camela en concierto',
    start_date: '2021-06-30',
    start_time: '21:00:00',
    end_date: '2021-06-30',
    end_time: '22:00:00',
    min_price: 15,
    max_price: 30,
    starts_at: '2021-06-30T19:00:00.000Z',
    ends_at: '2021-06-30T20:00:00.000Z',
  };

  it('should search within the bounds, capped and time-bounded by its configuration, and answer the catalog state with the events', async () => {
    const repository = {
      search: jest.fn().mockResolvedValue({ events: [event], truncated: true, catalogVersion: '42', lastSyncedAt: new Date('2026-12-01T10:00:00.123Z') }),
    };
    const sut = new ProviderEventsQueryService({ PROVIDER_SEARCH_MAX_RESULTS: 500, PROVIDER_SEARCH_TIMEOUT_MS: 700 }, repository as unknown as ProviderEventsRepository);

    const reply = await sut.search({ starts_at: '2021-06-30T00:00:00.000Z', ends_at: '2021-07-01T00:00:00Z' });

    expect(repository.search).toHaveBeenCalledWith({ startsAt: new Date('2021-06-30T00:00:00Z'), endsAt: new Date('2021-07-01T00:00:00Z'), limit: 500, timeoutMs: 700 });
    expect(reply).toEqual({ events: [event], synced_at: '2026-12-01T10:00:00.123Z', catalog_version: '42', truncated: true });
  });

  it('should leave absent bounds open and answer a null synced_at when the catalog was never synced', async () => {
    const repository = { search: jest.fn().mockResolvedValue({ events: [], truncated: false, catalogVersion: '0', lastSyncedAt: null }) };
    const sut = new ProviderEventsQueryService({ PROVIDER_SEARCH_MAX_RESULTS: 500, PROVIDER_SEARCH_TIMEOUT_MS: 700 }, repository as unknown as ProviderEventsRepository);

    expect(await sut.search({})).toEqual({ events: [], synced_at: null, catalog_version: '0', truncated: false });
    expect(repository.search).toHaveBeenCalledWith({ startsAt: undefined, endsAt: undefined, limit: 500, timeoutMs: 700 });
  });
});
