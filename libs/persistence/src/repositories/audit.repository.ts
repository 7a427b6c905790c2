import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';

export interface NewAuditEvent {
  action: string;
  outcome: 'success' | 'failure';
  actor: { id: string; role: string | null } | null;
  target: { type: string; id: string } | null;
  requestId: string | null;
  ip: string | null;
  details: Record<string, unknown>;
}

export interface AuditEventRow {
  id: string;
  at: Date;
  action: string;
  outcome: 'success' | 'failure';
  actor_id: string | null;
  actor_role: string | null;
  target_type: string | null;
  target_id: string | null;
  request_id: string | null;
  ip: string | null;
  details: Record<string, unknown>;
}

export interface AuditFilter {
  action?: string;
  actorId?: string;
  targetType?: string;
  targetId?: string;
  outcome?: string;
  from?: Date;
  to?: Date;
  requestId?: string;
}

export interface AuditMaintenance {
  createdPartitions: number;
  droppedPartitions: string[];
  sealed: number;
}

export interface AuditBrokenLink {
  day: string;
  position: number;
  eventSeq: string | null;
  eventId: string | null;
  reason: 'hash_mismatch' | 'event_missing' | 'position_gap';
}

export interface AuditVerification {
  sealed: number;
  unsealed: number;
  // Unsealed events the sealer has already passed: a removed tail link, or a row slipped in by hand.
  orphaned: number;
  firstBroken: AuditBrokenLink | null;
}

// Held by whoever runs the audit maintenance (partitions, purge, sealing), on any core replica.
export const AUDIT_MAINTENANCE_LOCK_KEY = 7_363_517_010;
const MONTHS_AHEAD = 3;

@Injectable()
export class AuditRepository {
  // Test hook (core's TEST_CRASH_BEFORE_COMMIT_OF, NODE_ENV=test only): the process dies right after writing an
  // event of this action, inside the change's transaction and before its commit.
  crashBeforeCommitOf?: string;

  constructor(private readonly dataSource: DataSource) {}

  // Must run inside the transaction of the change it records: one statement whatever the number of events. The
  // writing transaction's id is taken once for the statement (the column default would take it per row), and
  // empty details travel as NULL (the default '{}' then, not one JSON parse per row).
  async record(manager: EntityManager, events: NewAuditEvent[]): Promise<void> {
    if (events.length === 0) return;
    const column = <T>(pick: (event: NewAuditEvent) => T) => events.map(pick);
    await manager.query(
      `INSERT INTO audit_events (writer_xid, action, outcome, actor_id, actor_role, target_type, target_id, request_id, ip, details)
       SELECT (SELECT pg_current_xact_id()::text::bigint), e.action, e.outcome, e.actor_id, e.actor_role, e.target_type, e.target_id, e.request_id, e.ip,
              coalesce(e.details, '{}'::jsonb)
       FROM unnest($1::text[], $2::text[], $3::uuid[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::jsonb[])
         AS e(action, outcome, actor_id, actor_role, target_type, target_id, request_id, ip, details)`,
      [
        column((e) => e.action),
        column((e) => e.outcome),
        column((e) => e.actor?.id ?? null),
        column((e) => e.actor?.role ?? null),
        column((e) => e.target?.type ?? null),
        column((e) => e.target?.id ?? null),
        column((e) => e.requestId),
        column((e) => e.ip),
        column((e) => (Object.keys(e.details).length === 0 ? null : JSON.stringify(e.details))),
      ],
    );
    this.crashIfArmed(events.map((event) => event.action));
  }

  private crashIfArmed(actions: string[]): void {
    if (this.crashBeforeCommitOf && actions.includes(this.crashBeforeCommitOf)) process.kill(process.pid, 'SIGKILL');
  }

  // Runs a change that writes itself and its audit event `action` in one statement: on its own, since a statement
  // is atomic (no BEGIN and COMMIT round trips), or, with the test hook armed for `action`, in a transaction the
  // hook kills between that statement and the commit.
  async inOneStatement<T>(action: string, write: (manager: EntityManager) => Promise<T>): Promise<T> {
    if (this.crashBeforeCommitOf !== action) return write(this.dataSource.manager);
    return this.dataSource.transaction(async (tx) => {
      const result = await write(tx);
      if (result) this.crashIfArmed([action]);
      return result;
    });
  }

  // An event that records no change of its own (a refused login): committed on its own.
  recordAlone(event: NewAuditEvent): Promise<void> {
    return this.record(this.dataSource.manager, [event]);
  }

