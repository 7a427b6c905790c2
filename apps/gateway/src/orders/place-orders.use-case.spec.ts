import { DomainError, MetricsService } from '@app/common';
import { Actor, OrderPlacement } from '@app/contracts';
import { GatewayConfig } from '../config/gateway.config';
import { CoreClient } from '../core-client/core.client';
import { IdempotencyRecord, IdempotencyStore, Reservation } from './idempotency.store';
import { AcceptedOrder, OrderCacheStore } from './order-cache.store';
import { OrderPublisher } from './order.publisher';
import { nameBasedOrderIds, PlaceOrdersUseCase } from './place-orders.use-case';

const actor: Actor = { id: '7c9e6679-7425-40de-944b-e07fc1f90ae7', role: 'user' };
const config = { ORDER_PUBLISH_TIMEOUT_MS: 200, IDEMPOTENCY_KEY_TTL: 86_400_000 } as GatewayConfig;
const mug = { product_name: 'Mug', amount: 12.5 };

// The use case with its collaborators recorded: what was published, cached, reserved, released, and asked of core.
function harness(
  options: {
    publish?: () => Promise<void>;
    reserve?: () => Promise<Reservation>;
    reads?: Array<IdempotencyRecord | null>;
    core?: unknown;
    config?: Partial<GatewayConfig>;
  } = {},
) {
  const log = { published: [] as OrderPlacement[][], cached: [] as Array<{ orders: AcceptedOrder[]; answer?: unknown }>, released: 0, coreCalls: 0 };
  const publisher = {
    publish: async (orders: OrderPlacement[]) => {
      await (options.publish ?? (async () => undefined))();
      log.published.push(orders);
    },
  } as unknown as OrderPublisher;
  const cache = { accepted: async (orders: AcceptedOrder[], answer?: unknown) => void log.cached.push({ orders, answer }) } as unknown as OrderCacheStore;
  const reads = [...(options.reads ?? [])];
  const idempotency = {
    reserve: options.reserve ?? (async () => ({ state: 'reserved', complete: true })),
    read: async () => reads.shift() ?? null,
    release: async () => void (log.released += 1),
  } as unknown as IdempotencyStore;
  const core = {
    send: async () => {
      log.coreCalls += 1;
      if (options.core instanceof Error) throw options.core;
      return options.core ?? { order: null, request_hash: null };
    },
  } as unknown as CoreClient;
  return { sut: new PlaceOrdersUseCase(publisher, cache, idempotency, core, { ...config, ...options.config }, new MetricsService()), log };
}

const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (error: unknown) => error as DomainError,
  );

