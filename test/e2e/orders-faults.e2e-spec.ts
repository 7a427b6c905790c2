import { randomUUID } from 'node:crypto';
import { QUEUES } from '@app/contracts';
import { nameBasedOrderIds } from '../../apps/gateway/src/orders/place-orders.use-case';
import { ApiClient, expectErrorEnvelope, loginAdmin, signupAndLogin } from '../support/api-client';
import { AppProcess, startApp } from '../support/app-process';
import { eventually } from '../support/eventually';
import { order, OrderStores, postMany } from '../support/orders';
import { Platform, startPlatform } from '../support/platform';
import { ThrowawayRedis } from '../support/redis-server';
import { EventTap } from '../support/rmq-probe';
import { TcpProxy } from '../support/tcp-proxy';
import { TEST_ENV } from '../support/test-env';

describe('core killed with SIGKILL while orders flow (e2e)', () => {
  const TOTAL = 4000;
  // order.stored events on, as with Elasticsearch, to check the index's feed too.
  const SLOW_BATCHES = { ORDERS_BATCH_WAIT_MS: '300', ORDERS_BATCH_SIZE: '1000', ORDERS_FLUSH_CONCURRENCY: '1', ORDER_STORED_EVENTS: 'true' };
  let platform: Platform;
  let tap: EventTap;
  let stores: OrderStores;

  beforeAll(async () => {
    tap = await new EventTap().open('order.*');
    // Long batches, so the kill finds orders delivered to core and not yet acked (they must come back, once).
    platform = await startPlatform(3440, ['core', 'gateway', 'indexer'], { core: SLOW_BATCHES });
    stores = await new OrderStores().open();
  }, 60_000);
  afterAll(async () => {
    await platform?.stop();
    await stores?.close();
    await tap?.close();
  });

  it('should store every order that got a 202 exactly once, and index it exactly once, after core is killed and restarted mid-stream', async () => {
    const api = platform.api;
    const user = await signupAndLogin(api);
    const admin = await loginAdmin(api);
    const word = `k9${randomUUID().slice(0, 8)}`;
    let restarted: Promise<AppProcess> | undefined;

    const results = await postMany(
      api,
      user.accessToken,
      TOTAL,
      32,
      (index) => order({ product_name: `${word} order ${index}`, amount: (index % 500) + 1 }),
      (accepted) => {
        if (accepted === Math.floor(TOTAL * 0.3)) platform.apps.core!.signal('SIGKILL');
        if (accepted === Math.floor(TOTAL * 0.7)) restarted = startApp('core', 3441, SLOW_BATCHES);
      },
    );
    platform.apps.core = await restarted!;

    // The gateway needs no core to accept orders: every request got its 202 while core was dead.
    expect(results.filter((result) => result.status !== 202)).toEqual([]);
    const ids = results.map((result) => result.id!);
    expect(new Set(ids).size).toBe(TOTAL);
    await eventually(async () => expect((await stores.rows(ids)).length).toBe(TOTAL), 60_000, 250);
    expect(await stores.countForUser(user.id)).toBe(TOTAL);

    const search = await api.get(`/api/v1/orders/search?q=${word}&page_size=1`, { token: admin.accessToken });
    expect(search.body.meta.total_count).toBe(TOTAL);

    // The index's feed: one order.stored per committed batch, each order in exactly one of them (the relay may
    // publish an event twice after a crash; the same event id is the same event).
    const events = await eventually(() => {
      const distinct = new Map<string, string[]>();
      for (const { data } of tap.bodies()) {
        const mine = (data.data.orders as Array<{ id: string; user_id: string }>).filter((o) => o.user_id === user.id).map((o) => o.id);
        if (mine.length > 0) distinct.set(data.event_id, mine);
      }
      const indexed = [...distinct.values()].flat();
      expect(indexed.length).toBeGreaterThanOrEqual(TOTAL);
      return indexed;
    }, 30_000);
    expect(events.length).toBe(TOTAL);
    expect(new Set(events)).toEqual(new Set(ids));
  }, 120_000);
});

