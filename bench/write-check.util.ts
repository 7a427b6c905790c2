import { isDeepStrictEqual } from 'node:util';
import type { Channel } from 'amqplib';
import Redis from 'ioredis';
import { Client } from 'pg';
import { planCacheKey } from '@app/contracts';
import { call, expectStatus, Reply } from './http.util';
import { planDocument } from './plan-document.util';
import { Target } from './results.util';
import type { BenchUser } from './scenario.types';

// Before any write is measured: the same POST, PUT and PATCH (merge patch) on one plan id, sent to the floor
// and to the project, must give the same answer, the same cache entry, the same rows (plan, objects, outbox,
// published) and the same published message, up to what differs by nature (versions, timestamps, event ids).
// Floor and project keep their rows in different databases, so the same id can be written by both; the cache
// entry is shared and is dropped before each write so neither side's version refuses the other's.

export interface WriteCheckContext {
  urls: Record<Target, string>;
  user: BenchUser;
  runTag: string;
  redis: Redis;
  databases: Record<Target, Client>;
  channel: Channel; // for a probe queue bound to both event exchanges
  exchanges: Record<Target, string>;
  settle: (target: Target) => Promise<void>; // returns once the target's outbox is published
}

const TARGETS: Target[] = ['floor', 'project'];
const SAME_HEADERS = ['etag', 'content-type', 'location', 'cache-control', 'x-ratelimit-limit', 'x-request-id'];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
const MESSAGE_WAIT_MS = 10_000;

// The first place two JSON-like values differ, as a path, for a readable failure.
export function firstDifference(a: unknown, b: unknown, path = ''): string | undefined {
  if (isDeepStrictEqual(a, b)) return undefined;
  if (typeof a === 'object' && a !== null && typeof b === 'object' && b !== null && Array.isArray(a) === Array.isArray(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const key of keys) {
      const found = firstDifference((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key], `${path}/${key}`);
      if (found) return found;
    }
  }
  return `${path || '/'}: floor ${JSON.stringify(a)?.slice(0, 300)}, project ${JSON.stringify(b)?.slice(0, 300)}`;
}

function assertSame(label: string, floor: unknown, project: unknown): void {
  const difference = firstDifference(floor, project);
  if (difference) throw new Error(`${label}: floor and project differ at ${difference}`);
}

function ensure(condition: boolean, message: string): void {
  if (!condition) throw new Error(message);
}

// An event body with what differs by nature checked for shape and replaced by placeholders.
function normalizedEvent(label: string, payload: Record<string, unknown>): Record<string, unknown> {
  const copy = structuredClone(payload) as { event_id: string; timestamp: string; data: { version: unknown; metadata: Record<string, string> } };
  ensure(UUID.test(copy.event_id) && ISO.test(copy.timestamp), `${label}: event_id or timestamp malformed: ${JSON.stringify(payload).slice(0, 300)}`);
  ensure(Number.isInteger(copy.data.version) && (copy.data.version as number) > 0, `${label}: event version ${JSON.stringify(copy.data.version)}`);
  ensure(ISO.test(copy.data.metadata.created_at) && ISO.test(copy.data.metadata.updated_at), `${label}: event metadata times malformed`);
  copy.event_id = '<event id>';
  copy.timestamp = '<time>';
  copy.data.version = '<version>';
  copy.data.metadata.created_at = '<time>';
  copy.data.metadata.updated_at = '<time>';
  return copy;
}

async function storedRows(label: string, database: Client, id: string) {
  const { rows: plans } = await database.query<{ version: string; created_at: Date; updated_at: Date } & Record<string, unknown>>(
    `SELECT object_id, document, etag, plan_type, org, search_vector::text AS search_vector, created_by, updated_by,
            version::text AS version, created_at, updated_at FROM plans WHERE object_id = $1`,
    [id],
  );
  ensure(plans.length === 1, `${label}: ${plans.length} plan rows for ${id}`);
  const { version, created_at: createdAt, updated_at: updatedAt, ...plan } = plans[0];
  ensure(Number(version) > 0 && createdAt instanceof Date && updatedAt instanceof Date && updatedAt >= createdAt, `${label}: version or times of the plan row`);
  const { rows: objects } = await database.query(`SELECT * FROM plan_objects WHERE plan_id = $1 ORDER BY object_id`, [id]);
  const { rows: events } = await database.query<{ event_id: string; payload: Record<string, unknown> } & Record<string, unknown>>(
    `SELECT aggregate_type, aggregate_id, event_type, event_id::text AS event_id, payload, headers, published_at IS NOT NULL AS published
       FROM outbox WHERE aggregate_id = $1 ORDER BY id`,
    [id],
  );
  const outbox = events.map(({ event_id: eventId, payload, ...row }) => {
    ensure(payload.event_id === eventId, `${label}: outbox event_id column and payload differ`);
    return { ...row, payload: normalizedEvent(`${label} outbox`, payload) };
  });
  return { plan, objects, outbox };
}

