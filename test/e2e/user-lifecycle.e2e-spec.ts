import { randomInt, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import Redis from 'ioredis';
import { Client } from 'pg';
import { ApiClient, ApiResponse, expectErrorEnvelope, login, loginAdmin, signupAndLogin, TestUser, uniqueEmail } from '../support/api-client';
import { AppProcess, startApp } from '../support/app-process';
import { createContent } from '../support/content';
import { eventually } from '../support/eventually';
import { Platform, startPlatform } from '../support/platform';
import { makePlan } from '../support/plans';
import { TEST_ENV } from '../support/test-env';

const letters = () =>
  randomUUID()
    .replace(/[^a-f]/g, '')
    .slice(0, 6)
    .padEnd(6, 'q');

// A user whose name, email and phone appear nowhere else, so finding one of them anywhere is a leak.
async function distinctiveUser(api: ApiClient): Promise<TestUser & { name: string; phone: string }> {
  const name = `Ottilie Vexworth ${letters()}`;
  const phone = `+3469${randomInt(1_000_000, 9_999_999)}`;
  const email = uniqueEmail('ottilie');
  const user = await signupAndLogin(api, { name, email, phone_number: phone, country: 'ES', state: 'Madrid' });
  return { ...user, name, phone };
}

// Every (table.column) of every table in the test database whose text holds one of `needles` (case-insensitive).
async function databaseHits(db: Client, needles: string[]): Promise<string[]> {
  const { rows: columns } = await db.query<{ table_name: string; column_name: string }>(
    `SELECT c.table_name, c.column_name FROM information_schema.columns c
       JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
      WHERE c.table_schema = 'public' AND t.table_type = 'BASE TABLE' ORDER BY 1, 2`,
  );
  expect(columns.length).toBeGreaterThan(40);
  const hits: string[] = [];
  for (const { table_name: table, column_name: column } of columns) {
    const ident = (name: string) => `"${name.replace(/"/g, '""')}"`;
    const { rows } = await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM ${ident(table)} WHERE EXISTS (SELECT 1 FROM unnest($1::text[]) AS needle WHERE strpos(lower(${ident(column)}::text), lower(needle)) > 0)`,
      [needles],
    );
    if (rows[0].n > 0) hits.push(`${table}.${column} (${rows[0].n})`);
  }
  return hits;
}

// Every key of the test Redis database whose name or value holds one of `needles`.
async function redisHits(redis: Redis, needles: string[]): Promise<{ hits: string[]; keys: number }> {
  const hits: string[] = [];
  let keys = 0;
  let cursor = '0';
  do {
    const [next, batch] = await redis.scan(cursor, 'COUNT', 1000);
    cursor = next;
    for (const key of batch) {
      keys += 1;
      const type = await redis.type(key);
      let value = '';
      if (type === 'string') value = (await redis.get(key)) ?? '';
      else if (type === 'hash') value = JSON.stringify(await redis.hgetall(key));
      else if (type === 'list') value = JSON.stringify(await redis.lrange(key, 0, -1));
      else if (type === 'set') value = JSON.stringify(await redis.smembers(key));
      else if (type === 'zset') value = JSON.stringify(await redis.zrange(key, 0, -1, 'WITHSCORES'));
      else if (type === 'stream') value = JSON.stringify(await redis.xrange(key, '-', '+'));
      const text = `${key} ${value}`.toLowerCase();
      if (needles.some((needle) => text.includes(needle.toLowerCase()))) hits.push(key);
    }
  } while (cursor !== '0');
  return { hits, keys };
}

const rssKb = (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);

describe('closing an account, erasure and export (e2e)', () => {
  let platform: Platform;
  let api: ApiClient;
  let admin: { accessToken: string };
  let db: Client;
  let redis: Redis;

  beforeAll(async () => {
    platform = await startPlatform(3500);
    api = platform.api;
    admin = await loginAdmin(api);
    db = new Client({ connectionString: TEST_ENV.DATABASE_URL });
    await db.connect();
    redis = new Redis(TEST_ENV.REDIS_URL);
  });
  afterAll(async () => {
    redis?.disconnect();
    await db?.end();
    await platform?.stop();
  });

  it('should document the three routes in /openapi.json with their success and error responses', async () => {
    const doc = (await api.get('/openapi.json')).body;
    const responses = (path: string, method: string) => Object.keys(doc.paths[path]?.[method]?.responses ?? {}).sort();
    expect(responses('/api/v1/users/me', 'delete')).toEqual(expect.arrayContaining(['204', '401', '403']));
    expect(responses('/api/v1/users/me/export', 'get')).toEqual(expect.arrayContaining(['200', '401']));
    expect(responses('/api/v1/admin/users/{id}/erase', 'post')).toEqual(expect.arrayContaining(['204', '400', '401', '403', '404', '409']));
    const exportSchema = doc.paths['/api/v1/users/me/export'].get.responses['200'].content['application/json'].schema;
    expect(exportSchema.$ref).toMatch(/UserExportDocument$/);
    expect(Object.keys(doc.components.schemas.UserExportDocument.properties)).toEqual(['generated_at', 'user', 'plans', 'orders', 'content']);
  });

  const erase = (id: string, token = admin.accessToken) => api.post(`/api/v1/admin/users/${id}/erase`, undefined, { token });

  describe('DELETE /users/me', () => {
    it('should close the caller account: 204, then its token is refused and its password no longer logs in', async () => {
      const user = await signupAndLogin(api);
      expect((await api.get('/api/v1/users/me', { token: user.accessToken })).status).toBe(200);

      const closed = await api.delete('/api/v1/users/me', { token: user.accessToken });

      expect(closed.status).toBe(204);
      expect(closed.text).toBe('');
      const refused = await api.get('/api/v1/users/me', { token: user.accessToken });
      expectErrorEnvelope(refused, 401, 'INVALID_TOKEN');
      expect(refused.headers.get('www-authenticate')).toMatch(/^Bearer/);
      expectErrorEnvelope(await api.post('/api/v1/auth/token', { username: user.email, password: user.password }), 401, 'INVALID_CREDENTIALS');
      expect((await api.post('/api/v1/auth/refresh', { refresh_token: user.refreshToken })).status).toBe(401);
      const { rows } = await db.query('SELECT deleted_at, erased_at FROM users WHERE id = $1', [user.id]);
      expect(rows[0].deleted_at).toBeInstanceOf(Date);
      expect(rows[0].erased_at).toBeNull(); // erasure waits for the grace period
    });

    it('should let a readonly user close their account, and refuse an admin (403)', async () => {
      const email = uniqueEmail('ro');
      const created = await api.post('/api/v1/users', { name: 'Read Only', email, password: 'readonly-pass', role: 'readonly' }, { token: admin.accessToken });
      const readonly = await login(api, email, 'readonly-pass');

      expect((await api.delete('/api/v1/users/me', { token: readonly.accessToken })).status).toBe(204);
      expectErrorEnvelope(await api.delete('/api/v1/users/me', { token: admin.accessToken }), 403, 'FORBIDDEN');
      expect((await db.query('SELECT deleted_at FROM users WHERE id = $1', [created.body.id])).rows[0].deleted_at).toBeInstanceOf(Date);
      expect((await api.get('/api/v1/users/me', { token: admin.accessToken })).status).toBe(200);
    });

    it('should answer 401 without a token', async () => {
      expectErrorEnvelope(await api.delete('/api/v1/users/me'), 401, 'UNAUTHORIZED');
    });
  });

  describe('POST /admin/users/{id}/erase', () => {
    it('should refuse a live user (409 USER_NOT_DELETED), an unknown one (404), a bad id (400) and a non-admin (403)', async () => {
      const user = await signupAndLogin(api);
      expectErrorEnvelope(await erase(user.id), 409, 'USER_NOT_DELETED');
      expectErrorEnvelope(await erase(randomUUID()), 404, 'NOT_FOUND');
      expectErrorEnvelope(await erase('not-a-uuid'), 400, 'VALIDATION_ERROR');
      expectErrorEnvelope(await erase(user.id, user.accessToken), 403, 'FORBIDDEN');
      expect((await api.get('/api/v1/users/me', { token: user.accessToken })).status).toBe(200);
    });

    it('should leave no row, cache entry or index document holding the email, name or phone, and keep content and orders', async () => {
      const user = await distinctiveUser(api);
      const needles = [user.email, user.name, user.phone];
      // Everything that can hold the user: content (cached item, author entry and page), an order (row, cache),
      // the principal cache, the outbox (user.created), a dead letter with the signup's body.
      const item = (await createContent(api, user.accessToken, { title: 'Erasure survives', content: 'This text outlives its author.' })).body;
      expect((await api.get(`/api/v1/content/${item.id}`, { token: user.accessToken })).body.author.name).toBe(user.name);
      expect((await api.get(`/api/v1/content/${item.id}`, { token: user.accessToken })).headers.get('x-cache')).toBe('HIT');
      const page = await api.get('/api/v1/content?page_size=100', { token: user.accessToken });
      expect(JSON.stringify(page.body)).toContain(user.name);
      const order = await api.post('/api/v1/orders', { product_name: 'Erasure test order', amount: 12.5 }, { token: user.accessToken });
      expect(order.status).toBe(202);
      await eventually(async () => expect((await api.get(`/api/v1/orders/${order.body.id}`, { token: user.accessToken })).body.status).toBe('stored'));
      await db.query(
        `INSERT INTO dead_letters (id, dedupe_key, queue, exchange, routing_key, reason, pattern, body, headers, properties)
         VALUES ($1, $2, 'core.rpc', '', 'core.rpc', 'rejected', 'auth.signup', $3, '{}', $4)`,
        [
          randomUUID(),
          `erasure-${randomUUID()}`,
          JSON.stringify({ pattern: 'auth.signup', data: { name: user.name, email: user.email, phone_number: user.phone } }),
          JSON.stringify({ headers: { note: user.email } }),
        ],
      );
      expect(await databaseHits(db, needles)).toEqual(expect.arrayContaining(['users.email (1)', 'outbox.payload (1)', 'dead_letters.body (1)']));
      expect((await redisHits(redis, needles)).hits).toEqual(expect.arrayContaining([`principal:${user.id}`, `content:author:${user.id}`]));

      expect((await api.delete(`/api/v1/users/${user.id}`, { token: admin.accessToken })).status).toBe(204);
      const erased = await erase(user.id);

      expect(erased.status).toBe(204);
      expect(await databaseHits(db, needles)).toEqual([]);
      const redisScan = await redisHits(redis, needles);
      expect(redisScan.keys).toBeGreaterThan(0);
      expect(redisScan.hits).toEqual([]);
      const { rows } = await db.query('SELECT name, email, phone_number, country, state, erased_at FROM users WHERE id = $1', [user.id]);
      expect(rows[0]).toMatchObject({ name: 'Deleted user', email: `erased-${user.id}@erased.invalid`, phone_number: null, country: null, state: null });
      expect(rows[0].erased_at).toBeInstanceOf(Date);
      expect((await db.query('SELECT count(*)::int AS n FROM refresh_tokens WHERE user_id = $1', [user.id])).rows[0].n).toBe(0);
      // The content stays, shown as a deleted user, cached or not; the order stays for accounting.
      const after = await api.get(`/api/v1/content/${item.id}`, { token: admin.accessToken });
      expect(after.body).toMatchObject({ id: item.id, title: 'Erasure survives', author: { id: user.id, name: 'Deleted user' } });
      const listed = await api.get('/api/v1/content?page_size=100', { token: admin.accessToken });
      expect(listed.body.data.find((entry: { id: string }) => entry.id === item.id).author).toEqual({ id: user.id, name: 'Deleted user' });
      expect((await api.get(`/api/v1/content/search?q=outlives`, { token: admin.accessToken })).body.data.map((hit: { id: string }) => hit.id)).toContain(item.id);
      expect((await api.get(`/api/v1/orders/${order.body.id}`, { token: admin.accessToken })).body).toMatchObject({ status: 'stored', amount: 12.5 });
      expect(await databaseHits(db, needles)).toEqual([]); // the reads above refilled the caches: still nothing
      expect((await redisHits(redis, needles)).hits).toEqual([]);
      expectErrorEnvelope(await api.post('/api/v1/auth/token', { username: user.email, password: user.password }), 401, 'INVALID_CREDENTIALS');
    });

    it('should be idempotent: erasing again answers 204 and changes nothing', async () => {
      const user = await distinctiveUser(api);
      await api.delete(`/api/v1/users/${user.id}`, { token: admin.accessToken });
      expect((await erase(user.id)).status).toBe(204);
      const before = (await db.query('SELECT * FROM users WHERE id = $1', [user.id])).rows[0];

      expect((await erase(user.id)).status).toBe(204);

      expect((await db.query('SELECT * FROM users WHERE id = $1', [user.id])).rows[0]).toEqual(before);
    });
  });

  describe('the scheduled erasure (USER_ERASURE_GRACE)', () => {
    let scheduler: AppProcess;
    afterAll(() => scheduler?.stop());

    it('should erase a user soft-deleted longer than the grace, once, and leave a recently deleted one alone', async () => {
      const old = await distinctiveUser(api);
      const recent = await distinctiveUser(api);
      expect((await api.delete(`/api/v1/users/${old.id}`, { token: admin.accessToken })).status).toBe(204);
      expect((await api.delete('/api/v1/users/me', { token: recent.accessToken })).status).toBe(204);
      // The old deletion happened before the grace (an hour) began; the recent one just now.
      await db.query(`UPDATE users SET deleted_at = now() - interval '2 hours' WHERE id = $1`, [old.id]);

      scheduler = await startApp('scheduler', 3503, { USER_ERASURE_SCHEDULE: '* * * * * *', USER_ERASURE_GRACE: '1h', PROVIDER_URL: 'http://127.0.0.1:9/feed' });

      const erasedAt = await eventually(async () => {
        const { rows } = await db.query('SELECT erased_at FROM users WHERE id = $1', [old.id]);
        expect(rows[0].erased_at).toBeInstanceOf(Date);
        return rows[0].erased_at as Date;
      }, 15_000);
      expect(await databaseHits(db, [old.email, old.name, old.phone])).toEqual([]);
      // Later ticks (one a second) find nothing more to do for it: the erasure is not repeated.
      await eventually(async () => {
        const ticks = scheduler.lines.filter((line) => line.includes('user erasure requested')).length;
        expect(ticks).toBeGreaterThanOrEqual(3);
      }, 15_000);
      expect((await db.query('SELECT erased_at FROM users WHERE id = $1', [old.id])).rows[0].erased_at).toEqual(erasedAt);
      expect((await db.query('SELECT erased_at, email FROM users WHERE id = $1', [recent.id])).rows[0]).toEqual({ erased_at: null, email: recent.email });
    });
  });

  describe('GET /users/me/export', () => {
    it('should stream everything the caller owns, and nothing of anyone else, as one JSON document', async () => {
      const owner = await distinctiveUser(api);
      const other = await signupAndLogin(api);
      const plan = makePlan();
      expect((await api.post('/api/v1/plans', plan, { token: owner.accessToken })).status).toBe(201);
      expect((await api.post('/api/v1/plans', makePlan(), { token: other.accessToken })).status).toBe(201);
      const item = (await createContent(api, owner.accessToken)).body;
      await createContent(api, other.accessToken);
      const ORDERS = 20_000;
      // Orders straight into Postgres (the write path is not under test), a few sharing one created_at so the
      // keyset's tie-break on id is exercised at page boundaries.
      await db.query(
        `INSERT INTO orders (id, user_id, product_name, amount, currency, request_hash, created_at)
         SELECT gen_random_uuid(), $1, 'export order ' || i, ((i % 1000) + 1) / 100.0, 'EUR', md5(i::text) || md5(i::text),
                timestamptz '2026-01-01T00:00:00Z' + ((i / 3) || ' seconds')::interval
           FROM generate_series(1, $2) AS i`,
        [owner.id, ORDERS],
      );
      await db.query(
        `INSERT INTO orders (id, user_id, product_name, amount, currency, request_hash, created_at)
         SELECT gen_random_uuid(), $1, 'not yours', 1, 'USD', md5(i::text) || md5(i::text), now() FROM generate_series(1, 50) AS i`,
        [other.id],
      );
      const pid = platform.apps.gateway!.pid!;
      const rssBefore = rssKb(pid);
      let rssPeak = rssBefore;
      const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, rssKb(pid))), 10);

      let response: ApiResponse;
      try {
        response = await api.get('/api/v1/users/me/export', { token: owner.accessToken });
      } finally {
        clearInterval(sampler);
      }

      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
      // Streamed, not buffered: no Content-Length known up front, the body goes out in chunks.
      expect(response.headers.get('content-length')).toBeNull();
      expect(response.headers.get('transfer-encoding')).toBe('chunked');
      const document = JSON.parse(response.text);
      expect(Object.keys(document)).toEqual(['generated_at', 'user', 'plans', 'orders', 'content']);
      expect(new Date(document.generated_at).toISOString()).toBe(document.generated_at);
      expect(document.user).toMatchObject({ id: owner.id, name: owner.name, email: owner.email, phone_number: owner.phone });
      expect(response.text).not.toMatch(/password/i);
      expect(document.plans.map((entry: { data: { objectId: string } }) => entry.data.objectId)).toEqual([plan.objectId]);
      expect(document.plans[0].metadata.created_by).toBe(owner.id);
      expect(document.content).toEqual([expect.objectContaining({ id: item.id, author: { id: owner.id, name: owner.name } })]);
      expect(document.orders).toHaveLength(ORDERS);
      expect(new Set(document.orders.map((entry: { id: string }) => entry.id)).size).toBe(ORDERS);
      expect(response.text).not.toContain('not yours');
      const { rows } = await db.query('SELECT id FROM orders WHERE user_id = $1', [owner.id]);
      expect(new Set(document.orders.map((entry: { id: string }) => entry.id))).toEqual(new Set(rows.map((row: { id: string }) => row.id)));
      // Newest first.
      const times = document.orders.map((entry: { created_at: string }) => entry.created_at);
      expect([...times].sort().reverse()).toEqual(times);
      // Reported, not asserted (GC timing varies): the gateway's resident memory while it streamed the document.
      console.log(`export: ${response.text.length} bytes, ${ORDERS} orders; gateway RSS ${rssBefore} kB before, peak ${rssPeak} kB (+${rssPeak - rssBefore} kB)`);
    }, 60_000);
  });
});
