import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

@Entity({ name: 'outbox' })
export class OutboxEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' }) id: string;
  @Column('varchar', { name: 'aggregate_type', length: 64 }) aggregateType: string;
  @Column('varchar', { name: 'aggregate_id', length: 128 }) aggregateId: string;
  @Column('varchar', { name: 'event_type', length: 128 }) eventType: string;
  @Column('uuid', { name: 'event_id' }) eventId: string;
  @Column('jsonb') payload: Record<string, unknown>;
  @Column('jsonb') headers: Record<string, string>;
  // W3C traceparent/tracestate of the write, restored by the relay.
  @Column('jsonb', { name: 'trace_context' }) traceContext: Record<string, string>;
  @Column('timestamptz', { name: 'created_at' }) createdAt: Date;
  @Column('timestamptz', { name: 'published_at', nullable: true }) publishedAt: Date | null;
  // Set when the writer publishes the row itself after its commit: the polling relay waits until then.
  @Column('timestamptz', { name: 'claimed_until', nullable: true }) claimedUntil: Date | null;
}
