import Redis from 'ioredis';
import { Client } from 'pg';
import { PROVIDER_CATALOG_STATE_KEY } from '@app/contracts';
import { ApiClient, ApiResponse, expectErrorEnvelope, loginAdmin, signupAndLogin } from '../support/api-client';
import { AppProcess, startApp } from '../support/app-process';
import { eventually } from '../support/eventually';
import { Platform, startPlatform } from '../support/platform';
import { clearProviderCatalog, insertProviderPlans, setCatalogState } from '../support/provider-plans';
import { ThrowawayRedis } from '../support/redis-server';
import { TEST_ENV } from '../support/test-env';

const EVENT_FIELDS = ['id', 'title', 'start_date', 'start_time', 'end_date', 'end_time', 'min_price', 'max_price'];

describe('provider events search (e2e)', () => {
  let platform: Platform;
  let api: ApiClient;
  let db: Client;
  let redis: Redis;
  // Catalog versions and sync times only move forward, as the scheduler's do.
  let version = 1000;
  let syncClock = Date.now();
  const nextSyncedAt = () => new Date((syncClock += 1000)).toISOString();

  // A new catalog as a sync leaves it: rows in Postgres, then the state in Postgres and in Redis.
  async function publishCatalog(syncedAt: string | null = nextSyncedAt(), inRedis = true): Promise<string | null> {
    version += 1;
    await setCatalogState(db, { version, syncedAt: syncedAt ? new Date(syncedAt) : null });
    if (inRedis) await redis.set(PROVIDER_CATALOG_STATE_KEY, JSON.stringify({ catalog_version: String(version), synced_at: syncedAt }));
    return syncedAt;
  }

  const search = (query: string, path = '/api/v1/events/search') => api.get(`${path}${query ? `?${query}` : ''}`);
  const idsOf = (response: ApiResponse) => (response.body.data.events as Array<{ id: string }>).map((event) => event.id);

  beforeAll(async () => {
    platform = await startPlatform(3470, ['core', 'gateway']);
    api = platform.api;
    db = new Client({ connectionString: TEST_ENV.DATABASE_URL });
    await db.connect();
    redis = new Redis(TEST_ENV.REDIS_URL);
  });

  beforeEach(async () => {
    await clearProviderCatalog(db);
    await redis.del(PROVIDER_CATALOG_STATE_KEY);
  });

  afterAll(async () => {
    await clearProviderCatalog(db);
    await db?.end();
    redis?.disconnect();
    await platform?.stop();
  });

  it("should answer the contract's exact body: every plan ever online within the range, local dates and times, by start then id", async () => {
    const [camela, offlineNow, , sameStart1, sameStart2] = await insertProviderPlans(db, [
      { basePlanId: '291', planId: '291', title: 'Camela en concierto', start: '2021-06-30T21:00:00', end: '2021-06-30T22:00:00', minPrice: '15.00', maxPrice: '30.00' },
      {
        basePlanId: '322',
        planId: '1642',
        title: 'Pantomima Full',
        sellMode: 'offline',
        everOnline: true,
        start: '2021-02-10T20:00:00',
        end: '2021-02-10T21:30:00',
        minPrice: '55.50',
      },
      { basePlanId: '1591', planId: '1642', title: 'Los Morancos', sellMode: 'offline', everOnline: false, start: '2021-07-31T20:00:00', end: '2021-07-31T21:00:00' },
      { basePlanId: '400', planId: 'a', start: '2021-07-01T10:00:00', end: '2021-07-01T11:00:00' },
      { basePlanId: '400', planId: 'b', start: '2021-07-01T10:00:00', end: '2021-07-01T12:00:00' },
    ]);
    const syncedAt = await publishCatalog();

    const response = await eventually(async () => {
      const answer = await search('starts_at=2021-01-01&ends_at=2021-12-31');
      expect({ status: answer.status, events: answer.body.data.events.length, syncedAt: answer.headers.get('x-data-synced-at') }).toEqual({
        status: 200,
        events: 4,
        syncedAt,
      });
      return answer;
    });

    expect(Object.keys(response.body)).toEqual(['data', 'error']);
    expect(Object.keys(response.body.data)).toEqual(['events']);
    expect(response.body.error).toBeNull();
    for (const event of response.body.data.events) expect(Object.keys(event)).toEqual(EVENT_FIELDS);
    expect(response.body.data.events[0]).toEqual({
      id: offlineNow,
      title: 'Pantomima Full',
      start_date: '2021-02-10',
      start_time: '20:00:00',
      end_date: '2021-02-10',
      end_time: '21:30:00',
      min_price: 55.5,
      max_price: 55.5,
    });
    expect(response.body.data.events[1]).toEqual({
      id: camela,
      title: 'Camela en concierto',
      start_date: '2021-06-30',
      start_time: '21:00:00',
      end_date: '2021-06-30',
      end_time: '22:00:00',
      min_price: 15,
      max_price: 30,
    });
    expect(idsOf(response)).toEqual([offlineNow, camela, ...[sameStart1, sameStart2].sort()]);
    expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
    for (const header of ['x-ratelimit-limit', 'x-ratelimit-remaining', 'x-ratelimit-reset']) expect(response.headers.get(header)).toMatch(/^\d+$/);
  });

  it('should answer the /search alias at the root exactly as /api/v1/events/search, and nothing at /api/v1/search', async () => {
    await insertProviderPlans(db, [{ basePlanId: '1', planId: '1', start: '2026-05-01T10:00:00', end: '2026-05-01T11:00:00' }]);
    const syncedAt = await publishCatalog();
    const query = 'starts_at=2026-05-01T10:00:00&ends_at=2026-05-01T11:00:00';
    const main = await eventually(async () => {
      const answer = await search(query);
      expect({ events: answer.body.data.events.length, syncedAt: answer.headers.get('x-data-synced-at') }).toEqual({ events: 1, syncedAt });
      return answer;
    });

    const alias = await search(query, '/search');

    expect({ status: alias.status, text: alias.text, syncedAt: alias.headers.get('x-data-synced-at') }).toEqual({
      status: 200,
      text: main.text,
      syncedAt,
    });
    expect(alias.headers.get('x-ratelimit-remaining')).toMatch(/^\d+$/);
    expectErrorEnvelope(await search(query, '/api/v1/search'), 404, 'ROUTE_NOT_FOUND');
  });

  it('should contain inclusively at both edges, read times without offset in Madrid and with one as given, and take bare dates as local days', async () => {
    // Madrid is UTC+2 in May: 10:00 local is 08:00Z.
    const [morning, noon] = await insertProviderPlans(db, [
      { basePlanId: '2', planId: 'morning', start: '2026-05-02T10:00:00', end: '2026-05-02T11:00:00' },
      { basePlanId: '2', planId: 'noon', start: '2026-05-02T12:00:00', end: '2026-05-02T23:59:59' },
    ]);
    await publishCatalog();
    await eventually(async () => expect(idsOf(await search(''))).toEqual([morning, noon]));

    const cases: Array<[string, string[]]> = [
      ['starts_at=2026-05-02T10:00:00&ends_at=2026-05-02T11:00:00', [morning]],
      ['starts_at=2026-05-02T08:00:00Z&ends_at=2026-05-02T09:00:00.000Z', [morning]],
      ['starts_at=2026-05-02T09:00:00%2B01:00&ends_at=2026-05-02T11:00:00%2B02:00', [morning]],
      ['starts_at=2026-05-02T10:00:01&ends_at=2026-05-02T11:00:00', []],
      ['starts_at=2026-05-02T10:00:00&ends_at=2026-05-02T10:59:59', []],
      ['starts_at=2026-05-02&ends_at=2026-05-02', [morning, noon]],
      ['ends_at=2026-05-02T23:59:58', [morning]],
      ['starts_at=2026-05-02T10:00:00.001', [noon]],
      ['starts_at=2026-05-03', []],
    ];
    for (const [query, expected] of cases) {
      const response = await search(query);
      expect({ query, status: response.status, ids: idsOf(response) }).toEqual({ query, status: 200, ids: expected });
    }
  });

  it('should refuse bad and impossible dates, a time the clocks skip, swapped bounds and unknown parameters with a 400 naming the parameter', async () => {
    const cases: Array<[string, string]> = [
      ['starts_at=2021-02-30', 'starts_at'],
      ['ends_at=2021-01-01T24:61:00', 'ends_at'],
      ['starts_at=2026-03-29T02:30:00', 'starts_at'],
      ['ends_at=tomorrow', 'ends_at'],
      ['starts_at=', 'starts_at'],
      ['starts_at=2026-01-02&ends_at=2026-01-01', 'starts_at'],
      ['starts_at=2026-01-01&starts_at=2026-01-02', 'starts_at'],
      ['from=2026-01-01', 'from'],
    ];
    for (const path of ['/api/v1/events/search', '/search']) {
      for (const [query, field] of cases) {
        const response = await search(query, path);
        const error = expectErrorEnvelope(response, 400, 'VALIDATION_ERROR');
        expect({ query, fields: (error.details.errors as Array<{ field: string }>).map((problem) => problem.field) }).toEqual({ query, fields: [field] });
      }
    }
  });

  it('should show new rows within about a second of a sync publishing a new catalog state in Redis, and serve the cached ones until then', async () => {
    const [first] = await insertProviderPlans(db, [{ basePlanId: '3', planId: '1', start: '2026-06-01T10:00:00', end: '2026-06-01T11:00:00' }]);
    await publishCatalog();
    const query = 'starts_at=2026-06-01&ends_at=2026-06-01';
    await eventually(async () => {
      const answer = await search(query);
      expect({ ids: idsOf(answer), cache: answer.headers.get('x-cache') }).toEqual({ ids: [first], cache: 'HIT' });
    });

    // A sync writes the rows and the new version in Postgres first: the cached answer still stands.
    const [second] = await insertProviderPlans(db, [{ basePlanId: '3', planId: '2', start: '2026-06-01T12:00:00', end: '2026-06-01T13:00:00' }]);
    const syncedAt = nextSyncedAt();
    await setCatalogState(db, { version: version + 1, syncedAt: new Date(syncedAt) });
    const cached = await search(query);
    expect({ cache: cached.headers.get('x-cache'), ids: idsOf(cached) }).toEqual({ cache: 'HIT', ids: [first] });

    // Then the state in Redis: every gateway sees it within CATALOG_STATE_MAX_AGE_MS (1 s).
    const published = Date.now();
    await redis.set(PROVIDER_CATALOG_STATE_KEY, JSON.stringify({ catalog_version: String(version + 1), synced_at: syncedAt }));
    const fresh = await eventually(
      async () => {
        const answer = await search(query);
        expect(idsOf(answer)).toEqual([first, second]);
        return answer;
      },
      5000,
      50,
    );

    expect(Date.now() - published).toBeLessThan(2500);
    expect(fresh.headers.get('x-data-synced-at')).toBe(syncedAt);
  });

  it('should answer from Postgres without X-Data-Synced-At when the catalog was never synced and Redis holds no state', async () => {
    const [only] = await insertProviderPlans(db, [{ basePlanId: '4', planId: '1', start: '2026-07-01T10:00:00', end: '2026-07-01T11:00:00' }]);
    await publishCatalog(null, false);

    // Once the previous test's state has aged out of the gateway (CATALOG_STATE_MAX_AGE_MS).
    await eventually(async () => {
      const answer = await search('starts_at=2026-07-01');
      expect({ ids: idsOf(answer), syncedAt: answer.headers.has('x-data-synced-at') }).toEqual({ ids: [only], syncedAt: false });
    });
  });

  describe('admin sync routes without a scheduler', () => {
    let admin: string;
    let user: string;

    beforeAll(async () => {
      admin = (await loginAdmin(api)).accessToken;
      user = (await signupAndLogin(api)).accessToken;
    });

    it('should refuse a caller without a token (401) and one who is not an admin (403)', async () => {
      for (const [method, path] of [
        ['POST', '/api/v1/admin/sync'],
        ['GET', '/api/v1/admin/sync/status'],
      ]) {
        const anonymous = await api.request(method, path);
        expectErrorEnvelope(anonymous, 401, 'UNAUTHORIZED');
        expect(anonymous.headers.get('www-authenticate')).toBe('Bearer');
        expectErrorEnvelope(await api.request(method, path, { token: user }), 403, 'FORBIDDEN');
      }
    });

    it('should answer 504 in the error envelope within the RPC bound when no scheduler answers, not hang', async () => {
      for (const [method, path] of [
        ['POST', '/api/v1/admin/sync'],
        ['GET', '/api/v1/admin/sync/status'],
      ]) {
        const started = Date.now();
        const response = await api.request(method, path, { token: admin });
        expectErrorEnvelope(response, 504, 'UPSTREAM_TIMEOUT');
        expect(Date.now() - started).toBeLessThan(Number(TEST_ENV.RPC_TIMEOUT_MS) + 1500);
      }
    });
  });
});

