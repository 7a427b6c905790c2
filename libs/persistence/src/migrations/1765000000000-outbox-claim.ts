import { MigrationInterface, QueryRunner } from 'typeorm';

// A row the writing process publishes itself, from memory, right after its commit: the polling relay leaves it
// alone until claimed_until, so it is not published twice, and takes it after that if the writer died first.
// NULL (every row written before, and every writer that wakes the relay with NOTIFY instead) means unclaimed.
export class OutboxClaim1765000000000 implements MigrationInterface {
  name = 'OutboxClaim1765000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE outbox ADD COLUMN claimed_until timestamptz`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE outbox DROP COLUMN claimed_until`);
  }
}
