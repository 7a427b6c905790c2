import { MigrationInterface, QueryRunner } from 'typeorm';

export class Orders1764500000000 implements MigrationInterface {
  name = 'Orders1764500000000';

  async up(q: QueryRunner): Promise<void> {
    // The id is assigned by the gateway before the publish (a name-based UUID when an Idempotency-Key is sent),
    // so a redelivered or retried order lands on the same row: INSERT ... ON CONFLICT (id) DO NOTHING.
    // request_hash is the SHA-256 of the accepted request body: the same key with another body is a 409.
    await q.query(`
      CREATE TABLE orders (
        id uuid PRIMARY KEY,
        user_id uuid NOT NULL,
        product_name varchar(200) NOT NULL,
        amount numeric(14, 2) NOT NULL CHECK (amount > 0),
        currency char(3) NOT NULL,
        plan_id varchar(128),
        idempotency_key varchar(255),
        request_hash char(64) NOT NULL,
        search_vector tsvector GENERATED ALWAYS AS (to_tsvector('simple', product_name)) STORED,
        created_at timestamptz NOT NULL,
        stored_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX orders_user_created_idx ON orders (user_id, created_at DESC, id)`);
    await q.query(`CREATE INDEX orders_created_idx ON orders (created_at DESC, id)`);
    await q.query(`CREATE INDEX orders_search_vector_idx ON orders USING GIN (search_vector)`);
    // Sales per UTC day; the unique index is what REFRESH MATERIALIZED VIEW CONCURRENTLY requires.
    await q.query(`
      CREATE MATERIALIZED VIEW daily_sales_mv AS
        SELECT (created_at AT TIME ZONE 'UTC')::date AS sale_date,
               sum(amount)::numeric(18, 2) AS total_revenue,
               count(*)::bigint AS order_count
          FROM orders
         GROUP BY 1
      WITH DATA`);
    await q.query(`CREATE UNIQUE INDEX daily_sales_mv_sale_date_idx ON daily_sales_mv (sale_date)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP MATERIALIZED VIEW daily_sales_mv`);
    await q.query(`DROP TABLE orders`);
  }
}
