import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { eventually } from '../../../../test/support/eventually';
import { TEST_ENV } from '../../../../test/support/test-env';
import { dataSourceOptions } from '../data-source.options';
import { AuditRepository, NewAuditEvent } from './audit.repository';

function event(action: string, overrides: Partial<NewAuditEvent> = {}): NewAuditEvent {
  return {
    action,
    outcome: 'success',
    actor: { id: randomUUID(), role: 'admin' },
    target: { type: 'plan', id: randomUUID() },
    requestId: `req-${randomUUID()}`,
    ip: '203.0.113.7',
    details: { n: 1 },
    ...overrides,
  };
}

describe('AuditRepository (Postgres)', () => {
  let dataSource: DataSource;
  let sut: AuditRepository;
  let superuser: Client;

  // Sealing runs over the whole test database: each test seals what it wrote before it checks.
  const seal = () => sut.maintain(new Date(), new Date('2000-01-01T00:00:00Z'));
  // Sealing stops below the oldest transaction still open in the whole cluster (xids are not per database), so a
  // transaction of another jest worker or slot holds it back until it ends: seal until nothing here is unsealed.
  const sealAll = () =>
    eventually(async () => {
      await seal();
      expect((await sut.verify()).unsealed).toBe(0);
    }, 30_000);
  const idOf = async (requestId: string) => (await dataSource.query<Array<{ id: string }>>(`SELECT id FROM audit_events WHERE request_id = $1`, [requestId]))[0].id;

  beforeAll(async () => {
    dataSource = await new DataSource(dataSourceOptions(TEST_ENV.DATABASE_URL, 'audit-int')).initialize();
    sut = new AuditRepository(dataSource);
    superuser = new Client({ connectionString: TEST_ENV.DATABASE_URL });
    await superuser.connect();
    await sut.ensurePartitions(new Date());
  });

  afterAll(async () => {
    await superuser.end();
    await dataSource.destroy();
  });

  it('should write a whole batch in one INSERT and list it newest first, filtered on every field together', async () => {
    const actor = { id: randomUUID(), role: 'user' };
    const requestId = `req-${randomUUID()}`;
    const batch = [1, 2, 3].map((n) => event('order.created', { actor, requestId, target: { type: 'order', id: `order-${n}` }, details: { n } }));
    await dataSource.transaction((tx) => sut.record(tx, batch));
    await sut.recordAlone(event('auth.login', { actor, requestId, outcome: 'failure', details: { reason: 'wrong_password' } }));

    const all = await sut.list({ actorId: actor.id }, 1, 10, 'desc');
    expect(all.total).toBe(4);
    expect(all.rows[0]).toMatchObject({ action: 'auth.login', outcome: 'failure', details: { reason: 'wrong_password' }, ip: '203.0.113.7' });
    const orders = await sut.list({ actorId: actor.id, action: 'order.created', outcome: 'success', requestId, targetType: 'order' }, 1, 2, 'desc');
    expect(orders.total).toBe(3);
    expect(orders.rows.map((row) => row.target_id)).toEqual(['order-3', 'order-2']);
    const one = await sut.list({ targetId: 'order-1', actorId: actor.id }, 1, 10, 'desc');
    expect(one.rows.map((row) => row.details)).toEqual([{ n: 1 }]);
    const none = await sut.list({ actorId: actor.id, from: new Date(Date.now() + 60_000) }, 1, 10, 'desc');
    expect(none.total).toBe(0);
  });

  it('should write nothing when the transaction of the change rolls back', async () => {
    const requestId = `req-${randomUUID()}`;
    await expect(
      dataSource.transaction(async (tx) => {
        await sut.record(tx, [event('plan.created', { requestId })]);
        throw new Error('the change failed');
      }),
    ).rejects.toThrow('the change failed');

    expect((await sut.list({ requestId }, 1, 10, 'desc')).total).toBe(0);
  });

  it('should refuse UPDATE, DELETE and TRUNCATE of audit events and of their seals, on the table and on a partition', async () => {
    const requestId = `req-${randomUUID()}`;
    await sut.recordAlone(event('plan.deleted', { requestId }));
    await sealAll();
    const [{ partition }] = await dataSource.query<Array<{ partition: string }>>(`SELECT tableoid::regclass::text AS partition FROM audit_events WHERE request_id = $1`, [
      requestId,
    ]);

    for (const statement of [
      `UPDATE audit_events SET action = 'plan.created' WHERE request_id = '${requestId}'`,
      `DELETE FROM audit_events WHERE request_id = '${requestId}'`,
      `UPDATE ${partition} SET outcome = 'failure' WHERE request_id = '${requestId}'`,
      `DELETE FROM ${partition}`,
      `TRUNCATE audit_events`,
      `TRUNCATE ${partition}`,
      `UPDATE audit_seals SET hash = '\\x00'`,
      `DELETE FROM audit_seals`,
      `TRUNCATE audit_seals`,
    ]) {
      await expect(dataSource.query(statement)).rejects.toThrow(/append-only/);
    }
    expect((await sut.list({ requestId }, 1, 10, 'desc')).rows).toEqual([expect.objectContaining({ action: 'plan.deleted', outcome: 'success' })]);
  });

  it('should seal every committed event and find the chain intact', async () => {
    await sut.recordAlone(event('content.created'));
    await sealAll();

    const result = await sut.verify();

    expect(result).toMatchObject({ firstBroken: null, unsealed: 0, orphaned: 0 });
    expect(result.sealed).toBeGreaterThan(0);
  });

  it('should name the first broken link when a sealed event is edited by hand, and the missing event when one is deleted', async () => {
    const requestId = `req-${randomUUID()}`;
    await sut.recordAlone(event('plan.updated', { requestId, details: { version: '2' } }));
    await sut.recordAlone(event('plan.updated', { requestId: `${requestId}-later` }));
    await sealAll();
    const id = await idOf(requestId);
    const [{ day, position }] = await dataSource.query<Array<{ day: string; position: string }>>(
      `SELECT to_char(s.day, 'YYYY-MM-DD') AS day, s.position::text FROM audit_seals s JOIN audit_events e ON e.seq = s.event_seq AND e.at = s.event_at WHERE e.id = $1`,
      [id],
    );
    // What an intruder with superuser rights does: switch the triggers off and rewrite the row.
    await superuser.query(`SET session_replication_role = replica`);
    try {
      await superuser.query(`UPDATE audit_events SET details = '{"version": "3"}' WHERE id = $1`, [id]);
      expect((await sut.verify()).firstBroken).toEqual({ day, position: Number(position), eventSeq: expect.any(String), eventId: id, reason: 'hash_mismatch' });

      await superuser.query(`UPDATE audit_events SET details = '{"version": "2"}' WHERE id = $1`, [id]);
      expect((await sut.verify()).firstBroken).toBeNull();

      await superuser.query(`CREATE TEMP TABLE kept_event AS SELECT * FROM audit_events WHERE id = $1`, [id]);
      await superuser.query(`DELETE FROM audit_events WHERE id = $1`, [id]);
      expect((await sut.verify()).firstBroken).toEqual({ day, position: Number(position), eventSeq: expect.any(String), eventId: null, reason: 'event_missing' });

      // Put the original back (the chain is shared by every test of this database).
      await superuser.query(`INSERT INTO audit_events SELECT * FROM kept_event`);
    } finally {
      // Even when an expectation failed: the original row back, or the shared chain stays broken for later runs.
      await superuser.query(`UPDATE audit_events SET details = '{"version": "2"}' WHERE id = $1`, [id]);
      await superuser.query(`INSERT INTO audit_events SELECT * FROM kept_event WHERE NOT EXISTS (SELECT 1 FROM audit_events WHERE id = $1)`, [id]).catch(() => undefined);
      await superuser.query(`DROP TABLE IF EXISTS kept_event`);
      await superuser.query(`SET session_replication_role = origin`);
    }
    expect((await sut.verify()).firstBroken).toBeNull();
  });

  it('should seal nothing written after a transaction still open, and seal both in sequence order once it commits', async () => {
    const slowRequest = `req-${randomUUID()}`;
    const fastRequest = `req-${randomUUID()}`;
    const slow = new Client({ connectionString: TEST_ENV.DATABASE_URL });
    await slow.connect();
    try {
      // The slow writer draws its sequence number first and commits last.
      await slow.query('BEGIN');
      await slow.query(`INSERT INTO audit_events (action, outcome, request_id) VALUES ('plan.created', 'success', $1)`, [slowRequest]);
      await sut.recordAlone(event('plan.created', { requestId: fastRequest }));

      await seal();
      expect(await sut.verify()).toMatchObject({ firstBroken: null, orphaned: 0 });
      const sealedSeqs = async () =>
        (
          await dataSource.query<Array<{ request_id: string }>>(
            `SELECT e.request_id FROM audit_seals s JOIN audit_events e ON e.seq = s.event_seq AND e.at = s.event_at WHERE e.request_id = ANY($1) ORDER BY s.day, s.position`,
            [[slowRequest, fastRequest]],
          )
        ).map((row) => row.request_id);
      // The fast event is committed, but an older transaction may still write: sealing waits (xid watermark).
      expect(await sealedSeqs()).toEqual([]);
      expect((await sut.verify()).unsealed).toBeGreaterThanOrEqual(1);

      await slow.query('COMMIT');
      await sealAll();
      expect(await sealedSeqs()).toEqual([slowRequest, fastRequest]);
      expect(await sut.verify()).toMatchObject({ firstBroken: null, unsealed: 0, orphaned: 0 });
    } finally {
      await slow.end();
    }
  });

  it('should let only one replica maintain at a time', async () => {
    const locker = new Client({ connectionString: TEST_ENV.DATABASE_URL });
    await locker.connect();
    try {
      await locker.query('BEGIN');
      await locker.query('SELECT pg_advisory_xact_lock(7363517010)');
      await expect(seal()).resolves.toBeNull();
      await locker.query('COMMIT');
      await expect(seal()).resolves.toMatchObject({ sealed: expect.any(Number) });
    } finally {
      await locker.end();
    }
  });

  it('should drop the month partitions wholly older than the retention and create the coming months, idempotently (fake clock)', async () => {
    // A clock in 2021: partitions for 2020-11 hold an old event, the tick creates 2021-02 .. 2021-05.
    await dataSource.query(`SELECT audit_ensure_partitions('2020-11-01', 2)`);
    await dataSource.query(`INSERT INTO audit_events (at, action, outcome, request_id) VALUES ('2020-11-15T12:00:00Z', 'plan.created', 'success', 'req-old')`);
    const now = new Date('2021-02-10T03:00:00Z');
    const retention = 75 * 86_400_000; // cutoff 2020-11-27: November is not wholly older, October would be

    const first = await sut.maintain(now, new Date(now.getTime() - retention));
    expect(first?.droppedPartitions).toEqual([]);
    expect((await sut.list({ requestId: 'req-old' }, 1, 10, 'desc')).total).toBe(1);
    const exists = async (name: string) => (await dataSource.query<Array<{ t: string | null }>>(`SELECT to_regclass($1)::text AS t`, [name]))[0].t !== null;
    expect(await exists('audit_events_y2021m05')).toBe(true);
    expect(await exists('audit_seals_y2021m05')).toBe(true);
    expect(await exists('audit_events_y2021m06')).toBe(false);

    const later = new Date('2021-03-02T03:00:00Z');
    const second = await sut.maintain(later, new Date(later.getTime() - retention));
    expect([...(second?.droppedPartitions ?? [])].sort()).toEqual(['audit_events_y2020m11', 'audit_seals_y2020m11']);
    expect((await sut.list({ requestId: 'req-old' }, 1, 10, 'desc')).total).toBe(0);
    await expect(sut.maintain(later, new Date(later.getTime() - retention))).resolves.toMatchObject({ droppedPartitions: [] });
    expect(await sut.verify()).toMatchObject({ firstBroken: null, orphaned: 0 });

    // Leave no 2020/2021 partitions behind for the other tests of this database.
    await sut.maintain(new Date(), new Date('2021-07-01T00:00:00Z'));
    expect(await exists('audit_events_y2021m05')).toBe(false);
  });
});
