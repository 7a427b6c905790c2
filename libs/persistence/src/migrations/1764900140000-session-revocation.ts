import { MigrationInterface, QueryRunner } from 'typeorm';

// A password change ends the user's other sessions: access tokens carry the token_version they were issued at and
// their session (refresh token family); the gateway refuses a token older than token_version unless its session is
// kept_session (the one that changed its own password).
export class SessionRevocation1764900140000 implements MigrationInterface {
  name = 'SessionRevocation1764900140000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE users ADD COLUMN token_version integer NOT NULL DEFAULT 0, ADD COLUMN kept_session uuid`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE users DROP COLUMN kept_session, DROP COLUMN token_version`);
  }
}
