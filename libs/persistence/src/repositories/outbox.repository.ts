import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { OutboxEntity } from '../entities/outbox.entity';

export interface NewOutboxEvent {
  aggregateType: string;
  aggregateId: string;
  eventType: string;
  eventId: string;
  payload: Record<string, unknown>;
  headers: Record<string, string>;
  // The trace context active at the write ({} when tracing is off).
  traceContext: Record<string, string>;
}

// A committed row with what publishing it needs, whether read back by the relay or kept by the writer.
export type OutboxRow = Pick<OutboxEntity, 'id' | 'eventType' | 'eventId' | 'payload' | 'headers' | 'traceContext' | 'createdAt'>;

export const OUTBOX_NOTIFY_CHANNEL = 'outbox_new';
const RELAY_LOCK_KEY = 7_363_517_002;

@Injectable()
export class OutboxRepository {
  constructor(private readonly dataSource: DataSource) {}

  // Must be called inside the transaction that makes the change, so both commit or neither does.
  // The row and the relay's wake-up in one round trip; NOTIFY is delivered only if the transaction commits.
  async add(manager: EntityManager, event: NewOutboxEvent): Promise<void> {
    await manager.query(
      `WITH inserted AS (
         INSERT INTO outbox (aggregate_type, aggregate_id, event_type, event_id, payload, headers, trace_context)
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id)
       SELECT pg_notify($8, '') FROM inserted`,
      [event.aggregateType, event.aggregateId, event.eventType, event.eventId, event.payload, event.headers, event.traceContext, OUTBOX_NOTIFY_CHANNEL],
    );
  }

  // After the broker confirmed them: one statement for a whole batch.
  async markPublished(ids: string[]): Promise<void> {
    if (ids.length > 0) await this.dataSource.query(`UPDATE outbox SET published_at = now() WHERE id = ANY($1::bigint[]) AND published_at IS NULL`, [ids]);
  }

  // Gives claimed rows back to the polling relay at once (their writer could not publish them).
  async releaseClaims(ids: string[]): Promise<void> {
    if (ids.length > 0) await this.dataSource.query(`UPDATE outbox SET claimed_until = NULL WHERE id = ANY($1::bigint[]) AND published_at IS NULL`, [ids]);
  }

  // Runs `publish` on the oldest unpublished, unclaimed events while holding the relay lock, and marks the ones
  // it confirmed as published in the same transaction. Returns how many were published, or null when another
  // relay holds the lock. Publishing stops at the first failure so per-aggregate order is kept.
  async relayBatch(limit: number, publish: (events: OutboxEntity[]) => Promise<number>): Promise<number | null> {
    return this.dataSource.transaction(async (manager) => {
      const [{ locked }] = await manager.query<Array<{ locked: boolean }>>(`SELECT pg_try_advisory_xact_lock($1) AS locked`, [RELAY_LOCK_KEY]);
      if (!locked) return null;
      const events = await manager
        .getRepository(OutboxEntity)
        .createQueryBuilder('o')
        .where('o.published_at IS NULL')
        .andWhere('(o.claimed_until IS NULL OR o.claimed_until <= now())')
        .orderBy('o.id', 'ASC')
        .limit(limit)
        .getMany();
      if (events.length === 0) return 0;
      const published = await publish(events);
      if (published > 0) {
        await manager.query(`UPDATE outbox SET published_at = now() WHERE id = ANY($1::bigint[])`, [events.slice(0, published).map((event) => event.id)]);
      }
      return published;
    });
  }

  // Events not yet published, and how long the oldest has waited.
  async backlog(): Promise<{ pending: number; oldestAgeSeconds: number | null }> {
    const [row] = await this.dataSource.query<Array<{ pending: number; age: number | null }>>(
      `SELECT count(*)::int AS pending, extract(epoch FROM now() - min(created_at))::float8 AS age FROM outbox WHERE published_at IS NULL`,
    );
    return { pending: row.pending, oldestAgeSeconds: row.age };
  }

  async countUnpublished(): Promise<number> {
    const [{ count }] = await this.dataSource.query<Array<{ count: number }>>(`SELECT count(*)::int AS count FROM outbox WHERE published_at IS NULL`);
    return count;
  }
}
