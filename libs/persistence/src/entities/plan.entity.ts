import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity({ name: 'plans' })
export class PlanEntity {
  @PrimaryColumn('varchar', { name: 'object_id', length: 128 }) objectId: string;
  @Column('jsonb') document: Record<string, unknown>;
  @Column('varchar', { length: 64 }) etag: string;
  @Column('bigint') version: string;
  @Column('varchar', { name: 'plan_type', length: 100 }) planType: string;
  @Column('varchar', { length: 255 }) org: string;
  @Column('uuid', { name: 'created_by' }) createdBy: string;
  @Column('timestamptz', { name: 'created_at' }) createdAt: Date;
  @Column('uuid', { name: 'updated_by' }) updatedBy: string;
  @Column('timestamptz', { name: 'updated_at' }) updatedAt: Date;
}
