import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity({ name: 'dead_letters' })
export class DeadLetterEntity {
  @PrimaryColumn('uuid') id: string;
  // One row per death of a message: a redelivered copy of the same death is not stored twice.
  @Column('varchar', { name: 'dedupe_key', length: 600 }) dedupeKey: string;
  @Column('varchar', { length: 255 }) queue: string;
  @Column('varchar', { length: 255 }) exchange: string;
  @Column('varchar', { name: 'routing_key', length: 255 }) routingKey: string;
  @Column('varchar', { length: 64 }) reason: string;
  @Column('varchar', { name: 'message_id', length: 255, nullable: true }) messageId: string | null;
  @Column('varchar', { length: 255, nullable: true }) pattern: string | null;
  @Column('text') body: string;
  @Column('jsonb') headers: Record<string, unknown>;
  @Column('jsonb') properties: Record<string, unknown>;
  @Column('timestamptz', { name: 'dead_lettered_at' }) deadLetteredAt: Date;
  @Column('timestamptz', { name: 'replayed_at', nullable: true }) replayedAt: Date | null;
  @Column('integer', { name: 'replay_count' }) replayCount: number;
}
