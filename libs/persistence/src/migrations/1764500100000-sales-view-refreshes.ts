import { MigrationInterface, QueryRunner } from 'typeorm';

export class SalesViewRefreshes1764500100000 implements MigrationInterface {
  name = 'SalesViewRefreshes1764500100000';

  async up(q: QueryRunner): Promise<void> {
    // When each materialized view was last refreshed, written in the refresh's own transaction: the view's age
    // (a metric) for every replica, and last_tick_at, the scheduler tick already served, so a tick published by
    // several scheduler replicas refreshes once.
    await q.query(`
      CREATE TABLE materialized_view_refreshes (
        view_name text PRIMARY KEY,
        refreshed_at timestamptz NOT NULL,
        duration_ms integer NOT NULL CHECK (duration_ms >= 0),
        last_tick_at timestamptz
      )`);
    // daily_sales_mv was created WITH DATA by the previous migration, so it is as fresh as its creation.
    await q.query(`INSERT INTO materialized_view_refreshes (view_name, refreshed_at, duration_ms) VALUES ('daily_sales_mv', now(), 0)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE materialized_view_refreshes`);
  }
}