// The probe plan's messages only: events of earlier writes may still be on their way when the queue is bound.
async function probeMessages(channel: Channel, queue: string, id: string, expected: number) {
  const messages: Array<{ exchange: string; routingKey: string; content: unknown; properties: Record<string, unknown> }> = [];
  const deadline = Date.now() + MESSAGE_WAIT_MS;
  while (messages.length < expected) {
    const message = await channel.get(queue, { noAck: true });
    if (message) {
      const content = JSON.parse(message.content.toString()) as { data?: { data?: { objectId?: string } } };
      if (content.data?.data?.objectId !== id) continue;
      // amqplib types these properties as any; they are compared, never used.
      const { contentType, deliveryMode, messageId, timestamp, headers } = message.properties as unknown as Record<string, unknown>;
      messages.push({
        exchange: message.fields.exchange,
        routingKey: message.fields.routingKey,
        content,
        properties: { contentType, deliveryMode, messageId, timestamp, headers },
      });
    } else if (Date.now() > deadline) {
      throw new Error(`write check: ${messages.length} of ${expected} published messages arrived within ${MESSAGE_WAIT_MS} ms`);
    } else {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  return messages;
}

export async function assertSameWrites(context: WriteCheckContext): Promise<void> {
  const document = JSON.parse(planDocument(`${context.runTag}-probe`)) as { objectId: string; planCostShares: { copay: number } };
  const id = document.objectId;
  const key = planCacheKey(id);
  const auth = { authorization: `Bearer ${context.user.accessToken}` };
  const { queue } = await context.channel.assertQueue('', { exclusive: true, autoDelete: true });
  for (const target of TARGETS) await context.channel.bindQueue(queue, context.exchanges[target], 'plan.*');
  const steps = [
    { name: 'POST', method: 'POST', path: '/api/v1/plans', type: 'application/json', body: () => document, status: 201 },
    {
      name: 'PUT',
      method: 'PUT',
      path: `/api/v1/plans/${id}`,
      type: 'application/json',
      body: () => ({ ...document, planCostShares: { ...document.planCostShares, copay: 17 } }),
      status: 200,
    },
    { name: 'PATCH', method: 'PATCH', path: `/api/v1/plans/${id}`, type: 'application/merge-patch+json', body: () => ({ planCostShares: { copay: 23 } }), status: 200 },
  ];
  try {
    let etag: string | undefined;
    for (const step of steps) {
      const replies = {} as Record<Target, Reply>;
      const caches = {} as Record<Target, Record<string, string>>;
      for (const target of TARGETS) {
        const label = `write check ${step.name} @ ${target}`;
        await context.redis.del(key);
        const headers = { ...auth, 'content-type': step.type, 'x-request-id': `bench-probe-${step.name}`, ...(etag ? { 'if-match': etag } : {}) };
        const reply = await call(step.method, `${context.urls[target]}${step.path}`, headers, step.body());
        expectStatus(label, reply, step.status);
        const { v, m, ...cache } = await context.redis.hgetall(key);
        ensure(
          Number(v) > 0 && m === reply.headers.get('last-modified') && (await context.redis.ttl(key)) > 0,
          `${label}: cache entry v=${v} m=${m}, Last-Modified ${reply.headers.get('last-modified')}`,
        );
        replies[target] = reply;
        caches[target] = cache;
      }
      assertSame(`write check ${step.name}: status`, replies.floor.status, replies.project.status);
      assertSame(`write check ${step.name}: body`, replies.floor.body, replies.project.body);
      for (const name of SAME_HEADERS) assertSame(`write check ${step.name}: header ${name}`, replies.floor.headers.get(name), replies.project.headers.get(name));
      assertSame(`write check ${step.name}: cache entry`, caches.floor, caches.project);
      etag = replies.project.headers.get('etag') ?? undefined;
    }
    for (const target of TARGETS) await context.settle(target);
    const rows = {} as Record<Target, Awaited<ReturnType<typeof storedRows>>>;
    for (const target of TARGETS) rows[target] = await storedRows(`write check rows @ ${target}`, context.databases[target], id);
    ensure(rows.project.outbox.length === steps.length, `write check: ${rows.project.outbox.length} outbox rows for ${steps.length} writes`);
    assertSame('write check: stored rows', rows.floor, rows.project);

    const messages = await probeMessages(context.channel, queue, id, 2 * steps.length);
    const byTarget = (target: Target) =>
      messages
        .filter((message) => message.exchange === context.exchanges[target])
        .map(({ exchange: _exchange, content, properties, ...message }) => {
          const { pattern, data } = content as { pattern: string; data: Record<string, unknown> };
          ensure(properties.messageId === data.event_id && typeof properties.timestamp === 'number', `write check message @ ${target}: messageId or timestamp`);
          return {
            ...message,
            pattern,
            data: normalizedEvent(`write check message @ ${target}`, data),
            properties: { ...properties, messageId: '<event id>', timestamp: '<time>' },
          };
        });
    assertSame('write check: published messages', byTarget('floor'), byTarget('project'));
  } finally {
    await context.channel.deleteQueue(queue).catch(() => undefined);
    await context.redis.del(key);
  }
}
