import { randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import { Client } from 'pg';
import { ApiClient, loginAdmin, signupAndLogin, TestUser, uniqueEmail } from '../support/api-client';
import { AppProcess, startApp } from '../support/app-process';
import { eventually } from '../support/eventually';
import { order } from '../support/orders';
import { ThrowawayRedis } from '../support/redis-server';
import { TEST_ENV } from '../support/test-env';

// Issue 14, hole 1: a delete, a role change or a password change holds on the very next request on every path
// (cache fast path, order fast path, Nest routes) even when core's cache write after the commit is lost: Redis
// full under noeviction, or core killed (SIGKILL) between the commit and the write. Hole 4: a password change ends
// every other session. Gateway and core share a redis-server of this test's own, so filling it touches no one else.
const GATEWAY_PORT = 3560;
const CORE_PORT = 3561;

// Past a maxmemory far below what it holds, under noeviction: every write that needs memory is refused (OOM).
async function fill(redis: Redis): Promise<void> {
  await redis.eval(`for i = 1, 20000 do redis.call('SET', 'filler:' .. i, string.rep('x', 100)) end return 1`, 0);
  await redis.config('SET', 'maxmemory-policy', 'noeviction');
  await redis.config('SET', 'maxmemory', '1mb');
  await expect(redis.set(`probe:${randomUUID()}`, 'x')).rejects.toThrow(/OOM/);
}

async function relieve(redis: Redis): Promise<void> {
  await redis.config('SET', 'maxmemory', '0');
  await redis.set(`probe:${randomUUID()}`, 'x', 'EX', 5);
}

function profile(user: { email: string }, fields: Record<string, unknown> = {}) {
  return { name: 'Test User', email: user.email, ...fields };
}

describe('Revocation when the cache write is lost (e2e)', () => {
  const server = new ThrowawayRedis(3565);
  let redis: Redis;
  let db: Client;
  let core: AppProcess;
  let gateway: AppProcess;
  let api: ApiClient;
  let admin: string;

  const coreEnv = (extra: Record<string, string> = {}) => ({ REDIS_URL: server.url, ORDERS_BATCH_WAIT_MS: '1500', ...extra });

  // The user's principal is cached: the next GET /users/me is a hit (what the stale entry would serve).
  async function warm(user: TestUser): Promise<void> {
    await api.get('/api/v1/users/me', { token: user.accessToken });
    const me = await api.get('/api/v1/users/me', { token: user.accessToken });
    expect({ status: me.status, cache: me.headers.get('x-cache') }).toEqual({ status: 200, cache: 'HIT' });
  }

  async function newAdmin(): Promise<TestUser> {
    const email = uniqueEmail('admin');
    const created = await api.post('/api/v1/users', { name: 'Second Admin', email, password: 'admin-password-2', role: 'admin' }, { token: admin });
    expect(created.status).toBe(201);
    const token = await api.post('/api/v1/auth/token', { username: email, password: 'admin-password-2' });
    return { id: created.body.id, email, password: 'admin-password-2', accessToken: token.body.access_token, refreshToken: token.body.refresh_token };
  }

  async function expectRevoked(user: TestUser): Promise<void> {
    const me = await api.get('/api/v1/users/me', { token: user.accessToken });
    const placed = await api.post('/api/v1/orders', order(), { token: user.accessToken });
    const own = await api.get(`/api/v1/users/${user.id}`, { token: user.accessToken });
    expect({ 'GET /users/me (cache fast path)': me.status, 'POST /orders (order fast path)': placed.status, 'GET /users/{id} (Nest route)': own.status }).toEqual({
      'GET /users/me (cache fast path)': 401,
      'POST /orders (order fast path)': 401,
      'GET /users/{id} (Nest route)': 401,
    });
    const { rows } = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM orders WHERE user_id = $1', [user.id]);
    expect(rows[0].n).toBe(0);
  }

  async function expectDemoted(former: TestUser): Promise<void> {
    const created = await api.post(
      '/api/v1/users',
      { name: 'Sneaky', email: uniqueEmail('sneaky'), password: 'sneaky-pass-1', role: 'admin' },
      { token: former.accessToken },
    );
    expect(created.status).toBe(403);
    const me = await api.get('/api/v1/users/me', { token: former.accessToken });
    expect({ status: me.status, role: me.body?.role }).toEqual({ status: 200, role: 'readonly' });
  }

  beforeAll(async () => {
    await server.start();
    redis = new Redis(server.url);
    db = new Client({ connectionString: TEST_ENV.DATABASE_URL });
    await db.connect();
    core = await startApp('core', CORE_PORT, coreEnv());
    gateway = await startApp('gateway', GATEWAY_PORT, { REDIS_URL: server.url });
    api = new ApiClient(gateway.url);
    admin = (await loginAdmin(api)).accessToken;
  });

  afterAll(async () => {
    await Promise.all([gateway, core].map((app) => app?.stop()));
    redis?.disconnect();
    await db?.end();
    await server.stop();
  });

  afterEach(async () => {
    await relieve(redis);
  });

  describe('Redis full (noeviction) when core writes the principal after the commit', () => {
    it("should refuse the deleted user's old token on the next request on every path", async () => {
      const user = await signupAndLogin(api);
      await warm(user);

      await fill(redis);
      expect((await api.delete(`/api/v1/users/${user.id}`, { token: admin })).status).toBe(204);
      // The post-commit write was refused (logged once per Redis outage, see OutageLog).
      expect(core.lines.some((line) => /Redis unavailable \(principal-cache: .*OOM/i.test(line))).toBe(true);
      await relieve(redis);

      await expectRevoked(user);
    });

    it('should refuse the demoted admin the admin routes on the next request', async () => {
      const second = await newAdmin();
      await warm(second);

      await fill(redis);
      const demoted = await api.put(`/api/v1/users/${second.id}`, profile(second, { name: 'Second Admin', role: 'readonly' }), { token: admin });
      expect(demoted.status).toBe(200);
      await relieve(redis);

      await expectDemoted(second);
    });

    it("should end the other sessions and keep the caller's own when a user changes their password", async () => {
      const first = await signupAndLogin(api);
      const other = {
        ...first,
        ...(await api
          .post('/api/v1/auth/token', { username: first.email, password: first.password })
          .then((r) => ({ accessToken: r.body.access_token, refreshToken: r.body.refresh_token }))),
      };
      await warm(other);

      await fill(redis);
      const changed = await api.put(`/api/v1/users/${first.id}`, profile(first, { password: 'a-new-password-1' }), { token: first.accessToken });
      expect(changed.status).toBe(200);
      await relieve(redis);

      expect((await api.get('/api/v1/users/me', { token: other.accessToken })).status).toBe(401);
      expect((await api.post('/api/v1/orders', order(), { token: other.accessToken })).status).toBe(401);
      expect((await api.post('/api/v1/auth/refresh', { refresh_token: other.refreshToken })).status).toBe(401);
      expect((await api.get('/api/v1/users/me', { token: first.accessToken })).status).toBe(200);
      const refreshed = await api.post('/api/v1/auth/refresh', { refresh_token: first.refreshToken });
      expect(refreshed.status).toBe(200);
      expect((await api.get('/api/v1/users/me', { token: refreshed.body.access_token })).status).toBe(200);
      expect((await api.post('/api/v1/auth/token', { username: first.email, password: 'a-new-password-1' })).status).toBe(200);
    });
  });

  describe('an admin changes a password', () => {
    it('should end every session of that user, the current one included', async () => {
      const user = await signupAndLogin(api);
      await warm(user);

      expect((await api.put(`/api/v1/users/${user.id}`, profile(user, { password: 'reset-by-admin-1' }), { token: admin })).status).toBe(200);

      expect((await api.get('/api/v1/users/me', { token: user.accessToken })).status).toBe(401);
      expect((await api.post('/api/v1/auth/refresh', { refresh_token: user.refreshToken })).status).toBe(401);
      const fresh = await api.post('/api/v1/auth/token', { username: user.email, password: 'reset-by-admin-1' });
      expect((await api.get('/api/v1/users/me', { token: fresh.body.access_token })).status).toBe(200);
    });
  });

  describe('the orders consumer', () => {
    it('should dead-letter an order accepted before its user was deleted and not store it', async () => {
      const user = await signupAndLogin(api);
      await warm(user);

      // Core gathers orders for ORDERS_BATCH_WAIT_MS (1.5 s here): the delete commits before the batch is stored.
      const placed = await api.post('/api/v1/orders', order(), { token: user.accessToken });
      expect(placed.status).toBe(202);
      expect((await api.delete(`/api/v1/users/${user.id}`, { token: admin })).status).toBe(204);

      await eventually(async () => {
        const letters = await api.get('/api/v1/admin/dead-letters?page_size=100', { token: admin });
        expect(
          letters.body.data.some(
            (letter: { queue: string; payload: unknown }) => letter.queue === 'core.orders' && JSON.stringify(letter.payload).includes(placed.body.id),
          ),
        ).toBe(true);
      }, 15_000);
      const { rows } = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM orders WHERE id = $1', [placed.body.id]);
      expect(rows[0].n).toBe(0);
      expect(core.lines.some((line) => line.includes('whose user is no longer active') && line.includes(user.id))).toBe(true);
    });
  });

  describe('core killed (SIGKILL) between the commit and the cache write', () => {
    // Only the crashing core consumes core's queues while the change is made; the normal one comes back after.
    async function withCrashingCore(change: () => Promise<unknown>): Promise<void> {
      await core.stop();
      const crashing = await startApp('core', CORE_PORT, coreEnv({ TEST_CRASH_AFTER_USER_COMMIT: 'true' }));
      try {
        await change();
        await crashing.exited;
        expect(crashing.lines.some((line) => line.includes('TEST_CRASH_AFTER_USER_COMMIT: killing core'))).toBe(true);
      } finally {
        await crashing.stop('SIGKILL');
        core = await startApp('core', CORE_PORT, coreEnv());
      }
    }

    it("should refuse the deleted user's old token on every path once core is back", async () => {
      const user = await signupAndLogin(api);
      await warm(user);

      await withCrashingCore(() => api.delete(`/api/v1/users/${user.id}`, { token: admin }));
      const { rows } = await db.query<{ deleted: boolean }>('SELECT deleted_at IS NOT NULL AS deleted FROM users WHERE id = $1', [user.id]);
      expect(rows[0].deleted).toBe(true);

      await expectRevoked(user);
    });

    it('should refuse the demoted admin the admin routes once core is back', async () => {
      const second = await newAdmin();
      await warm(second);

      await withCrashingCore(() => api.put(`/api/v1/users/${second.id}`, profile(second, { name: 'Second Admin', role: 'readonly' }), { token: admin }));
      const { rows } = await db.query<{ role: string }>('SELECT role FROM users WHERE id = $1', [second.id]);
      expect(rows[0].role).toBe('readonly');

      await expectDemoted(second);
    });
  });
});