describe('broker unreachable from the gateway at POST time (e2e)', () => {
  // The gateway reaches RabbitMQ through a proxy the test can cut; core reaches it directly.
  const proxy = new TcpProxy(3447, { host: '127.0.0.1', port: 5672 });
  let core: AppProcess;
  let gateway: AppProcess;
  let api: ApiClient;
  let stores: OrderStores;

  beforeAll(async () => {
    await proxy.start();
    core = await startApp('core', 3446);
    gateway = await startApp('gateway', 3445, { RABBITMQ_URL: proxy.url(TEST_ENV.RABBITMQ_URL) });
    api = new ApiClient(gateway.url);
    stores = await new OrderStores().open();
  }, 60_000);
  afterAll(async () => {
    await Promise.all([gateway, core].map((app) => app?.stop()));
    await proxy.cut();
    await stores?.close();
  });

  it('should answer 503 at once and leave no order in Redis or Postgres while the broker is away, then accept orders again when it is back', async () => {
    const user = await signupAndLogin(api);
    const before = await api.post('/api/v1/orders', order(), { token: user.accessToken });
    expect(before.status).toBe(202);

    await proxy.cut();
    await eventually(async () => expect((await fetch(`${gateway.url}/health/ready`)).status).toBe(503));
    const key = `lost-${randomUUID()}`;
    const [lostId] = nameBasedOrderIds(user.id, key, 'single', 1);
    const started = Date.now();
    const refused = await api.post('/api/v1/orders', order(), { token: user.accessToken, headers: { 'idempotency-key': key } });
    const elapsed = Date.now() - started;
    const refusedBulk = await api.post('/api/v1/orders/bulk', { orders: [order(), order()] }, { token: user.accessToken });

    // Never sent: a certain refusal, and the envelope says so.
    expect(expectErrorEnvelope(refused, 503, 'SERVICE_UNAVAILABLE').details).toEqual({ outcome: 'not_accepted' });
    expect(expectErrorEnvelope(refusedBulk, 503, 'SERVICE_UNAVAILABLE').details).toEqual({ outcome: 'not_accepted' });
    expect(elapsed).toBeLessThan(1000);
    expect(await stores.redis.exists(`order:${lostId}`, `idem:${user.id}:${key}`)).toBe(0);
    expect(await stores.redis.keys('order:*')).not.toContain(`order:${lostId}`);

    await proxy.start();
    const after = await eventually(
      async () => {
        const res = await api.post('/api/v1/orders', order(), { token: user.accessToken });
        expect(res.status).toBe(202);
        return res;
      },
      20_000,
      250,
    );
    await eventually(async () => expect(await stores.rows([after.body.id])).toHaveLength(1), 10_000);

    // Nothing was published while the broker was away: everything published before `after` is stored by now.
    expect(await stores.rows([lostId])).toEqual([]);
    expect(await stores.countForUser(user.id)).toBe(2);
    // The client's retry of the refused request now goes through, once.
    const retried = await api.post('/api/v1/orders', order(), { token: user.accessToken, headers: { 'idempotency-key': key } });
    expect({ status: retried.status, id: retried.body.id }).toEqual({ status: 202, id: lostId });
    await eventually(async () => expect(await stores.countForUser(user.id)).toBe(3));
  }, 60_000);
});

describe('Redis down or flushed under orders (e2e)', () => {
  const redis = new ThrowawayRedis(3693);
  let core: AppProcess;
  let gateway: AppProcess;
  let api: ApiClient;
  let stores: OrderStores;

  beforeAll(async () => {
    await redis.start();
    core = await startApp('core', 3456, { REDIS_URL: redis.url });
    gateway = await startApp('gateway', 3455, { REDIS_URL: redis.url });
    api = new ApiClient(gateway.url);
    stores = await new OrderStores().open();
  }, 60_000);
  afterAll(async () => {
    await Promise.all([gateway, core].map((app) => app?.stop()));
    await redis.stop();
    await stores?.close();
  });

  it('should accept, store and serve orders with Redis down (BYPASS), keep Idempotency-Key retries to one order, and lose nothing when it comes back empty', async () => {
    const user = await signupAndLogin(api);
    const read = (id: string) => api.get(`/api/v1/orders/${id}`, { token: user.accessToken });
    const stored = (id: string, cache: string) =>
      eventually(async () => {
        const res = await read(id);
        expect({ status: res.status, order: res.body?.status, cache: res.headers.get('x-cache') }).toEqual({ status: 200, order: 'stored', cache });
        return res;
      });
    const before = await api.post('/api/v1/orders', order(), { token: user.accessToken });
    await stored(before.body.id, 'HIT');

    await redis.stop();
    const during = await api.post('/api/v1/orders', order(), { token: user.accessToken });
    const key = `redis-down-${randomUUID()}`;
    const body = order();
    const keyed = await api.post('/api/v1/orders', body, { token: user.accessToken, headers: { 'idempotency-key': key } });
    expect([during.status, keyed.status]).toEqual([202, 202]);
    await stored(during.body.id, 'BYPASS');
    await stored(keyed.body.id, 'BYPASS');
    const retried = await api.post('/api/v1/orders', body, { token: user.accessToken, headers: { 'idempotency-key': key } });
    expect(retried.text).toBe(keyed.text);
    expectErrorEnvelope(await api.post('/api/v1/orders', order(), { token: user.accessToken, headers: { 'idempotency-key': key } }), 409, 'IDEMPOTENCY_KEY_REUSED');
    const list = await api.get('/api/v1/orders', { token: user.accessToken });
    expect(list.body.meta.total_count).toBe(3);

    await redis.start(); // a new, empty Redis: the same as a flush
    await eventually(async () => expect((await fetch(`${gateway.url}/health/ready`)).status).toBe(200));
    const reads = [await read(before.body.id), await read(before.body.id)];
    expect(reads.map((res) => res.headers.get('x-cache'))).toEqual(['MISS', 'HIT']);
    expect(reads[0].body).toEqual({ ...before.body, status: 'stored' });
    const afterFlush = await api.post('/api/v1/orders', body, { token: user.accessToken, headers: { 'idempotency-key': key } });
    expect(afterFlush.text).toBe(keyed.text);
    expect(await stores.countForUser(user.id)).toBe(3);
  }, 60_000);
});

