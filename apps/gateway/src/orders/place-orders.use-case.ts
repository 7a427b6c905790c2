import { Inject, Injectable } from '@nestjs/common';
import { createHash, randomUUID } from 'node:crypto';
import { Counter } from 'prom-client';
import { v5 as uuidv5 } from 'uuid';
import { DomainError, MetricsService } from '@app/common';
import { Actor, DEFAULT_CURRENCY, ORDER_PATTERNS, OrderByKeyReply, OrderPlacement, toOrderView } from '@app/contracts';
import { GATEWAY_CONFIG, GatewayConfig } from '../config/gateway.config';
import { CoreClient } from '../core-client/core.client';
import { API_PREFIX } from '../http/http-app.setup';
import { IdempotencyRecord, IdempotencyStore, Reservation } from './idempotency.store';
import { OrderCacheStore } from './order-cache.store';
import { OrderPublisher } from './order.publisher';

// The namespace of the name-based (v5) order ids: (user, Idempotency-Key[, bulk index]) -> always the same id.
const ORDER_ID_NAMESPACE = '9ca34dcc-941c-456b-b71a-ca5322546f81';
const POLL_MS = 25;
// The contract's idempotency window: a retry within it must find the original.
const IDEMPOTENCY_WINDOW_MS = 86_400_000;
const RESERVE_ATTEMPTS = 3;

export interface OrderInput {
  product_name: string;
  amount: number;
  currency?: string | null;
  plan_id?: string | null;
}

export type PlacementKind = 'single' | 'bulk';

// The 202 as the client gets it (and gets it again on a retry with the same key).
export interface PlacedAnswer {
  body: string;
  location?: string;
}

interface Prepared {
  actor: Actor;
  kind: PlacementKind;
  key?: string;
  hash: string;
  placements: OrderPlacement[];
  views: string[];
  answer: PlacedAnswer;
  requestId: string;
}

function reused(): DomainError {
  return new DomainError('IDEMPOTENCY_KEY_REUSED', 'This Idempotency-Key was already used with another request body');
}

// ' \n' cannot occur in a key (printable ASCII only), so single and bulk names never collide.
// Every 503 of an order placement says whether the order may exist: only the publisher knows when it sent one
// and got no confirm (`unknown`); any other 503 (Redis/core unreachable before the publish, a refusal) is certain.
function certainUnlessUnknown(error: unknown): unknown {
  if (!(error instanceof DomainError) || error.code !== 'SERVICE_UNAVAILABLE' || error.details?.outcome) return error;
  return new DomainError(error.code, error.message, { ...error.details, outcome: 'not_accepted' });
}

export function nameBasedOrderIds(userId: string, key: string, kind: PlacementKind, count: number): string[] {
  if (kind === 'single') return [uuidv5(`${userId}\n${key}`, ORDER_ID_NAMESPACE)];
  return Array.from({ length: count }, (_, index) => uuidv5(`${userId}\n${key}\n${index}`, ORDER_ID_NAMESPACE));
}

// POST /orders and /orders/bulk without an RPC hop: id and created_at assigned here, one confirmed publish, then
// the cache, then the 202. With an Idempotency-Key, the key is reserved in Redis first (so concurrent requests
// with it wait for the first and give the same answer) and the ids are name-based (so whatever Redis forgot, a
// retry lands on the same row). Core is asked only when Redis cannot vouch for the key being new: Redis is down,
// or it lost records (flushed) less than IDEMPOTENCY_KEY_TTL ago.
@Injectable()
export class PlaceOrdersUseCase {
  private readonly published: Counter<'kind' | 'outcome'>;

  constructor(
    private readonly publisher: OrderPublisher,
    private readonly cache: OrderCacheStore,
    private readonly idempotency: IdempotencyStore,
    private readonly core: CoreClient,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    metrics: MetricsService,
  ) {
    this.published = new Counter({
      name: 'orders_published_total',
      help: 'Order publishes by kind (single, bulk) and outcome (confirmed, failed)',
      labelNames: ['kind', 'outcome'],
      registers: [metrics.registry],
    });
  }

  async execute(actor: Actor, kind: PlacementKind, inputs: OrderInput[], key: string | undefined, requestId: string): Promise<PlacedAnswer> {
    const prepared = this.prepare(actor, kind, inputs, key, requestId);
    try {
      if (!prepared.key) {
        await this.publish(prepared);
        return prepared.answer;
      }
      return await this.withKey(prepared, prepared.key);
    } catch (error) {
      throw certainUnlessUnknown(error);
    }
  }