describe('provider events search with Redis down (e2e)', () => {
  const redis = new ThrowawayRedis(3478);
  let core: AppProcess;
  let gateway: AppProcess;
  let db: Client;

  beforeAll(async () => {
    await redis.start();
    core = await startApp('core', 3476, { REDIS_URL: redis.url });
    gateway = await startApp('gateway', 3475, { REDIS_URL: redis.url });
    db = new Client({ connectionString: TEST_ENV.DATABASE_URL });
    await db.connect();
    await clearProviderCatalog(db);
  });

  afterAll(async () => {
    await clearProviderCatalog(db);
    await db?.end();
    // The apps close their Redis connections on shutdown, so they get one back first.
    await redis.start();
    await Promise.all([gateway?.stop(), core?.stop()]);
    await redis.stop();
  });

  it('should still answer from Postgres, with the catalog state from core, while Redis is down', async () => {
    const [first] = await insertProviderPlans(db, [{ basePlanId: '5', planId: '1', start: '2026-08-01T10:00:00', end: '2026-08-01T11:00:00' }]);
    await setCatalogState(db, { version: 2000, syncedAt: new Date('2026-12-01T12:00:00.000Z') });
    await redis.stop();
    const api = new ApiClient(gateway.url);

    const response = await api.get('/api/v1/events/search?starts_at=2026-08-01');

    expect({ status: response.status, ids: (response.body.data.events as Array<{ id: string }>).map((event) => event.id) }).toEqual({ status: 200, ids: [first] });
    expect(response.headers.get('x-data-synced-at')).toBe('2026-12-01T12:00:00.000Z');

    // A sync while Redis is down shows up too: core's state is asked for again within about a second.
    const [second] = await insertProviderPlans(db, [{ basePlanId: '5', planId: '2', start: '2026-08-01T12:00:00', end: '2026-08-01T13:00:00' }]);
    await setCatalogState(db, { version: 2001, syncedAt: new Date('2026-12-01T12:00:30.000Z') });
    await eventually(async () => {
      const answer = await api.get('/api/v1/events/search?starts_at=2026-08-01');
      expect((answer.body.data.events as Array<{ id: string }>).map((event) => event.id)).toEqual([first, second]);
    }, 5000);
  });
});
