import { randomUUID } from 'node:crypto';
import amqplib, { ChannelModel, ConfirmChannel } from 'amqplib';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type Redis from 'ioredis';
import { Pool, PoolClient } from 'pg';
import { DomainError, durableQueueOptions, MetricsService, REQUEST_ID_HEADER } from '@app/common';
import type { Actor, PlanDocument, Precondition } from '@app/contracts';
import type { PlanEntity, PlansRepository } from '@app/persistence';
import { mergePatch } from '../apps/core/src/plans/merge-patch.util';
import { PlanCacheWriter } from '../apps/core/src/plans/plan-cache.writer';
import { toPlanEvent } from '../apps/core/src/plans/plan.mapper';
import { PlanSchemaValidator } from '../apps/core/src/plans/plan-schema.validator';
import { PlanWriteSupport, PreparedPlan } from '../apps/core/src/plans/plan-write.support';
import { parseEntityTags, strongTags } from '../apps/gateway/src/plans/entity-tags.util';

// The floor's plan writes: what gateway + core do for POST, PUT and PATCH (merge patch), in one process with
// no Nest, no RPC hop and no logging. The project's own code does the per-request work that is not plumbing:
// schema validation (PlanSchemaValidator, same ajv schema and duplicate-objectId rule), canonical ETag and
// decomposition (PlanWriteSupport.prepare), the 404/403/412 rules, the merge patch, the event body
// (toPlanEvent) and the cache write (PlanCacheWriter: same Lua script, same hash). The SQL is the statements
// PlansRepository and TypeORM sent until issue 20 (core now sends one statement per write), on a pg pool of the
// same size; the outbox row is published by an
// in-process relay on a confirm channel and marked published, as the outbox relay does.

export interface FloorWriteOptions {
  databaseUrl: string; // its own database, so core's relay never sees the floor's outbox rows
  rabbitmqUrl: string;
  exchange: string; // its own exchange and queue, so the indexer never consumes the floor's events
  queue: string;
}

export interface FloorWrites {
  close(): Promise<void>;
}

export type FloorAccess = (request: FastifyRequest, reply: FastifyReply) => Promise<Actor | null>;

const JSON_TYPE = 'application/json; charset=utf-8';
const PLAN_ID = /^[A-Za-z0-9._-]{1,128}$/; // PLAN_ID_PATTERN
const RELAY_BATCH = 200; // the outbox relay's BATCH_SIZE

// PlansRepository's statements as they were until issue 20, verbatim (RETURNING_PLAN included).
const RETURNING_PLAN = `RETURNING object_id AS "objectId", document, etag, version::text AS version, plan_type AS "planType", org,
  created_by AS "createdBy", created_at AS "createdAt", updated_by AS "updatedBy", updated_at AS "updatedAt"`;
const INSERT_PLAN = `INSERT INTO plans (object_id, document, etag, version, plan_type, org, search_vector, created_by, updated_by)
       VALUES ($1, $2, $3, nextval('plan_version_seq'), $4, $5, to_tsvector('simple', $6), $7, $7)
       ON CONFLICT (object_id) DO NOTHING
       ${RETURNING_PLAN}`;
const REPLACE_PLAN_IF = `UPDATE plans SET document = $2, etag = $3, version = nextval('plan_version_seq'), plan_type = $4, org = $5,
              search_vector = to_tsvector('simple', $6), updated_by = $7, updated_at = now()
        WHERE object_id = $1 AND ($8::boolean OR etag = ANY($9::text[])) AND ($10::uuid IS NULL OR created_by = $10)
        ${RETURNING_PLAN}`;
// The columns TypeORM's findOne reads for PlanEntity.
const FIND_PLAN = `SELECT object_id AS "objectId", document, etag, version::text AS version, plan_type AS "planType", org,
  created_by AS "createdBy", created_at AS "createdAt", updated_by AS "updatedBy", updated_at AS "updatedAt"
  FROM plans WHERE object_id = $1 LIMIT 1`;
const OBJECT_COLUMNS = ['plan_id', 'object_id', 'object_type', 'parent_id', 'relation', 'properties', 'name', 'copay', 'deductible'];
// The outbox row as OutboxRepository.add writes it, minus the pg_notify: the relay here is woken in process.
const INSERT_OUTBOX = `INSERT INTO outbox (aggregate_type, aggregate_id, event_type, event_id, payload, headers)
       VALUES ($1, $2, $3, $4, $5, $6) RETURNING id, created_at AS "createdAt"`;

interface OutboxEvent {
  eventType: string;
  eventId: string;
  payload: Record<string, unknown>;
  headers: Record<string, string>;
}

interface Committed {
  plan: PlanEntity;
  outbox?: { id: string; createdAt: Date; event: OutboxEvent };
}

// Publishes committed outbox rows on one confirm channel, a batch at a time, and marks the confirmed ones
// published in one UPDATE. Events come from memory (the floor wrote them), so there is no outbox re-read,
// advisory lock or LISTEN. A failure is printed and leaves the rows unpublished: the harness then fails.
class FloorRelay {
  private readonly pending: Array<NonNullable<Committed['outbox']>> = [];
  private running = false;

