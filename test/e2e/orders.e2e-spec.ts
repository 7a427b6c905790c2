import { createHash } from 'node:crypto';
import amqp from 'amqplib';
import { ApiClient, expectErrorEnvelope, login, loginAdmin, signupAndLogin, TestUser, uniqueEmail } from '../support/api-client';
import { eventually } from '../support/eventually';
import { order, OrderStores, UUID } from '../support/orders';
import { Platform, startPlatform } from '../support/platform';
import { TEST_ENV } from '../support/test-env';

describe('orders (e2e)', () => {
  let platform: Platform;
  let api: ApiClient;
  let stores: OrderStores;
  let admin: { accessToken: string };
  let alice: TestUser;
  let bob: TestUser;

  beforeAll(async () => {
    // order.stored events on, as with Elasticsearch, so their path to the indexer runs too.
    platform = await startPlatform(3420, ['core', 'gateway', 'indexer'], { core: { ORDER_STORED_EVENTS: 'true' } });
    api = platform.api;
    stores = await new OrderStores().open();
    admin = await loginAdmin(api);
    [alice, bob] = await Promise.all([signupAndLogin(api), signupAndLogin(api)]);
  }, 60_000);
  afterAll(async () => {
    await stores?.close();
    await platform?.stop();
  });

  const place = (body: unknown, token = alice.accessToken, headers: Record<string, string> = {}) => api.post('/api/v1/orders', body, { token, headers });
  const read = (id: string, token = alice.accessToken) => api.get(`/api/v1/orders/${id}`, { token });
  const storedEventually = (id: string, token = alice.accessToken) =>
    eventually(async () => {
      const res = await read(id, token);
      expect(res.body.status).toBe('stored');
      return res;
    });

  describe('POST /orders', () => {
    it('should answer 202 with Location and the accepted order, readable at once from the cache, then stored', async () => {
      const body = { product_name: 'Blue mug', amount: 12.5 };
      const started = Date.now();
      const res = await place(body);

      expect(res.status).toBe(202);
      expect(res.body).toEqual({
        id: expect.stringMatching(UUID),
        status: 'accepted',
        product_name: 'Blue mug',
        amount: 12.5,
        currency: 'USD',
        plan_id: null,
        created_at: expect.any(String),
      });
      expect(res.headers.get('location')).toBe(`/api/v1/orders/${res.body.id}`);
      expect(new Date(res.body.created_at).toISOString()).toBe(res.body.created_at);
      expect(Date.parse(res.body.created_at)).toBeGreaterThanOrEqual(started - 1000);

      const now = await read(res.body.id);
      expect({ status: now.status, cache: now.headers.get('x-cache'), id: now.body.id }).toEqual({ status: 200, cache: 'HIT', id: res.body.id });
      expect(['accepted', 'stored']).toContain(now.body.status);

      const stored = await storedEventually(res.body.id);
      expect(stored.body).toEqual({ ...res.body, status: 'stored' });
      const [row] = await stores.rows([res.body.id]);
      expect(row).toEqual({ id: res.body.id, user_id: alice.id, amount: '12.50', idempotency_key: null, request_hash: expect.stringMatching(/^[0-9a-f]{64}$/) });
    });

    it('should keep currency and plan_id, and accept the bounds of each field', async () => {
      const cases = [
        { product_name: 'x', amount: 0.01, currency: 'JPY', plan_id: '12xvxc345ssdsds-508' },
        { product_name: '🙂'.repeat(200), amount: 999_999_999_999.99, currency: 'EUR' },
        { product_name: 'Named plan', amount: 7, plan_id: null },
      ];
      for (const body of cases) {
        const res = await place(body);
        expect(res.status).toBe(202);
        const stored = await storedEventually(res.body.id);
        expect(stored.body).toEqual(
          expect.objectContaining({ product_name: body.product_name, amount: body.amount, currency: body.currency ?? 'USD', plan_id: body.plan_id ?? null }),
        );
      }
    });

    it.each<[string, Record<string, unknown>, string]>([
      ['amount is 0', { product_name: 'x', amount: 0 }, 'amount'],
      ['amount is negative', { product_name: 'x', amount: -5 }, 'amount'],
      ['amount has 3 decimals', { product_name: 'x', amount: 1.005 }, 'amount'],
      ['amount is a string', { product_name: 'x', amount: '12.50' }, 'amount'],
      ['amount is too large for the column', { product_name: 'x', amount: 1e13 }, 'amount'],
      ['amount is missing', { product_name: 'x' }, 'amount'],
      ['product_name is empty', { product_name: '', amount: 1 }, 'product_name'],
      ['product_name has 201 characters', { product_name: 'x'.repeat(201), amount: 1 }, 'product_name'],
      ['product_name is a number', { product_name: 42, amount: 1 }, 'product_name'],
      ['currency is lower case', { product_name: 'x', amount: 1, currency: 'usd' }, 'currency'],
      ['currency is not ISO 4217', { product_name: 'x', amount: 1, currency: 'XYZ' }, 'currency'],
      ['plan_id has a slash', { product_name: 'x', amount: 1, plan_id: 'a/b' }, 'plan_id'],
      ['an unknown field is sent', { product_name: 'x', amount: 1, status: 'stored' }, 'status'],
    ])('should answer 400 VALIDATION_ERROR naming the field and store nothing when %s', async (_case, body, field) => {
      const before = await stores.countForUser(alice.id);
      const res = await place(body);

      const error = expectErrorEnvelope(res, 400, 'VALIDATION_ERROR');
      expect(error.details.errors.map((e: { field: string }) => e.field)).toContain(field);
      expect(await stores.countForUser(alice.id)).toBe(before);
    });

    it('should refuse a readonly user with 403', async () => {
      const email = uniqueEmail('readonly');
      expect((await api.post('/api/v1/users', { name: 'Read Only', email, password: 'long-enough-1', role: 'readonly' }, { token: admin.accessToken })).status).toBe(201);
      const readonly = await login(api, email, 'long-enough-1');

      expectErrorEnvelope(await place(order(), readonly.accessToken), 403, 'FORBIDDEN');
    });
  });

  describe('GET /orders/{id}', () => {
    it("should answer 404 for another user's order, from the cache and from Postgres alike, and 200 for an admin", async () => {
      const { body } = await place(order());
      await storedEventually(body.id);

      const cached = await read(body.id, bob.accessToken);
      expectErrorEnvelope(cached, 404, 'NOT_FOUND');
      expect(cached.headers.get('x-cache')).toBe('HIT');
      await stores.redis.del(`order:${body.id}`);
      const uncached = await read(body.id, bob.accessToken);
      expectErrorEnvelope(uncached, 404, 'NOT_FOUND');
      expect(uncached.headers.get('x-cache')).toBe('MISS');

      const asAdmin = await read(body.id, admin.accessToken);
      expect({ status: asAdmin.status, id: asAdmin.body.id }).toEqual({ status: 200, id: body.id });
    });

    it('should read a stored order from Postgres on a miss, then from the cache again', async () => {
      const { body } = await place(order());
      await storedEventually(body.id);
      await stores.redis.del(`order:${body.id}`);

      const miss = await read(body.id);
      const hit = await read(body.id);

      expect([miss.headers.get('x-cache'), hit.headers.get('x-cache')]).toEqual(['MISS', 'HIT']);
      expect(miss.text).toBe(hit.text);
      expect(miss.body).toEqual({ ...body, status: 'stored' });
    });

    it('should answer 404 for an unknown id and 400 for an id that is not a UUID', async () => {
      expectErrorEnvelope(await read('8d1f0a5e-2b7c-4c1e-9f3a-6b5d4c3b2a19'), 404, 'NOT_FOUND');
      expectErrorEnvelope(await read('not-a-uuid'), 400, 'VALIDATION_ERROR');
    });
  });

  describe('GET /orders and /orders/search', () => {
    let carol: TestUser;
    let word: string;
    let mine: Array<{ id: string; amount: number }>;

    beforeAll(async () => {
      carol = await signupAndLogin(api);
      word = `q${Date.now().toString(36)}`;
      mine = [];
      for (const [name, amount] of [
        [`${word} red mug`, 30],
        [`${word} blue mug`, 10],
        [`plain cup`, 20],
      ] as const) {
        const res = await place({ product_name: name, amount }, carol.accessToken);
        mine.push({ id: res.body.id, amount });
      }
      const other = await place({ product_name: `${word} green mug`, amount: 5 }, bob.accessToken);
      await Promise.all([...mine.map((m) => storedEventually(m.id, carol.accessToken)), storedEventually(other.body.id, bob.accessToken)]);
    });

    it('should list only the caller’s orders, newest first, with the page meta', async () => {
      const res = await api.get('/api/v1/orders?page_size=2', { token: carol.accessToken });

      expect(res.status).toBe(200);
      expect(res.body.meta).toEqual({ page: 1, page_size: 2, total_count: 3, total_pages: 2 });
      expect(res.body.data.map((o: { id: string }) => o.id)).toEqual([mine[2].id, mine[1].id]);
      expect(res.body.data[0]).toEqual(expect.objectContaining({ status: 'stored', product_name: 'plain cup' }));
    });

    it('should sort by amount in either direction when asked', async () => {
      const asc = await api.get('/api/v1/orders?sort_by=amount&order=asc', { token: carol.accessToken });

      expect(asc.body.data.map((o: { amount: number }) => o.amount)).toEqual([10, 20, 30]);
    });

    it('should list every user’s orders for an admin', async () => {
      const res = await api.get('/api/v1/orders?page_size=1', { token: admin.accessToken });

      expect(res.body.meta.total_count).toBeGreaterThan(4);
    });

    it('should find orders by product name words, within the caller’s own unless admin', async () => {
      const own = await api.get(`/api/v1/orders/search?q=${word}%20mug`, { token: carol.accessToken });
      const all = await api.get(`/api/v1/orders/search?q=${word}&sort_by=amount&order=asc`, { token: admin.accessToken });
      const phrase = await api.get(`/api/v1/orders/search?q=${encodeURIComponent(`"blue mug" ${word}`)}`, { token: carol.accessToken });

      expect(own.body.data.map((o: { id: string }) => o.id).sort()).toEqual([mine[0].id, mine[1].id].sort());
      expect(own.body.meta.total_count).toBe(2);
      expect(all.body.data.map((o: { amount: number }) => o.amount)).toEqual([5, 10, 30]);
      expect(phrase.body.data.map((o: { id: string }) => o.id)).toEqual([mine[1].id]);
    });

    it.each([
      ['/api/v1/orders?page_size=101', 'page_size'],
      ['/api/v1/orders?page=0', 'page'],
      ['/api/v1/orders?sort_by=product_name', 'sort_by'],
      ['/api/v1/orders?order=up', 'order'],
      ['/api/v1/orders/search', 'q'],
      ['/api/v1/orders/search?q=', 'q'],
    ])('should answer 400 for %s', async (path, field) => {
      const error = expectErrorEnvelope(await api.get(path, { token: carol.accessToken }), 400, 'VALIDATION_ERROR');
      expect(error.details.errors.map((e: { field: string }) => e.field)).toContain(field);
    });
  });

  describe('POST /orders/bulk', () => {
    it('should accept every order in one 202 with their ids, and store them all', async () => {
      const orders = [order({ amount: 1 }), order({ amount: 2, currency: 'EUR' }), order({ amount: 3, plan_id: 'plan-1' })];
      const res = await api.post('/api/v1/orders/bulk', { orders }, { token: alice.accessToken });

      expect(res.status).toBe(202);
      expect(res.body).toEqual({ ids: [expect.stringMatching(UUID), expect.stringMatching(UUID), expect.stringMatching(UUID)] });
      const stored = await Promise.all(res.body.ids.map((id: string) => storedEventually(id)));
      expect(stored.map((s) => s.body.product_name)).toEqual(orders.map((o) => o.product_name));
    });

    it('should accept 1000 orders and refuse 1001', async () => {
      const full = await api.post('/api/v1/orders/bulk', { orders: Array.from({ length: 1000 }, (_, i) => order({ amount: i + 1 })) }, { token: alice.accessToken });
      expect({ status: full.status, ids: full.body.ids?.length }).toEqual({ status: 202, ids: 1000 });
      await eventually(async () => expect(await stores.rows(full.body.ids)).toHaveLength(1000), 20_000);

      const error = expectErrorEnvelope(
        await api.post('/api/v1/orders/bulk', { orders: Array.from({ length: 1001 }, () => order()) }, { token: alice.accessToken }),
        400,
        'VALIDATION_ERROR',
      );
      expect(error.details.errors[0].field).toBe('orders');
    });

    it('should reject the whole bulk with the failing index in details when one order is invalid', async () => {
      const before = await stores.countForUser(alice.id);
      const res = await api.post('/api/v1/orders/bulk', { orders: [order(), order(), order({ amount: 1.001 }), 'not an order'] }, { token: alice.accessToken });

      const error = expectErrorEnvelope(res, 400, 'VALIDATION_ERROR');
      expect(error.details).toEqual(expect.objectContaining({ index: 2, indexes: [2, 3] }));
      expect(error.details.errors.map((e: { field: string }) => e.field)).toEqual(['orders.2.amount', 'orders.3']);
      expect(await stores.countForUser(alice.id)).toBe(before);
    });

    it('should answer 400 for an empty bulk', async () => {
      expectErrorEnvelope(await api.post('/api/v1/orders/bulk', { orders: [] }, { token: alice.accessToken }), 400, 'VALIDATION_ERROR');
    });
  });

  describe('Idempotency-Key', () => {
    const key = () => `key-${Date.now()}-${Math.random().toString(36).slice(2)}`;

    it('should answer a retry with the same key and body with the original 202, byte for byte, and create one order', async () => {
      const k = key();
      const body = order();
      const first = await place(body, alice.accessToken, { 'idempotency-key': k });
      await storedEventually(first.body.id);
      const again = await place({ ...body, currency: 'USD' }, alice.accessToken, { 'idempotency-key': k });

      expect(first.status).toBe(202);
      expect({ status: again.status, text: again.text, location: again.headers.get('location') }).toEqual({
        status: 202,
        text: first.text,
        location: first.headers.get('location'),
      });
      const rows = await stores.rows([first.body.id]);
      expect(rows).toEqual([expect.objectContaining({ idempotency_key: k })]);
    });

    it('should answer 409 IDEMPOTENCY_KEY_REUSED when the same key comes with another body', async () => {
      const k = key();
      const first = await place(order(), alice.accessToken, { 'idempotency-key': k });

      expectErrorEnvelope(await place(order(), alice.accessToken, { 'idempotency-key': k }), 409, 'IDEMPOTENCY_KEY_REUSED');
      expect(first.status).toBe(202);
    });

    it('should scope the key to the user when another user sends it', async () => {
      const k = key();
      const body = order();
      const mineRes = await place(body, alice.accessToken, { 'idempotency-key': k });
      const theirs = await place(body, bob.accessToken, { 'idempotency-key': k });

      expect([mineRes.status, theirs.status]).toEqual([202, 202]);
      expect(theirs.body.id).not.toBe(mineRes.body.id);
    });

    it('should create one order and give every one of concurrent requests with one key the same answer', async () => {
      const k = key();
      const body = order();
      const answers = await Promise.all(Array.from({ length: 12 }, () => place(body, alice.accessToken, { 'idempotency-key': k })));

      expect(new Set(answers.map((a) => `${a.status} ${a.text}`)).size).toBe(1);
      expect(answers[0].status).toBe(202);
      await storedEventually(answers[0].body.id);
      const { rows } = await stores.db.query('SELECT count(*)::int AS n FROM orders WHERE user_id = $1 AND idempotency_key = $2', [alice.id, k]);
      expect(rows[0].n).toBe(1);
    });

    it('should still answer the original 202, or 409 for another body, after Redis was flushed', async () => {
      const k = key();
      const body = order();
      const first = await place(body, alice.accessToken, { 'idempotency-key': k });
      await storedEventually(first.body.id);

      await stores.redis.flushdb();
      const [retry, concurrent] = await Promise.all([place(body, alice.accessToken, { 'idempotency-key': k }), place(body, alice.accessToken, { 'idempotency-key': k })]);
      await stores.redis.flushdb();
      const reused = await place(order(), alice.accessToken, { 'idempotency-key': k });

      expect([retry.text, concurrent.text]).toEqual([first.text, first.text]);
      expectErrorEnvelope(reused, 409, 'IDEMPOTENCY_KEY_REUSED');
      const { rows } = await stores.db.query('SELECT count(*)::int AS n FROM orders WHERE user_id = $1 AND idempotency_key = $2', [alice.id, k]);
      expect(rows[0].n).toBe(1);
    });

    it('should replay a bulk with the same key and ids', async () => {
      const k = key();
      const orders = [order(), order()];
      const first = await api.post('/api/v1/orders/bulk', { orders }, { token: alice.accessToken, headers: { 'idempotency-key': k } });
      const again = await api.post('/api/v1/orders/bulk', { orders }, { token: alice.accessToken, headers: { 'idempotency-key': k } });

      expect(first.status).toBe(202);
      expect(again.text).toBe(first.text);
      await eventually(async () => expect(await stores.rows(first.body.ids)).toHaveLength(2));
    });

    it('should answer 400 for a key that is not 1-255 printable ASCII characters', async () => {
      expectErrorEnvelope(await place(order(), alice.accessToken, { 'idempotency-key': 'k'.repeat(256) }), 400, 'VALIDATION_ERROR');
    });
  });

  describe('poison messages and search', () => {
    it('should dead-letter a message core cannot store, list it, replay it, and go on storing the others', async () => {
      const connection = await amqp.connect(TEST_ENV.RABBITMQ_URL);
      const channel = await connection.createConfirmChannel();
      const messageId = `poison-${Date.now()}`;
      const poison = { pattern: 'orders.place', data: { orders: [{ id: 'not-a-uuid', amount: 'lots' }] } };
      channel.sendToQueue('core.orders', Buffer.from(JSON.stringify(poison)), { persistent: true, messageId });
      await channel.waitForConfirms();
      await connection.close();
      const after = await place(order());
      await storedEventually(after.body.id);

      const letter = await eventually(async () => {
        const res = await api.get('/api/v1/admin/dead-letters?page_size=100', { token: admin.accessToken });
        const found = res.body.data.find((l: { message_id: string }) => l.message_id === messageId);
        expect(found).toBeDefined();
        return found;
      });
      expect(letter).toEqual(expect.objectContaining({ queue: 'core.orders', pattern: 'orders.place', reason: 'rejected', payload: poison }));

      const replay = await api.post('/api/v1/admin/dead-letters/replay', { ids: [letter.id] }, { token: admin.accessToken });
      expect(replay.body).toEqual({ dry_run: false, matched: 1, replayed: 1, ids: [letter.id] });
      // Still not storable: it dies again and is listed again, as a new letter.
      await eventually(async () => {
        const res = await api.get('/api/v1/admin/dead-letters?page_size=100', { token: admin.accessToken });
        const again = res.body.data.filter((l: { message_id: string; id: string }) => l.message_id === messageId && l.id !== letter.id);
        expect(again).toHaveLength(1);
      });
    });

    it('should feed the indexer order.stored events and rebuild the orders index from Postgres on request', async () => {
      const res = await api.post('/api/v1/orders/bulk', { orders: [order(), order()] }, { token: alice.accessToken });
      await eventually(async () => expect(await stores.rows(res.body.ids)).toHaveLength(2));
      await eventually(async () => {
        const metrics = await (await fetch(`${platform.apps.indexer!.url}/metrics`)).text();
        expect(metrics).toMatch(/index_lag_seconds_count\{event_type="order\.stored"\} [1-9]/);
      });

      const reindex = await api.post('/api/v1/admin/reindex', { target: 'orders' }, { token: admin.accessToken });
      expect(reindex.status).toBe(202);
      await eventually(() => expect(platform.apps.core!.logs().some((entry) => String(entry.message).includes(`reindex ${reindex.body.id}: `))).toBe(true));
      const { rows } = await stores.db.query('SELECT count(*)::int AS n FROM orders');
      const line = platform.apps.core!.logs().find((entry) => String(entry.message).includes(`reindex ${reindex.body.id}: `));
      expect(String(line!.message)).toMatch(new RegExp(`: ${rows[0].n} orders written to the postgres index`));
    });
  });

  it('should hash the accepted body, defaults applied, as the request hash', async () => {
    const body = { product_name: 'Hashed', amount: 2 };
    const res = await place(body);
    await storedEventually(res.body.id);
    const [row] = await stores.rows([res.body.id]);

    const expected = createHash('sha256')
      .update(JSON.stringify({ kind: 'single', orders: [{ product_name: 'Hashed', amount: 2, currency: 'USD', plan_id: null }] }))
      .digest('hex');
    expect(row.request_hash).toBe(expected);
  });
});