describe('broker took the order but its confirm never came back (e2e)', () => {
  // The gateway reaches RabbitMQ through a proxy that can hold back the broker's replies (the confirms); core
  // reaches it directly and stores what the broker took.
  const proxy = new TcpProxy(3448, { host: '127.0.0.1', port: 5672 });
  let core: AppProcess;
  let gateway: AppProcess;
  let api: ApiClient;
  let stores: OrderStores;

  beforeAll(async () => {
    await proxy.start();
    core = await startApp('core', 3451);
    gateway = await startApp('gateway', 3450, { RABBITMQ_URL: proxy.url(TEST_ENV.RABBITMQ_URL), ORDER_PUBLISH_TIMEOUT_MS: '4000' });
    api = new ApiClient(gateway.url);
    stores = await new OrderStores().open();
  }, 60_000);
  afterAll(async () => {
    await Promise.all([gateway, core].map((app) => app?.stop()));
    await proxy.cut();
    await stores?.close();
  });

  const ready = () => eventually(async () => expect((await fetch(`${gateway.url}/health/ready`)).status).toBe(200), 20_000, 200);
  // An AMQP basic.publish (class 60, method 40) to the default exchange with routing key core.orders: only the
  // gateway's order publisher sends it, so only its connection gets its confirms held.
  const ORDER_PUBLISH = Buffer.concat([Buffer.from([0, 60, 0, 40, 0, 0, 0, QUEUES.orders.length]), Buffer.from(QUEUES.orders)]);

  it('should answer 503 with the order id and an unknown outcome when the connection closes before the confirm, and a retry with the key never duplicates the stored order', async () => {
    const user = await signupAndLogin(api);
    const key = `unconfirmed-${randomUUID()}`;
    const [id] = nameBasedOrderIds(user.id, key, 'single', 1);
    const body = order();

    proxy.holdRepliesAfter(ORDER_PUBLISH);
    const pending = api.post('/api/v1/orders', body, { token: user.accessToken, headers: { 'idempotency-key': key } });
    // The broker has it: core stores it, while the gateway still waits for the confirm.
    await eventually(async () => expect(await stores.rows([id])).toHaveLength(1), 3500, 50);
    expect(proxy.holding).toBe(1);
    proxy.dropHeld();
    const answer = await pending;

    expect(expectErrorEnvelope(answer, 503, 'SERVICE_UNAVAILABLE').details).toEqual({ outcome: 'unknown', order_id: id });
    await ready();
    const read = await api.get(`/api/v1/orders/${id}`, { token: user.accessToken });
    expect({ status: read.status, id: read.body.id, status_field: read.body.status }).toEqual({ status: 200, id, status_field: 'stored' });
    const retried = await api.post('/api/v1/orders', body, { token: user.accessToken, headers: { 'idempotency-key': key } });
    expect({ status: retried.status, id: retried.body.id }).toEqual({ status: 202, id });
    expect(await stores.countForUser(user.id)).toBe(1);
  }, 60_000);

  it('should answer 503 with the order id and an unknown outcome when the confirm times out, and GET /orders/{id} then tells it was stored', async () => {
    await ready();
    const user = await signupAndLogin(api);

    proxy.holdRepliesAfter(ORDER_PUBLISH);
    const answer = await api.post('/api/v1/orders', order(), { token: user.accessToken });
    const details = expectErrorEnvelope(answer, 503, 'SERVICE_UNAVAILABLE').details;
    proxy.dropHeld();
    await ready();

    expect(details).toEqual({ outcome: 'unknown', order_id: expect.stringMatching(/^[0-9a-f-]{36}$/) });
    await eventually(async () => {
      const read = await api.get(`/api/v1/orders/${details.order_id}`, { token: user.accessToken });
      expect({ status: read.status, order: read.body.status }).toEqual({ status: 200, order: 'stored' });
    });
    expect(await stores.countForUser(user.id)).toBe(1);
  }, 60_000);
});
