import { MigrationInterface, QueryRunner } from 'typeorm';

export class InitialSchema1763700000000 implements MigrationInterface {
  name = 'InitialSchema1763700000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE users (
        id uuid PRIMARY KEY,
        name varchar(200) NOT NULL,
        email varchar(320) NOT NULL,
        phone_number varchar(16),
        country varchar(100),
        state varchar(100),
        role varchar(16) NOT NULL CHECK (role IN ('admin', 'user', 'readonly')),
        password_hash text NOT NULL,
        version integer NOT NULL DEFAULT 1,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        deleted_at timestamptz
      )`);
    // Uniqueness only among live users: a soft-deleted account frees its email and phone.
    await q.query(`CREATE UNIQUE INDEX users_email_live_uq ON users (lower(email)) WHERE deleted_at IS NULL`);
    await q.query(`CREATE UNIQUE INDEX users_phone_live_uq ON users (phone_number) WHERE deleted_at IS NULL AND phone_number IS NOT NULL`);
    await q.query(`CREATE INDEX users_created_at_idx ON users (created_at, id)`);
    await q.query(`
      CREATE TABLE refresh_tokens (
        id uuid PRIMARY KEY,
        user_id uuid NOT NULL REFERENCES users (id),
        family_id uuid NOT NULL,
        token_hash char(64) NOT NULL UNIQUE,
        expires_at timestamptz NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        used_at timestamptz,
        revoked_at timestamptz
      )`);
    await q.query(`CREATE INDEX refresh_tokens_family_idx ON refresh_tokens (family_id)`);
    await q.query(`CREATE INDEX refresh_tokens_user_idx ON refresh_tokens (user_id)`);
    await q.query(`
      CREATE TABLE outbox (
        id bigserial PRIMARY KEY,
        aggregate_type varchar(64) NOT NULL,
        aggregate_id varchar(128) NOT NULL,
        event_type varchar(128) NOT NULL,
        event_id uuid NOT NULL UNIQUE,
        payload jsonb NOT NULL,
        headers jsonb NOT NULL DEFAULT '{}',
        created_at timestamptz NOT NULL DEFAULT now(),
        published_at timestamptz
      )`);
    await q.query(`CREATE INDEX outbox_unpublished_idx ON outbox (id) WHERE published_at IS NULL`);
    await q.query(`
      CREATE TABLE dead_letters (
        id uuid PRIMARY KEY,
        dedupe_key varchar(600) NOT NULL UNIQUE,
        queue varchar(255) NOT NULL,
        exchange varchar(255) NOT NULL,
        routing_key varchar(255) NOT NULL,
        reason varchar(64) NOT NULL,
        message_id varchar(255),
        pattern varchar(255),
        body text NOT NULL,
        headers jsonb NOT NULL DEFAULT '{}',
        properties jsonb NOT NULL DEFAULT '{}',
        dead_lettered_at timestamptz NOT NULL DEFAULT now(),
        replayed_at timestamptz,
        replay_count integer NOT NULL DEFAULT 0
      )`);
    await q.query(`CREATE INDEX dead_letters_pending_idx ON dead_letters (dead_lettered_at DESC) WHERE replayed_at IS NULL`);
    await q.query(`
      CREATE TABLE content_items (
        id uuid PRIMARY KEY,
        author_id uuid NOT NULL REFERENCES users (id),
        title varchar(200) NOT NULL,
        content text NOT NULL,
        image varchar(2048),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX content_items_author_idx ON content_items (author_id, created_at DESC)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE content_items`);
    await q.query(`DROP TABLE dead_letters`);
    await q.query(`DROP TABLE outbox`);
    await q.query(`DROP TABLE refresh_tokens`);
    await q.query(`DROP TABLE users`);
  }
}