  async list(filter: AuditFilter, page: number, pageSize: number, order: 'asc' | 'desc'): Promise<{ rows: AuditEventRow[]; total: number }> {
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (sql: string, value: unknown) => {
      params.push(value);
      where.push(sql.replace('?', `$${params.length}`));
    };
    if (filter.action !== undefined) add('action = ?', filter.action);
    if (filter.actorId !== undefined) add('actor_id = ?', filter.actorId);
    if (filter.targetType !== undefined) add('target_type = ?', filter.targetType);
    if (filter.targetId !== undefined) add('target_id = ?', filter.targetId);
    if (filter.outcome !== undefined) add('outcome = ?', filter.outcome);
    if (filter.from !== undefined) add('at >= ?', filter.from);
    if (filter.to !== undefined) add('at <= ?', filter.to);
    if (filter.requestId !== undefined) add('request_id = ?', filter.requestId);
    const clause = where.length > 0 ? `WHERE ${where.join(' AND ')}` : '';
    const direction = order === 'asc' ? 'ASC' : 'DESC';
    const [{ total }] = await this.dataSource.query<Array<{ total: number }>>(`SELECT count(*)::int AS total FROM audit_events ${clause}`, params);
    const rows = await this.dataSource.query<AuditEventRow[]>(
      `SELECT id, at, action, outcome, actor_id, actor_role, target_type, target_id, request_id, ip, details
       FROM audit_events ${clause} ORDER BY at ${direction}, seq ${direction} LIMIT $${params.length + 1} OFFSET $${params.length + 2}`,
      [...params, pageSize, (page - 1) * pageSize],
    );
    return { rows, total };
  }

  // Partitions ahead, retention purge and sealing, under one lock so that replicas never run it twice at once.
  // Null when another replica holds the lock (it is doing this very work).
  async maintain(now: Date, purgeBefore: Date): Promise<AuditMaintenance | null> {
    return this.dataSource.transaction(async (tx) => {
      const [{ locked }] = await tx.query<Array<{ locked: boolean }>>(`SELECT pg_try_advisory_xact_lock($1) AS locked`, [AUDIT_MAINTENANCE_LOCK_KEY]);
      if (!locked) return null;
      const [{ created }] = await tx.query<Array<{ created: number }>>(`SELECT audit_ensure_partitions(($1::timestamptz AT TIME ZONE 'UTC')::date, $2) AS created`, [
        now,
        MONTHS_AHEAD + 1,
      ]);
      const [{ dropped }] = await tx.query<Array<{ dropped: string[] }>>(`SELECT audit_drop_partitions_before($1) AS dropped`, [purgeBefore]);
      const [{ sealed }] = await tx.query<Array<{ sealed: number }>>(`SELECT audit_seal() AS sealed`);
      return { createdPartitions: created, droppedPartitions: dropped, sealed };
    });
  }

  // Partitions for the current month and the next ones, so writes never lack one (idempotent, cheap).
  async ensurePartitions(now: Date): Promise<void> {
    await this.dataSource.query(`SELECT audit_ensure_partitions(($1::timestamptz AT TIME ZONE 'UTC')::date, $2)`, [now, MONTHS_AHEAD + 1]);
  }

  // Checks every sealed link: its event exists, positions are contiguous per day, and each hash is
  // sha256(previous hash, or the day's genesis || the event's digest). Set-based: each link needs only its
  // predecessor's stored hash. The first broken link (oldest day, lowest position) is named.
  async verify(): Promise<AuditVerification> {
    const [broken] = await this.dataSource.query<
      Array<{ day: string; position: string; event_seq: string | null; event_id: string | null; reason: AuditBrokenLink['reason'] }>
    >(
      `WITH links AS (
         SELECT s.day, s.position, s.event_seq, s.hash, e.id AS event_id,
                CASE WHEN e.seq IS NULL THEN NULL ELSE audit_event_digest(e) END AS digest,
                lag(s.hash) OVER w AS prev_hash, lag(s.position) OVER w AS prev_position
         FROM audit_seals s
         LEFT JOIN audit_events e ON e.at = s.event_at AND e.seq = s.event_seq
         WINDOW w AS (PARTITION BY s.day ORDER BY s.position))
       SELECT to_char(day, 'YYYY-MM-DD') AS day, position::text, event_seq::text, event_id::text,
              CASE WHEN position <> coalesce(prev_position, 0) + 1 THEN 'position_gap'
                   WHEN digest IS NULL THEN 'event_missing'
                   ELSE 'hash_mismatch' END AS reason
       FROM links
       WHERE position <> coalesce(prev_position, 0) + 1
          OR digest IS NULL
          OR hash <> sha256(coalesce(prev_hash, sha256(convert_to('audit:' || day::text, 'UTF8'))) || digest)
       ORDER BY day, position LIMIT 1`,
    );
    const [counts] = await this.dataSource.query<Array<{ sealed: number; unsealed: number; orphaned: number }>>(
      `WITH unsealed AS (
         SELECT e.writer_xid FROM audit_events e
         WHERE NOT EXISTS (SELECT 1 FROM audit_seals s WHERE s.event_seq = e.seq AND s.event_at = e.at))
       SELECT (SELECT count(*)::int FROM audit_seals) AS sealed,
              (SELECT count(*)::int FROM unsealed) AS unsealed,
              (SELECT count(*)::int FROM unsealed WHERE writer_xid < (SELECT sealed_below_xid FROM audit_seal_state WHERE id = 1)) AS orphaned`,
    );
    return {
      sealed: counts.sealed,
      unsealed: counts.unsealed,
      orphaned: counts.orphaned,
      firstBroken: broken ? { day: broken.day, position: Number(broken.position), eventSeq: broken.event_seq, eventId: broken.event_id, reason: broken.reason } : null,
    };
  }
}
