import { MigrationInterface, QueryRunner } from 'typeorm';

// Cheaper audit writes (issue 17, bench/RESULTS.md). The target and request id filters of GET /admin/audit are
// equality filters: hash indexes serve them at a fraction of a B-tree's insert cost on random text keys (a B-tree
// compares each new key with the collation down its path; a hash index hashes it once).
// (The sequence keeps CACHE 1: a cache per session would number events out of their insertion order across
// sessions, and the sealer chains them in seq order.)
export class AuditWriteCost1765000100000 implements MigrationInterface {
  name = 'AuditWriteCost1765000100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX audit_events_target_idx`);
    await q.query(`DROP INDEX audit_events_request_idx`);
    await q.query(`CREATE INDEX audit_events_target_hash ON audit_events USING hash (target_id)`);
    await q.query(`CREATE INDEX audit_events_request_hash ON audit_events USING hash (request_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX audit_events_request_hash`);
    await q.query(`DROP INDEX audit_events_target_hash`);
    await q.query(`CREATE INDEX audit_events_request_idx ON audit_events (request_id)`);
    await q.query(`CREATE INDEX audit_events_target_idx ON audit_events (target_id, at)`);
  }
}
