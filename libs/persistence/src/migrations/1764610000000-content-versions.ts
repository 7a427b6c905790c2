import { MigrationInterface, QueryRunner } from 'typeorm';

// Content items get a version, bumped by every update, that orders cache writes (a fill that read an older row
// never overwrites a newer entry), and the indexes of the list's three sort orders.
export class ContentVersions1764610000000 implements MigrationInterface {
  name = 'ContentVersions1764610000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE content_items ADD COLUMN version integer NOT NULL DEFAULT 1`);
    await q.query(`CREATE INDEX content_items_created_idx ON content_items (created_at, id)`);
    await q.query(`CREATE INDEX content_items_updated_idx ON content_items (updated_at, id)`);
    await q.query(`CREATE INDEX content_items_title_idx ON content_items (title, id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX content_items_title_idx`);
    await q.query(`DROP INDEX content_items_updated_idx`);
    await q.query(`DROP INDEX content_items_created_idx`);
    await q.query(`ALTER TABLE content_items DROP COLUMN version`);
  }
}