  constructor(
    private readonly pool: Pool,
    private readonly channel: ConfirmChannel,
    private readonly exchange: string,
  ) {}

  enqueue(item: NonNullable<Committed['outbox']>): void {
    this.pending.push(item);
    if (!this.running) void this.drain();
  }

  private async drain(): Promise<void> {
    this.running = true;
    try {
      while (this.pending.length > 0) {
        const batch = this.pending.splice(0, RELAY_BATCH);
        await Promise.all(batch.map((item) => this.publish(item)));
        await this.pool.query(`UPDATE outbox SET published_at = now() WHERE id = ANY($1::bigint[])`, [batch.map((item) => item.id)]);
      }
    } catch (error) {
      process.stderr.write(`floor relay failed: ${(error as Error).message}\n`);
    } finally {
      this.running = false;
    }
  }

  private publish({ createdAt, event }: NonNullable<Committed['outbox']>): Promise<void> {
    const content = Buffer.from(JSON.stringify({ pattern: event.eventType, data: event.payload }));
    const options = {
      persistent: true,
      messageId: event.eventId,
      contentType: 'application/json',
      timestamp: Math.floor(createdAt.getTime() / 1000),
      headers: event.headers,
    };
    return new Promise((resolve, reject) => {
      this.channel.publish(this.exchange, event.eventType, content, options, (error: Error | null) => (error ? reject(error) : resolve()));
    });
  }
}

function mediaType(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0].trim().toLowerCase();
}

function assertJson(contentType: string | undefined): void {
  if (mediaType(contentType) !== 'application/json') throw new DomainError('UNSUPPORTED_MEDIA_TYPE', 'Content-Type must be application/json');
}

function requireIfMatch(header: string | undefined): Precondition {
  const condition = parseEntityTags(header);
  if (!condition) throw new DomainError('PRECONDITION_REQUIRED', 'This request must carry If-Match with the current ETag');
  return strongTags(condition);
}

function planId(id: string): string {
  if (!PLAN_ID.test(id)) throw new DomainError('VALIDATION_ERROR', 'Plan id is invalid');
  return id;
}

// domainEvent() without the AsyncLocalStorage lookup: the floor has the request id at hand.
function planEvent(eventType: string, plan: PlanEntity, requestId: string): OutboxEvent {
  const eventId = randomUUID();
  return {
    eventType,
    eventId,
    payload: { event_type: eventType, event_id: eventId, timestamp: new Date().toISOString(), data: toPlanEvent(plan) },
    headers: { [REQUEST_ID_HEADER]: requestId },
  };
}

function sendPlan(reply: FastifyReply, plan: PlanEntity): FastifyReply {
  return reply.header('ETag', plan.etag).header('Last-Modified', plan.updatedAt.toUTCString()).header('Content-Type', JSON_TYPE).send(JSON.stringify(plan.document));
}

