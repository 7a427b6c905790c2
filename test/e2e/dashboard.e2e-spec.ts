import Redis from 'ioredis';
import { Client } from 'pg';
import { SALES_CACHE_KEY } from '@app/contracts';
import { ApiClient, expectErrorEnvelope, loginAdmin, signupAndLogin, uniqueEmail } from '../support/api-client';
import { insertOrders, SeedOrder, utcDay } from '../support/seed-orders';
import { Platform, startPlatform } from '../support/platform';
import { sample, scrape } from '../support/prometheus';
import { TEST_ENV } from '../support/test-env';

// Bounds this spec gives the platform: the dashboard read 500 ms and a refresh 4 s in core, the usual 1.5 s RPC
// bound in the gateway (so the refresh route waits 4 + 1.5 s).
const SALES_QUERY_TIMEOUT_MS = 500;
const MV_REFRESH_TIMEOUT_MS = 4000;
const RPC_TIMEOUT_MS = Number(TEST_ENV.RPC_TIMEOUT_MS);

// The view's rows computed from the orders in plain JS: per UTC date of created_at, newest first.
function expectedSales(orders: SeedOrder[], days: number) {
  const from = utcDay(-(days - 1));
  const byDay = new Map<string, { cents: number; count: number }>();
  for (const order of orders) {
    const day = new Date(order.createdAt).toISOString().slice(0, 10);
    if (day < from || day > utcDay(0)) continue;
    const entry = byDay.get(day) ?? { cents: 0, count: 0 };
    byDay.set(day, { cents: entry.cents + Math.round(Number(order.amount) * 100), count: entry.count + 1 });
  }
  return [...byDay.entries()]
    .sort(([a], [b]) => (a < b ? 1 : -1))
    .map(([sale_date, { cents, count }]) => ({ sale_date, total_revenue: cents / 100, order_count: count }));
}

