import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity({ name: 'content_items' })
export class ContentItemEntity {
  @PrimaryColumn('uuid') id: string;
  @Column('uuid', { name: 'author_id' }) authorId: string;
  @Column('varchar', { length: 200 }) title: string;
  @Column('text') content: string;
  @Column('varchar', { length: 2048, nullable: true }) image: string | null;
  // Bumped by every update; orders cache writes.
  @Column('integer') version: number;
  @Column('timestamptz', { name: 'created_at' }) createdAt: Date;
  @Column('timestamptz', { name: 'updated_at' }) updatedAt: Date;
}
