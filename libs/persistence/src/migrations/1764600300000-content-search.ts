import { MigrationInterface, QueryRunner } from 'typeorm';

// The built-in content search backend: a generated tsvector (title weighted A, content B) written by the row's own
// INSERT or UPDATE, so a write is searchable from its commit. 'simple' (no stemming, no stop words) matches the
// Elasticsearch standard analyzer, as for plans and orders. Only the first 100 000 characters of content are
// indexed: a tsvector is capped at 1 MB, and a longer text of short unique words would fail the write itself.
export class ContentSearch1764600300000 implements MigrationInterface {
  name = 'ContentSearch1764600300000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE content_items ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('simple', title), 'A') || setweight(to_tsvector('simple', left(content, 100000)), 'B')
      ) STORED`);
    await q.query(`CREATE INDEX content_items_search_vector_idx ON content_items USING GIN (search_vector)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX content_items_search_vector_idx`);
    await q.query(`ALTER TABLE content_items DROP COLUMN search_vector`);
  }
}