describe('sales dashboard (e2e)', () => {
  let platform: Platform;
  let api: ApiClient;
  let db: Client;
  let redis: Redis;
  let admin: string;
  let user: string;
  let readonly: string;

  const sales = (query = '', token = admin) => api.get(`/api/v1/dashboard/sales${query}`, { token });
  const refresh = (token = admin) => api.post('/api/v1/admin/refresh', undefined, { token });

  // LOCK TABLE refuses materialized views; a plain REFRESH in an open transaction holds the view's ACCESS
  // EXCLUSIVE lock until the transaction ends, as a refresh run by hand would.
  async function holdViewLock(): Promise<{ client: Client; release: () => Promise<void> }> {
    const client = new Client({ connectionString: TEST_ENV.DATABASE_URL });
    await client.connect();
    await client.query('BEGIN');
    await client.query('REFRESH MATERIALIZED VIEW daily_sales_mv');
    return {
      client,
      release: async () => {
        await client.query('ROLLBACK');
        await client.end();
      },
    };
  }

  beforeAll(async () => {
    const timeouts = { MV_REFRESH_TIMEOUT_MS: String(MV_REFRESH_TIMEOUT_MS), SALES_QUERY_TIMEOUT_MS: String(SALES_QUERY_TIMEOUT_MS) };
    platform = await startPlatform(3430, ['core', 'gateway'], { core: timeouts, gateway: timeouts });
    api = platform.api;
    db = new Client({ connectionString: TEST_ENV.DATABASE_URL });
    await db.connect();
    redis = new Redis(TEST_ENV.REDIS_URL);
    admin = (await loginAdmin(api)).accessToken;
    user = (await signupAndLogin(api)).accessToken;
    const email = uniqueEmail('ro');
    expect((await api.post('/api/v1/users', { name: 'Read Only', email, password: 'readonly-pass', role: 'readonly' }, { token: admin })).status).toBe(201);
    readonly = (await api.post('/api/v1/auth/token', { username: email, password: 'readonly-pass' })).body.access_token;
  });

  beforeEach(async () => {
    // The view sums every order: each test starts from none (no other spec writes orders yet).
    await db.query('DELETE FROM orders');
    expect((await refresh()).status).toBe(200);
  });

  afterAll(async () => {
    redis?.disconnect();
    await db?.end();
    await platform?.stop();
  });

  it('should answer the refreshed view per UTC day, newest first, with orders on both sides of midnight apart', async () => {
    const orders: SeedOrder[] = [
      { createdAt: `${utcDay(-1)}T23:59:59.999Z`, amount: '19.99' },
      { createdAt: `${utcDay(0)}T00:00:00.000Z`, amount: '5.00' },
      { createdAt: `${utcDay(0)}T00:00:00.001Z`, amount: '0.10' },
      { createdAt: `${utcDay(-6)}T12:00:00.000Z`, amount: '1000000.00' },
      { createdAt: `${utcDay(-6)}T13:00:00.000Z`, amount: '0.01' },
    ];
    await insertOrders(db, orders);

    expect((await sales('?days=7')).body).toEqual({ data: [] }); // not refreshed yet: the view, not the table
    const refreshed = await refresh();
    const answer = await sales('?days=7');

    expect(refreshed.status).toBe(200);
    expect(refreshed.body).toEqual({ refreshed_at: expect.any(String), duration_ms: expect.any(Number) });
    expect(new Date(refreshed.body.refreshed_at).toISOString()).toBe(refreshed.body.refreshed_at);
    expect(Number.isInteger(refreshed.body.duration_ms) && refreshed.body.duration_ms >= 0).toBe(true);
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ data: expectedSales(orders, 7) });
    expect(answer.body.data.map((day: { sale_date: string }) => day.sale_date)).toEqual([utcDay(0), utcDay(-1), utcDay(-6)]);
    expect(answer.body.data[0]).toEqual({ sale_date: utcDay(0), total_revenue: 5.1, order_count: 2 });
    expect(answer.headers.get('x-cache')).toBe('HIT'); // the refresh wrote its answer before answering
  });

  it('should answer a cache miss from core, fill the cache, then answer the same bytes from the cache for every days', async () => {
    const orders: SeedOrder[] = [0, -1, -6, -29, -30, -364, -365].map((offset, index) => ({
      createdAt: `${utcDay(offset)}T0${index}:00:00.000Z`,
      amount: `${index + 1}.25`,
    }));
    await insertOrders(db, orders);
    expect((await refresh()).status).toBe(200);

    for (const query of ['', '?days=1', '?days=7', '?days=30', '?days=365', '?days=366']) {
      await redis.del(SALES_CACHE_KEY);
      const missed = await sales(query);
      const hit = await sales(query);

      expect([missed.status, missed.headers.get('x-cache')]).toEqual([200, 'MISS']);
      expect([hit.status, hit.headers.get('x-cache')]).toEqual([200, 'HIT']);
      expect(hit.text).toBe(missed.text);
      expect(hit.body).toEqual({ data: expectedSales(orders, query ? Number(query.slice(6)) : 30) });
    }
    expect(await redis.ttl(SALES_CACHE_KEY)).toBeGreaterThan(0);
  });

  it('should answer the numbers of the latest refresh from the cache as soon as the refresh has answered', async () => {
    await insertOrders(db, [{ createdAt: new Date(), amount: '1.00' }]);
    expect((await refresh()).status).toBe(200);
    const first = await sales('?days=1');
    await insertOrders(db, [{ createdAt: new Date(), amount: '2.00' }]);
    const beforeRefresh = await sales('?days=1');
    expect((await refresh()).status).toBe(200);
    const after = await sales('?days=1');

    expect([first.headers.get('x-cache'), first.body]).toEqual(['HIT', { data: [{ sale_date: utcDay(0), total_revenue: 1, order_count: 1 }] }]);
    expect(beforeRefresh.body).toEqual(first.body); // the view, not the table
    expect([after.headers.get('x-cache'), after.body]).toEqual(['HIT', { data: [{ sale_date: utcDay(0), total_revenue: 3, order_count: 2 }] }]);
  });

  it('should answer a user or readonly token 403 and a bad days 400 while the cache holds the view', async () => {
    expect((await sales('?days=7')).headers.get('x-cache')).toBe('HIT');
    for (const token of [user, readonly]) expectErrorEnvelope(await sales('?days=7', token), 403, 'FORBIDDEN');
    expectErrorEnvelope(await sales('?days=0'), 400, 'VALIDATION_ERROR');
    expectErrorEnvelope(await sales('?days=7&days=8'), 400, 'VALIDATION_ERROR');
  });

  it('should cover today and the N - 1 days before it, 30 by default, when filtered by days', async () => {
    const orders: SeedOrder[] = [0, -1, -6, -7, -29, -30, -365, -366].map((offset) => ({ createdAt: `${utcDay(offset)}T06:00:00.000Z`, amount: '2.00' }));
    await insertOrders(db, orders);
    expect((await refresh()).status).toBe(200);

    const days = async (query: string) => ((await sales(query)).body.data as Array<{ sale_date: string }>).map((day) => day.sale_date);

    expect(await days('?days=1')).toEqual([utcDay(0)]);
    expect(await days('?days=7')).toEqual([utcDay(0), utcDay(-1), utcDay(-6)]);
    expect(await days('')).toEqual(expectedSales(orders, 30).map((day) => day.sale_date));
    expect(await days('')).toEqual([utcDay(0), utcDay(-1), utcDay(-6), utcDay(-7), utcDay(-29)]);
    expect((await sales('?days=366')).body).toEqual({ data: expectedSales(orders, 366) });
  });

  it('should let only admins read the dashboard or refresh (403 for a user or readonly, 401 without a token)', async () => {
    for (const token of [user, readonly]) {
      expectErrorEnvelope(await sales('', token), 403, 'FORBIDDEN');
      expectErrorEnvelope(await refresh(token), 403, 'FORBIDDEN');
    }
    expectErrorEnvelope(await api.get('/api/v1/dashboard/sales'), 401, 'UNAUTHORIZED');
    expectErrorEnvelope(await api.post('/api/v1/admin/refresh'), 401, 'UNAUTHORIZED');
  });

  it.each(['?days=0', '?days=367', '?days=-1', '?days=1.5', '?days=abc', '?days=', '?days=1&days=2', '?days=7&from=2026-01-01'])(
    'should answer 400 VALIDATION_ERROR for %s',
    async (query) => {
      const error = expectErrorEnvelope(await sales(query), 400, 'VALIDATION_ERROR');
      expect(error.details.errors.length).toBeGreaterThan(0);
    },
  );

  it('should answer the dashboard with a 504 within its own bound, not hang, while a lock on the view blocks a cache miss', async () => {
    await redis.del(SALES_CACHE_KEY); // a hit never reaches the view
    const lock = await holdViewLock();
    try {
      const started = Date.now();
      const blocked = await sales('?days=7');
      const elapsed = Date.now() - started;

      expectErrorEnvelope(blocked, 504, 'UPSTREAM_TIMEOUT');
      expect(blocked.body.error.message).toBe('The database did not answer in time'); // core's bound, not the RPC's
      expect(elapsed).toBeGreaterThanOrEqual(SALES_QUERY_TIMEOUT_MS - 50);
      expect(elapsed).toBeLessThan(RPC_TIMEOUT_MS);
    } finally {
      await lock.release();
    }
    expect((await sales('?days=7')).status).toBe(200);
  });

  it('should answer a refresh blocked past MV_REFRESH_TIMEOUT_MS with a 504 from core, and refresh again after', async () => {
    const lock = await holdViewLock();
    try {
      const started = Date.now();
      const blocked = await refresh();
      const elapsed = Date.now() - started;

      expectErrorEnvelope(blocked, 504, 'UPSTREAM_TIMEOUT');
      expect(blocked.body.error.message).toBe('The database did not answer in time');
      expect(elapsed).toBeGreaterThanOrEqual(MV_REFRESH_TIMEOUT_MS - 100);
      expect(elapsed).toBeLessThan(MV_REFRESH_TIMEOUT_MS + RPC_TIMEOUT_MS);
    } finally {
      await lock.release();
    }
    expect((await refresh()).status).toBe(200);
  });

  it('should wait for a refresh longer than RPC_TIMEOUT_MS and answer 200, covering orders stored before the call', async () => {
    const lock = await holdViewLock();
    const holdMs = RPC_TIMEOUT_MS + 1000; // the refresh cannot finish before this: longer than any ordinary RPC may take
    await insertOrders(db, [{ createdAt: new Date(), amount: '7.77' }]);
    const started = Date.now();
    const releasing = new Promise<void>((resolve, reject) => setTimeout(() => void lock.release().then(resolve, reject), holdMs));

    const refreshed = await refresh();
    const elapsed = Date.now() - started;
    await releasing;

    expect(refreshed.status).toBe(200);
    expect(elapsed).toBeGreaterThanOrEqual(holdMs);
    expect(new Date(refreshed.body.refreshed_at).getTime()).toBeGreaterThanOrEqual(started);
    expect((await sales('?days=1')).body).toEqual({ data: [{ sale_date: utcDay(0), total_revenue: 7.77, order_count: 1 }] });
  });

  it("should expose the view's age and the refresh durations on core's /metrics", async () => {
    const before = await scrape(platform.apps.core!.url);
    const refreshed = await refresh();
    const after = await scrape(platform.apps.core!.url);

    expect(refreshed.status).toBe(200);
    const age = sample(after, 'daily_sales_mv_age_seconds')!;
    expect(age).toBeGreaterThanOrEqual(0);
    expect(age).toBeLessThan(5);
    const count = (text: string) => sample(text, 'daily_sales_mv_refresh_duration_seconds_count', { trigger: 'admin' }) ?? 0;
    expect(count(after) - count(before)).toBe(1);
    const refreshes = (text: string) => sample(text, 'daily_sales_mv_refreshes_total', { trigger: 'admin', outcome: 'refreshed' }) ?? 0;
    expect(refreshes(after) - refreshes(before)).toBe(1);
  });
});
