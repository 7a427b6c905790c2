import { MigrationInterface, QueryRunner } from 'typeorm';

// When a user's personal data was erased (the row stays, so every foreign key and order still holds). The
// scheduler's sweep reads soft-deleted, not yet erased users by deleted_at.
export class UserErasure1764700100000 implements MigrationInterface {
  name = 'UserErasure1764700100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE users ADD COLUMN erased_at timestamptz`);
    await q.query(`CREATE INDEX users_erasure_due_idx ON users (deleted_at, id) WHERE deleted_at IS NOT NULL AND erased_at IS NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX users_erasure_due_idx`);
    await q.query(`ALTER TABLE users DROP COLUMN erased_at`);
  }
}
