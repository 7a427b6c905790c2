import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity({ name: 'plan_objects' })
export class PlanObjectEntity {
  @PrimaryColumn('varchar', { name: 'plan_id', length: 128 }) planId: string;
  @PrimaryColumn('varchar', { name: 'object_id', length: 128 }) objectId: string;
  @Column('varchar', { name: 'object_type', length: 32 }) objectType: string;
  @Column('varchar', { name: 'parent_id', length: 128, nullable: true }) parentId: string | null;
  @Column('varchar', { length: 64, nullable: true }) relation: string | null;
  @Column('jsonb') properties: Record<string, unknown>;
  @Column('varchar', { length: 255, nullable: true }) name: string | null;
  @Column('integer', { nullable: true }) copay: number | null;
  @Column('integer', { nullable: true }) deductible: number | null;
}