  private prepare(actor: Actor, kind: PlacementKind, inputs: OrderInput[], key: string | undefined, requestId: string): Prepared {
    const orders = inputs.map((input) => ({
      product_name: input.product_name,
      amount: input.amount,
      currency: input.currency ?? DEFAULT_CURRENCY,
      plan_id: input.plan_id ?? null,
    }));
    // The accepted body, defaults applied: the same order sent with or without `currency: "USD"` is the same request.
    const hash = createHash('sha256').update(JSON.stringify({ kind, orders })).digest('hex');
    const ids = key ? nameBasedOrderIds(actor.id, key, kind, orders.length) : orders.map(() => randomUUID());
    const createdAt = new Date().toISOString();
    const placements = orders.map<OrderPlacement>((order, index) => ({
      id: ids[index],
      user_id: actor.id,
      product_name: order.product_name,
      amount: order.amount.toFixed(2),
      currency: order.currency,
      plan_id: order.plan_id,
      idempotency_key: key ?? null,
      request_hash: hash,
      created_at: createdAt,
    }));
    const views = orders.map((order, index) => JSON.stringify(toOrderView({ id: ids[index], ...order, created_at: createdAt }, 'accepted')));
    const answer = kind === 'single' ? { body: views[0], location: `/${API_PREFIX}/orders/${ids[0]}` } : { body: JSON.stringify({ ids }) };
    return { actor, kind, key, hash, placements, views, answer, requestId };
  }

  private async publish(prepared: Prepared, record?: IdempotencyRecord): Promise<void> {
    try {
      await this.publisher.publish(prepared.placements, prepared.requestId);
    } catch (error) {
      this.published.inc({ kind: prepared.kind, outcome: 'failed' });
      throw error;
    }
    this.published.inc({ kind: prepared.kind, outcome: 'confirmed' });
    await this.cache.accepted(
      prepared.placements.map((order, index) => ({ id: order.id, ownerId: order.user_id, viewJson: prepared.views[index] })),
      record && prepared.key ? { userId: prepared.actor.id, key: prepared.key, record } : undefined,
    );
  }

  private async withKey(prepared: Prepared, key: string): Promise<PlacedAnswer> {
    const userId = prepared.actor.id;
    const token = randomUUID();
    const pendingTtlMs = this.config.ORDER_PUBLISH_TIMEOUT_MS + 5000;
    for (let attempt = 1; attempt <= RESERVE_ATTEMPTS; attempt++) {
      let reservation: Reservation | null;
      try {
        reservation = await this.idempotency.reserve(userId, key, { s: 'pending', h: prepared.hash, t: token }, pendingTtlMs, this.config.IDEMPOTENCY_KEY_TTL);
      } catch {
        reservation = null; // Redis is down: core decides
      }
      if (reservation?.state === 'taken') {
        const answer = await this.answerOf(reservation.record, prepared, key);
        if (answer) return answer;
        continue; // the first request gave up (its publish failed): try to take the key
      }
      const reserved = reservation !== null;
      try {
        // Redis vouches for a key being new only if it has kept every record of the whole window.
        if (!reservation?.complete || this.config.IDEMPOTENCY_KEY_TTL < IDEMPOTENCY_WINDOW_MS) {
          const stored = await this.storedAnswer(prepared, key);
          if (stored) {
            if (reserved) await this.cache.accepted([], { userId, key, record: { s: 'done', h: stored.hash, b: stored.answer.body, l: stored.answer.location } });
            if (stored.hash !== prepared.hash) throw reused();
            return stored.answer;
          }
        }
        await this.publish(prepared, { s: 'done', h: prepared.hash, b: prepared.answer.body, l: prepared.answer.location });
        return prepared.answer;
      } catch (error) {
        if (reserved) await this.idempotency.release(userId, key, token).catch(() => undefined);
        throw error;
      }
    }
    throw new DomainError('SERVICE_UNAVAILABLE', 'Requests with this Idempotency-Key keep failing; retry later');
  }

  // Another request holds (or held) the key: its answer, once it has one; null when it gave up.
  private async answerOf(record: IdempotencyRecord, prepared: Prepared, key: string): Promise<PlacedAnswer | null> {
    const deadline = Date.now() + this.config.ORDER_PUBLISH_TIMEOUT_MS + 2000;
    let current: IdempotencyRecord | null = record;
    for (;;) {
      if (!current) return null;
      if (current.h !== prepared.hash) throw reused();
      if (current.s === 'done') return { body: current.b!, location: current.l };
      if (Date.now() > deadline) throw new DomainError('SERVICE_UNAVAILABLE', 'A request with this Idempotency-Key is still in progress; retry later');
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      current = await this.idempotency.read(prepared.actor.id, key);
    }
  }

  // The order the key names, if core has stored it, with the answer its first request got.
  private async storedAnswer(prepared: Prepared, key: string): Promise<{ hash: string; answer: PlacedAnswer } | null> {
    const reply = await this.core.send<OrderByKeyReply>(
      ORDER_PATTERNS.byKey,
      { user_id: prepared.actor.id, idempotency_key: key, id: prepared.placements[0].id },
      prepared.requestId,
    );
    if (!reply.order) return null;
    const ids = prepared.placements.map((order) => order.id);
    const answer = prepared.kind === 'single' ? { body: JSON.stringify(reply.order), location: `/${API_PREFIX}/orders/${ids[0]}` } : { body: JSON.stringify({ ids }) };
    return { hash: reply.request_hash, answer };
  }
}