export async function registerPlanWrites(app: FastifyInstance, redis: Redis, access: FloorAccess, options: FloorWriteOptions): Promise<FloorWrites> {
  const pool = new Pool({ connectionString: options.databaseUrl, max: 20, connectionTimeoutMillis: 3000, statement_timeout: 10_000, application_name: 'bench-floor' });
  const connection: ChannelModel = await amqplib.connect(options.rabbitmqUrl);
  const channel = await connection.createConfirmChannel();
  await channel.assertExchange(options.exchange, 'topic', { durable: true });
  await channel.assertQueue(options.queue, durableQueueOptions(options.queue));
  await channel.bindQueue(options.queue, options.exchange, 'plan.*');
  const relay = new FloorRelay(pool, channel, options.exchange);
  const cache = new PlanCacheWriter(redis, new MetricsService());
  const findById = async (id: string): Promise<PlanEntity | null> => (await pool.query<PlanEntity>(FIND_PLAN, [id])).rows[0] ?? null;
  // explainMiss() reads through the repository's findById; the floor hands it the same read on its pool.
  const support: PlanWriteSupport = new PlanWriteSupport(new PlanSchemaValidator(), { findById } as unknown as PlansRepository);

  async function transaction(work: (client: PoolClient) => Promise<Committed | null>): Promise<Committed | null> {
    const client = await pool.connect();
    try {
      await client.query('START TRANSACTION');
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  // One multi-row INSERT with every column, as TypeORM's repository insert sends it.
  async function insertObjects(client: PoolClient, id: string, prepared: PreparedPlan): Promise<void> {
    const objects = prepared.decomposed.objects;
    if (objects.length === 0) return;
    const values: unknown[] = [];
    const rows = objects.map((object) => {
      values.push(
        id,
        object.objectId,
        object.objectType,
        object.parentId,
        object.relation,
        JSON.stringify(object.properties),
        object.name,
        object.copay,
        object.deductible,
      );
      const first = values.length - OBJECT_COLUMNS.length;
      return `(${OBJECT_COLUMNS.map((_, i) => `$${first + i + 1}`).join(', ')})`;
    });
    await client.query(`INSERT INTO "plan_objects"(${OBJECT_COLUMNS.map((column) => `"${column}"`).join(', ')}) VALUES ${rows.join(', ')}`, values);
  }

  async function addOutbox(client: PoolClient, event: OutboxEvent, id: string): Promise<NonNullable<Committed['outbox']>> {
    const { rows } = await client.query<{ id: string; createdAt: Date }>(INSERT_OUTBOX, ['plan', id, event.eventType, event.eventId, event.payload, event.headers]);
    return { ...rows[0], event };
  }

  // After the commit, as core does: the event to the relay, then the cache, then the answer.
  async function committed(result: Committed): Promise<PlanEntity> {
    relay.enqueue(result.outbox!);
    await cache.store(result.plan);
    return result.plan;
  }

  const writeParams = (prepared: PreparedPlan) => [
    prepared.write.document,
    prepared.write.etag,
    prepared.write.planType,
    prepared.write.org,
    prepared.write.searchText,
    prepared.write.actorId,
  ];

  async function create(actor: Actor, prepared: PreparedPlan, requestId: string): Promise<PlanEntity> {
    const id = prepared.document.objectId;
    const result = await transaction(async (client) => {
      const [document, etag, type, org, text, actorId] = writeParams(prepared);
      const plan = (await client.query<PlanEntity>(INSERT_PLAN, [id, document, etag, type, org, text, actorId])).rows[0];
      if (!plan) throw new DomainError('PLAN_EXISTS', `A plan with objectId ${id} already exists`);
      await insertObjects(client, id, prepared);
      return { plan, outbox: await addOutbox(client, planEvent('plan.created', plan, requestId), id) };
    });
    return committed(result!);
  }

  // PlanReplacer.replace: the conditional UPDATE, then objects and event in the same transaction.
  async function replace(actor: Actor, id: string, prepared: PreparedPlan, precondition: Precondition, requestId: string): Promise<PlanEntity> {
    const condition = support.condition(actor, precondition);
    const result = await transaction(async (client) => {
      const plan = (await client.query<PlanEntity>(REPLACE_PLAN_IF, [id, ...writeParams(prepared), condition.anyEtag, condition.etags, condition.ownerId ?? null]))
        .rows[0];
      if (!plan) return null;
      await client.query(`DELETE FROM plan_objects WHERE plan_id = $1`, [id]);
      await insertObjects(client, id, prepared);
      return { plan, outbox: await addOutbox(client, planEvent('plan.updated', plan, requestId), id) };
    });
    if (!result) return support.explainMiss(id, actor);
    return committed(result);
  }

  app.addContentTypeParser(['application/merge-patch+json', 'application/json-patch+json'], { parseAs: 'string' }, app.getDefaultJsonParser('error', 'error'));

  app.post('/api/v1/plans', async (request, reply) => {
    const actor = await access(request, reply);
    if (!actor) return reply;
    assertJson(request.headers['content-type']);
    const plan = await create(actor, support.prepare(request.body, actor), request.id);
    reply.header('Location', `/api/v1/plans/${encodeURIComponent(plan.objectId)}`);
    return sendPlan(reply.code(201), plan);
  });

  app.put<{ Params: { id: string } }>('/api/v1/plans/:id', async (request, reply) => {
    const actor = await access(request, reply);
    if (!actor) return reply;
    assertJson(request.headers['content-type']);
    const precondition = requireIfMatch(request.headers['if-match']);
    const id = planId(request.params.id);
    const prepared = support.prepare(request.body, actor);
    if (prepared.document.objectId !== id) throw new DomainError('VALIDATION_ERROR', 'The objectId in the body differs from the one in the path');
    return sendPlan(reply.code(200), await replace(actor, id, prepared, precondition, request.id));
  });

  // Merge patch only (what the bench measures); a JSON Patch is refused rather than half-implemented.
  app.patch<{ Params: { id: string } }>('/api/v1/plans/:id', async (request, reply) => {
    const actor = await access(request, reply);
    if (!actor) return reply;
    const type = mediaType(request.headers['content-type']);
    if (type !== 'application/merge-patch+json' && type !== 'application/json') throw new DomainError('UNSUPPORTED_MEDIA_TYPE', 'the floor serves merge patches only');
    const precondition = requireIfMatch(request.headers['if-match']);
    const id = planId(request.params.id);
    const current = await findById(id);
    support.assertWritable(current, actor, precondition);
    const document = current.document as PlanDocument;
    const patched = mergePatch(document, request.body);
    if (typeof patched !== 'object' || patched === null || Array.isArray(patched)) {
      throw new DomainError('UNPROCESSABLE_PATCH', 'The patch would replace the plan with something that is not an object');
    }
    const result = patched as unknown as PlanDocument;
    if (result.objectId !== document.objectId || result.objectType !== document.objectType) {
      throw new DomainError('UNPROCESSABLE_PATCH', 'A patch may not change the root objectId or objectType');
    }
    const prepared = support.prepare(result, actor, 'UNPROCESSABLE_PATCH');
    return sendPlan(reply.code(200), await replace(actor, id, prepared, { any: false, tags: [current.etag] }, request.id));
  });

  return {
    close: async () => {
      await connection.close().catch(() => undefined);
      await pool.end();
    },
  };
}