describe('PlaceOrdersUseCase', () => {
  it('should publish the order with a new id and created_at, then cache it as accepted, and answer its view with Location when no key is sent', async () => {
    const { sut, log } = harness();

    const answer = await sut.execute(actor, 'single', [mug], undefined, 'req-1');

    const view = JSON.parse(answer.body);
    expect(view).toEqual({
      id: expect.any(String),
      status: 'accepted',
      product_name: 'Mug',
      amount: 12.5,
      currency: 'USD',
      plan_id: null,
      created_at: expect.any(String),
    });
    expect(answer.location).toBe(`/api/v1/orders/${view.id}`);
    expect(log.published).toEqual([
      [expect.objectContaining({ id: view.id, user_id: actor.id, amount: '12.50', currency: 'USD', idempotency_key: null, created_at: view.created_at })],
    ]);
    expect(log.cached).toEqual([{ orders: [{ id: view.id, ownerId: actor.id, viewJson: answer.body }], answer: undefined }]);
  });

  it('should cache nothing and pass the 503 on when the publish is not confirmed', async () => {
    const { sut, log } = harness({ publish: () => Promise.reject(new DomainError('SERVICE_UNAVAILABLE', 'no confirm')) });

    expect((await failure(sut.execute(actor, 'single', [mug], undefined, 'req-1')))?.code).toBe('SERVICE_UNAVAILABLE');
    expect(log.cached).toEqual([]);
  });

  it('should publish under the name-based id and record the answer without asking core when Redis vouches for the key', async () => {
    const { sut, log } = harness();

    const answer = await sut.execute(actor, 'single', [mug], 'key-1', 'req-1');

    expect(JSON.parse(answer.body).id).toBe(nameBasedOrderIds(actor.id, 'key-1', 'single', 1)[0]);
    expect(log.coreCalls).toBe(0);
    expect(log.cached[0].answer).toEqual({
      userId: actor.id,
      key: 'key-1',
      record: { s: 'done', h: expect.stringMatching(/^[0-9a-f]{64}$/), b: answer.body, l: answer.location },
    });
  });

  it('should answer the recorded 202 without publishing when a retry finds the key done with the same body', async () => {
    const first = harness();
    const original = await first.sut.execute(actor, 'single', [mug], 'key-1', 'req-1');
    const record = (first.log.cached[0].answer as { record: IdempotencyRecord }).record;
    const { sut, log } = harness({ reserve: async () => ({ state: 'taken', record }) });

    expect(await sut.execute(actor, 'single', [{ ...mug, currency: 'USD' }], 'key-1', 'req-2')).toEqual(original);
    expect(log.published).toEqual([]);
  });

  it('should answer 409 IDEMPOTENCY_KEY_REUSED when the key was used with another body', async () => {
    const { sut, log } = harness({ reserve: async () => ({ state: 'taken', record: { s: 'done', h: 'f'.repeat(64), b: '{}' } }) });

    expect((await failure(sut.execute(actor, 'single', [mug], 'key-1', 'req-1')))?.code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(log.published).toEqual([]);
  });

  it('should wait for a concurrent request with the key and give its answer when that one finishes', async () => {
    const owner = harness();
    const original = await owner.sut.execute(actor, 'single', [mug], 'key-1', 'req-1');
    const done = (owner.log.cached[0].answer as { record: IdempotencyRecord }).record;
    const pending: IdempotencyRecord = { s: 'pending', h: done.h, t: 'someone' };
    const { sut, log } = harness({ reserve: async () => ({ state: 'taken', record: pending }), reads: [pending, pending, done] });

    expect(await sut.execute(actor, 'single', [mug], 'key-1', 'req-2')).toEqual(original);
    expect(log.published).toEqual([]);
  });

  it('should answer the stored order from core, without publishing, when Redis lost its records and core has the order', async () => {
    const owner = harness();
    const original = await owner.sut.execute(actor, 'single', [mug], 'key-1', 'req-1');
    const hash = (owner.log.cached[0].answer as { record: IdempotencyRecord }).record.h;
    const { sut, log } = harness({ reserve: async () => ({ state: 'reserved', complete: false }), core: { order: JSON.parse(original.body), request_hash: hash } });

    expect(await sut.execute(actor, 'single', [mug], 'key-1', 'req-2')).toEqual(original);
    expect({ published: log.published.length, coreCalls: log.coreCalls }).toEqual({ published: 0, coreCalls: 1 });
  });

  it('should ask core about a key Redis does not know when Redis keeps records for less than 24 h', async () => {
    const { sut, log } = harness({ config: { IDEMPOTENCY_KEY_TTL: 3_600_000 } });

    await sut.execute(actor, 'single', [mug], 'key-1', 'req-1');

    expect({ coreCalls: log.coreCalls, published: log.published.length }).toEqual({ coreCalls: 1, published: 1 });
  });

  it('should ask core and then publish when Redis is down and core has no such order', async () => {
    const { sut, log } = harness({
      reserve: () => Promise.reject(new Error('Stream is not writeable')),
    });

    await sut.execute(actor, 'single', [mug], 'key-1', 'req-1');

    expect({ published: log.published.length, coreCalls: log.coreCalls, released: log.released }).toEqual({ published: 1, coreCalls: 1, released: 0 });
  });

  it('should release its reservation when the publish fails, so a retry can go through', async () => {
    const { sut, log } = harness({ publish: () => Promise.reject(new DomainError('SERVICE_UNAVAILABLE', 'no confirm')) });

    expect((await failure(sut.execute(actor, 'single', [mug], 'key-1', 'req-1')))?.code).toBe('SERVICE_UNAVAILABLE');
    expect(log.released).toBe(1);
  });

  it('should publish a bulk as one message with one id per order, name-based by index when a key is sent', async () => {
    const { sut, log } = harness();

    const answer = await sut.execute(actor, 'bulk', [mug, { ...mug, amount: 1 }], 'key-1', 'req-1');

    expect(JSON.parse(answer.body)).toEqual({ ids: nameBasedOrderIds(actor.id, 'key-1', 'bulk', 2) });
    expect(answer.location).toBeUndefined();
    expect(log.published).toHaveLength(1);
    expect(log.published[0].map((order) => order.amount)).toEqual(['12.50', '1.00']);
  });

  it('should derive different ids for a single order and a bulk, and for different users, when the key is the same', () => {
    const [single] = nameBasedOrderIds(actor.id, 'k', 'single', 1);
    const [first] = nameBasedOrderIds(actor.id, 'k', 'bulk', 1);
    const [other] = nameBasedOrderIds('1c9e6679-7425-40de-944b-e07fc1f90ae7', 'k', 'single', 1);

    expect(new Set([single, first, other]).size).toBe(3);
    expect(nameBasedOrderIds(actor.id, 'k', 'single', 1)).toEqual([single]);
  });
});
