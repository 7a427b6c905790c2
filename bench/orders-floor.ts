import { createPublicKey, KeyObject, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import amqp, { ChannelModel, ConfirmChannel, ConsumeMessage } from 'amqplib';
import Fastify, { FastifyReply, FastifyRequest } from 'fastify';
import Redis from 'ioredis';
import { verify } from 'jsonwebtoken';
import { decide, queueRateLimit, RATE_LIMIT_LUA } from '../apps/gateway/src/rate-limit/rate-limiter';
import { isCurrencyCode } from '../libs/contracts/src/orders/currency-codes';
import { encodeCachedOrder, orderCacheKey } from '../libs/contracts/src/orders/order-cache';

// Files with no imports of their own (or only validator's list), imported by path: the @app/contracts index
// would load Nest, class-validator and Swagger. The rest is copied, small on purpose.
const AUDIENCE = 'plans-platform-api';
const ORDERS_QUEUE = 'core.orders';
const PLAN_ID = /^[A-Za-z0-9._-]{1,128}$/;
const MAX_AMOUNT = 999_999_999_999.99;
const JSON_TYPE = 'application/json; charset=utf-8';
const ROLES = ['admin', 'user', 'readonly'];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const BEARER = /^Bearer ([A-Za-z0-9\-_]+\.[A-Za-z0-9\-_]*\.[A-Za-z0-9\-_]*)$/i;
const FIELDS = new Set(['product_name', 'amount', 'currency', 'plan_id']);

export interface OrdersFloorOptions {
  port: number;
  redisUrl: string;
  rabbitmqUrl: string;
  publicKeyPem: string;
  issuer: string;
  userLimitPerHour: number;
  cacheTtlMs: number;
  publishTimeoutMs: number;
}

function productNameOk(value: unknown): value is string {
  if (typeof value !== 'string' || value.length === 0 || value.includes('\u0000') || !value.isWellFormed()) return false;
  return value.length <= 200 || [...value].length <= 200;
}

// Why the body is not an order, or undefined: the gateway's CreateOrderDto rules, by hand.
function invalid(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return 'body';
  const order = body as Record<string, unknown>;
  for (const key of Object.keys(order)) if (!FIELDS.has(key)) return key;
  if (!productNameOk(order.product_name)) return 'product_name';
  const amount = order.amount;
  if (typeof amount !== 'number' || !Number.isFinite(amount) || amount <= 0 || amount > MAX_AMOUNT || Math.round(amount * 100) / 100 !== amount) return 'amount';
  if (order.currency !== undefined && order.currency !== null && !isCurrencyCode(order.currency)) return 'currency';
  if (order.plan_id !== undefined && order.plan_id !== null && (typeof order.plan_id !== 'string' || !PLAN_ID.test(order.plan_id))) return 'plan_id';
  return undefined;
}

// The least a server can do to answer POST /api/v1/orders the way the gateway does without an Idempotency-Key:
// one RS256 check with jsonwebtoken, one Redis round trip (the gateway's rate-limit script and the cached
// principal), the order's rules, one persistent mandatory publish on a confirm channel awaited with a timeout,
// one SET NX of the accepted order, then 202 with Location and the same body. No Nest, no logging.
export async function startOrdersFloor(options: OrdersFloorOptions): Promise<{ url: string; close(): Promise<void> }> {
  const publicKey: KeyObject = createPublicKey(options.publicKeyPem);
  const redis = new Redis(options.redisUrl, { connectionName: 'bench-orders-floor', enableOfflineQueue: false, maxRetriesPerRequest: 1 });
  redis.defineCommand('rateLimit', { numberOfKeys: 1, lua: RATE_LIMIT_LUA });
  await new Promise<void>((resolve, reject) => {
    redis.once('ready', resolve);
    redis.once('error', reject);
  });
  const connection: ChannelModel = await amqp.connect(options.rabbitmqUrl);
  const channel: ConfirmChannel = await connection.createConfirmChannel();
  const returned = new Set<string>();
  channel.on('return', (message: ConsumeMessage) => returned.add(String(message.properties.messageId)));

  const publish = (content: Buffer, messageId: string, requestId: string) =>
    new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), options.publishTimeoutMs);
      channel.publish(
        '',
        ORDERS_QUEUE,
        content,
        {
          persistent: true,
          mandatory: true,
          messageId,
          contentType: 'application/json',
          timestamp: Math.floor(Date.now() / 1000),
          headers: { 'x-request-id': requestId },
        },
        (error: unknown) => {
          clearTimeout(timer);
          resolve(!error && !returned.delete(messageId));
        },
      );
    });

  const app = Fastify({ logger: false, requestIdHeader: false, genReqId: () => randomUUID() });
  app.get('/health/ready', async () => ({ status: 'ok' }));

  const fail = (reply: FastifyReply, status: number, code: string) =>
    reply
      .status(status)
      .header('Content-Type', JSON_TYPE)
      .send(JSON.stringify({ data: null, error: { code, message: code, timestamp: new Date().toISOString(), request_id: reply.request.id } }));

  app.post('/api/v1/orders', async (request: FastifyRequest, reply: FastifyReply) => {
    reply.header('X-Request-Id', request.id);
    const match = BEARER.exec(request.headers.authorization?.trim() ?? '');
    if (!match) return fail(reply, 401, 'INVALID_TOKEN');
    let sub: string;
    try {
      const payload = verify(match[1], publicKey, { algorithms: ['RS256'], issuer: options.issuer, audience: AUDIENCE }) as Record<string, unknown>;
      if (typeof payload.sub !== 'string' || !UUID.test(payload.sub) || !ROLES.includes(payload.role as string)) return fail(reply, 401, 'INVALID_TOKEN');
      sub = payload.sub;
    } catch {
      return fail(reply, 401, 'INVALID_TOKEN');
    }
    const [[limitError, counter], [principalError, principal]] = (await queueRateLimit(redis.pipeline(), `user:${sub}`).get(`principal:${sub}`).exec()) as [
      [Error | null, [number, number]],
      [Error | null, string | null],
    ];
    if (limitError || principalError || !principal) return fail(reply, 503, 'SERVICE_UNAVAILABLE');
    const decision = decide(options.userLimitPerHour, counter[0], counter[1], Date.now());
    reply.header('X-RateLimit-Limit', decision.limit).header('X-RateLimit-Remaining', decision.remaining).header('X-RateLimit-Reset', decision.resetEpochSeconds);
    if (!decision.allowed) return fail(reply, 429, 'RATE_LIMITED');
    const { deleted } = JSON.parse(principal) as { deleted: boolean };
    if (deleted) return fail(reply, 401, 'INVALID_TOKEN');

    if (invalid(request.body)) return fail(reply, 400, 'VALIDATION_ERROR');
    const body = request.body as { product_name: string; amount: number; currency?: string | null; plan_id?: string | null };
    const order = { product_name: body.product_name, amount: body.amount, currency: body.currency ?? 'USD', plan_id: body.plan_id ?? null };
    const id = randomUUID();
    const createdAt = new Date().toISOString();
    const view = JSON.stringify({ id, status: 'accepted', ...order, created_at: createdAt });
    const placement = {
      id,
      user_id: sub,
      product_name: order.product_name,
      amount: order.amount.toFixed(2),
      currency: order.currency,
      plan_id: order.plan_id,
      idempotency_key: null,
      request_hash: '0'.repeat(64),
      created_at: createdAt,
    };
    const content = Buffer.from(JSON.stringify({ pattern: 'orders.place', data: { orders: [placement] } }));
    if (!(await publish(content, id, request.id))) return fail(reply, 503, 'SERVICE_UNAVAILABLE');
    await redis.set(orderCacheKey(id), encodeCachedOrder(sub, view), 'PX', options.cacheTtlMs, 'NX').catch(() => undefined);
    return reply.status(202).header('Location', `/api/v1/orders/${id}`).header('Content-Type', JSON_TYPE).send(view);
  });

  await app.listen({ port: options.port, host: '127.0.0.1' });
  return {
    url: `http://127.0.0.1:${options.port}`,
    close: async () => {
      await app.close();
      await connection.close().catch(() => undefined);
      redis.disconnect();
    },
  };
}

