import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity({ name: 'orders' })
export class OrderEntity {
  @PrimaryColumn('uuid') id: string;
  @Column('uuid', { name: 'user_id' }) userId: string;
  @Column('varchar', { name: 'product_name', length: 200 }) productName: string;
  // numeric comes back from pg as a string ("12.50"): exact, converted to a number only in the view.
  @Column('numeric', { precision: 14, scale: 2 }) amount: string;
  @Column('char', { length: 3 }) currency: string;
  @Column('varchar', { name: 'plan_id', length: 128, nullable: true }) planId: string | null;
  @Column('varchar', { name: 'idempotency_key', length: 255, nullable: true }) idempotencyKey: string | null;
  @Column('char', { name: 'request_hash', length: 64 }) requestHash: string;
  @Column('timestamptz', { name: 'created_at' }) createdAt: Date;
  @Column('timestamptz', { name: 'stored_at' }) storedAt: Date;
}
