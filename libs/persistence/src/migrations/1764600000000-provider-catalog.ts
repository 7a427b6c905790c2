import { MigrationInterface, QueryRunner } from 'typeorm';

// The provider catalog. Written only by the scheduler/fetcher (the sync), read by core (the search).
export class ProviderCatalog1764600000000 implements MigrationInterface {
  name = 'ProviderCatalog1764600000000';

  async up(q: QueryRunner): Promise<void> {
    // One row per provider plan, keyed by (base_plan_id, plan_id): plan_id is unique only within its base plan.
    // Rows are never deleted when a plan vanishes from the feed; ever_online is sticky; zones are replaced
    // per plan (a zone_id can repeat within a plan, so they are kept as the feed lists them).
    await q.query(`
      CREATE TABLE provider_plans (
        id uuid PRIMARY KEY,
        base_plan_id varchar(64) NOT NULL,
        plan_id varchar(64) NOT NULL,
        title text NOT NULL,
        sell_mode varchar(32) NOT NULL,
        ever_online boolean NOT NULL,
        organizer_company_id varchar(64),
        starts_at timestamptz NOT NULL,
        ends_at timestamptz NOT NULL,
        start_local timestamp NOT NULL,
        end_local timestamp NOT NULL,
        sell_from timestamptz,
        sell_to timestamptz,
        sold_out boolean NOT NULL DEFAULT false,
        zones jsonb NOT NULL,
        min_price numeric(14, 2) NOT NULL,
        max_price numeric(14, 2) NOT NULL,
        content_hash varchar(64) NOT NULL,
        snapshot_at timestamptz NOT NULL,
        first_seen_at timestamptz NOT NULL,
        last_seen_at timestamptz NOT NULL,
        changed_at timestamptz NOT NULL,
        CONSTRAINT provider_plans_key UNIQUE (base_plan_id, plan_id),
        CONSTRAINT provider_plans_range CHECK (ends_at >= starts_at),
        CONSTRAINT provider_plans_prices CHECK (min_price >= 0 AND max_price >= min_price)
      )`);
    // The search: every plan ever online, by start then id.
    await q.query(`CREATE INDEX provider_plans_search_idx ON provider_plans (starts_at, id) INCLUDE (ends_at) WHERE ever_online`);

    // One row per sync attempt (and per sync skipped because the circuit was open), newest first.
    await q.query(`
      CREATE TABLE provider_sync_runs (
        id uuid PRIMARY KEY,
        status varchar(16) NOT NULL CHECK (status IN ('running', 'succeeded', 'failed', 'skipped')),
        trigger varchar(16) NOT NULL CHECK (trigger IN ('startup', 'schedule', 'admin')),
        started_at timestamptz NOT NULL,
        finished_at timestamptz,
        new integer NOT NULL DEFAULT 0,
        changed integer NOT NULL DEFAULT 0,
        unchanged integer NOT NULL DEFAULT 0,
        invalid integer NOT NULL DEFAULT 0,
        error text,
        details jsonb NOT NULL DEFAULT '{}'
      )`);
    await q.query(`CREATE INDEX provider_sync_runs_started_idx ON provider_sync_runs (started_at DESC, id DESC)`);

    // The sync's memory between runs, one row: the validators and hash of the last applied snapshot (so an
    // unchanged feed costs no writes), its size (to spot a sharply shrunken snapshot), the circuit breaker's
    // state (shared by every scheduler replica), and how fresh the catalog is.
    await q.query(`
      CREATE TABLE provider_sync_state (
        provider varchar(32) PRIMARY KEY,
        etag text,
        last_modified text,
        content_hash varchar(64),
        plan_count integer NOT NULL DEFAULT 0,
        snapshot_at timestamptz,
        last_synced_at timestamptz,
        last_changed_at timestamptz,
        catalog_version bigint NOT NULL DEFAULT 0,
        breaker jsonb
      )`);
    await q.query(`INSERT INTO provider_sync_state (provider) VALUES ('default')`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE provider_sync_state`);
    await q.query(`DROP TABLE provider_sync_runs`);
    await q.query(`DROP TABLE provider_plans`);
  }
}