// Run on its own (the benchmark starts it as a child process so it has its own event loop):
// ORDERS_FLOOR_PORT, REDIS_URL, RABBITMQ_URL, JWT_PRIVATE_KEY_FILE, JWT_ISSUER, RATE_LIMIT_USER_PER_HOUR, ORDER_CACHE_TTL_MS.
if (require.main === module) {
  const env = process.env;
  startOrdersFloor({
    port: Number(env.ORDERS_FLOOR_PORT ?? 3202),
    redisUrl: env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    rabbitmqUrl: env.RABBITMQ_URL ?? 'amqp://guest:guest@127.0.0.1:5672',
    publicKeyPem: createPublicKey(readFileSync(env.JWT_PRIVATE_KEY_FILE ?? '.keys/jwt-private.pem', 'utf8'))
      .export({ type: 'spki', format: 'pem' })
      .toString(),
    issuer: env.JWT_ISSUER ?? 'plans-platform',
    userLimitPerHour: Number(env.RATE_LIMIT_USER_PER_HOUR ?? 1000),
    cacheTtlMs: Number(env.ORDER_CACHE_TTL_MS ?? 600_000),
    publishTimeoutMs: 5000,
  }).then(
    (floor) => {
      process.stdout.write(`orders floor listening on ${floor.url}\n`);
      const stop = () => void floor.close().then(() => process.exit(0));
      process.once('SIGTERM', stop);
      process.once('SIGINT', stop);
    },
    (error: unknown) => {
      process.stderr.write(`orders floor failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(1);
    },
  );
}
