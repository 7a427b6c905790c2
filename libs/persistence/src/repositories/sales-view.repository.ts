import { Injectable } from '@nestjs/common';
import { performance } from 'node:perf_hooks';
import { DataSource, EntityManager } from 'typeorm';
import { SALES_CACHE_DAYS } from '@app/contracts';

export interface DailySalesRow {
  saleDate: string; // YYYY-MM-DD
  totalRevenue: string; // numeric, exact
  orderCount: string; // bigint
}

export interface SalesViewRefreshRequest {
  // true: wait for a running refresh to finish, then refresh (an admin asking for fresh numbers);
  // false: skip when one is running (a scheduler tick: the running one serves it).
  wait: boolean;
  // Bounds the lock wait and the refresh together.
  timeoutMs: number;
  // The scheduler tick this refresh serves; a tick already served is skipped.
  tickAt?: Date;
  // Runs after the refresh, before its commit, under the cache fill lock with the view as it will be committed: the
  // cache fence (a fill can no longer land the old rows after it).
  beforeCommit?: (snapshot: SalesViewSnapshot) => Promise<void>;
}

// The view as one transaction sees it: what the dashboard cache holds.
export interface SalesViewSnapshot {
  // refreshed_at of the last refresh in epoch microseconds, as text ('0' before the first one).
  version: string;
  // Postgres's today (UTC), YYYY-MM-DD.
  today: string;
  // Every row from SALES_CACHE_DAYS - 1 days before today on (later days too), newest first.
  rows: DailySalesRow[];
}

export type SalesViewRefreshOutcome =
  | { status: 'refreshed'; startedAt: Date; refreshedAt: Date; durationMs: number; snapshot?: SalesViewSnapshot }
  | { status: 'skipped'; reason: 'running' | 'tick-already-served' };

const VIEW = 'daily_sales_mv';
// Held for the whole refresh by whoever refreshes the view, on any replica; 7_363_517_001/002 are taken.
export const SALES_VIEW_LOCK_KEY = 7_363_517_003;
// Orders the dashboard cache's writes: a fill holds it shared from its read until its cache write is done; a
// refresh takes it exclusively before its commit, waiting for fills under way, and fences the cache. A fill that
// finds it taken answers without writing. 004 and 010 are taken.
export const SALES_CACHE_FILL_LOCK_KEY = 7_363_517_011;
const SNAPSHOT_VERSION = `SELECT coalesce((SELECT (extract(epoch FROM refreshed_at) * 1000000)::bigint FROM materialized_view_refreshes WHERE view_name = $1), 0)::text AS version,
        to_char((now() AT TIME ZONE 'UTC')::date, 'YYYY-MM-DD') AS today`;

// A timeout as Postgres takes it: whole milliseconds, at least 1 (0 would mean none).
function timeoutMilliseconds(ms: number): number {
  if (Number.isNaN(ms)) throw new RangeError('a timeout must be a number of milliseconds');
  return Math.max(1, Math.ceil(ms));
}

// Timeouts for the statements that follow in this transaction (SET LOCAL, as parameters).
async function setLocalTimeouts(manager: EntityManager, statementMs: number, lockMs = statementMs): Promise<void> {
  await manager.query(`SELECT set_config('statement_timeout', $1, true), set_config('lock_timeout', $2, true)`, [
    String(timeoutMilliseconds(statementMs)),
    String(timeoutMilliseconds(lockMs)),
  ]);
}

// The sales dashboard reads only the materialized view; only core refreshes it, one refresh at a time.
@Injectable()
export class SalesViewRepository {
  constructor(private readonly dataSource: DataSource) {}

  // Today (UTC) and the days - 1 days before it, newest first; days without orders have no row. Parameterized
  // SQL in one short transaction, so SET LOCAL bounds the SELECT and ends with it.
  async dailySales(days: number, timeoutMs: number): Promise<DailySalesRow[]> {
    if (!Number.isInteger(days) || days < 1 || days > 366) throw new RangeError(`days must be an integer in 1..366, got ${days}`);
    return this.dataSource.transaction(async (manager) => {
      await setLocalTimeouts(manager, timeoutMs);
      return manager.query<DailySalesRow[]>(
        `SELECT to_char(sale_date, 'YYYY-MM-DD') AS "saleDate", total_revenue::text AS "totalRevenue", order_count::text AS "orderCount"
           FROM ${VIEW}
          WHERE sale_date BETWEEN (now() AT TIME ZONE 'UTC')::date - $1::int AND (now() AT TIME ZONE 'UTC')::date
          ORDER BY sale_date DESC`,
        [days - 1],
      );
    });
  }

  // The view for the dashboard cache (see SalesViewSnapshot), in one short transaction. `fill` runs inside it when
  // the fill lock was free (no refresh is about to commit), so its cache write lands before any later fence.
  readForCache(timeoutMs: number, fill: (snapshot: SalesViewSnapshot) => Promise<void>): Promise<SalesViewSnapshot> {
    return this.dataSource.transaction(async (manager) => {
      await setLocalTimeouts(manager, timeoutMs);
      const [{ mayFill }] = await manager.query<Array<{ mayFill: boolean }>>(`SELECT pg_try_advisory_xact_lock_shared($1) AS "mayFill"`, [SALES_CACHE_FILL_LOCK_KEY]);
      const snapshot = await this.snapshot(manager, SALES_CACHE_DAYS);
      if (mayFill) await fill(snapshot);
      return snapshot;
    });
  }

  private async snapshot(manager: EntityManager, days: number): Promise<SalesViewSnapshot> {
    const [{ version, today }] = await manager.query<Array<{ version: string; today: string }>>(SNAPSHOT_VERSION, [VIEW]);
    const rows = await manager.query<DailySalesRow[]>(
      `SELECT to_char(sale_date, 'YYYY-MM-DD') AS "saleDate", total_revenue::text AS "totalRevenue", order_count::text AS "orderCount"
         FROM ${VIEW} WHERE sale_date >= $1::date - $2::int ORDER BY sale_date DESC`,
      [today, days - 1],
    );
    return { version, today, rows };
  }

  // REFRESH ... CONCURRENTLY (readers keep the old rows until it commits) under a transaction-scoped advisory
  // lock, so across every replica at most one refresh runs; the lock goes with the transaction, even on a crash.
  refresh(request: SalesViewRefreshRequest): Promise<SalesViewRefreshOutcome> {
    const deadline = performance.now() + request.timeoutMs;
    return this.dataSource.transaction(async (manager): Promise<SalesViewRefreshOutcome> => {
      await setLocalTimeouts(manager, request.timeoutMs);
      if (request.wait) {
        await manager.query(`SELECT pg_advisory_xact_lock($1)`, [SALES_VIEW_LOCK_KEY]);
      } else {
        const [{ locked }] = await manager.query<Array<{ locked: boolean }>>(`SELECT pg_try_advisory_xact_lock($1) AS locked`, [SALES_VIEW_LOCK_KEY]);
        if (!locked) return { status: 'skipped', reason: 'running' };
      }
      if (request.tickAt) {
        // Read under the lock: a replica that served this tick has committed by now.
        const [state] = await manager.query<Array<{ served: boolean }>>(
          `SELECT coalesce(last_tick_at >= $2, false) AS served FROM materialized_view_refreshes WHERE view_name = $1`,
          [VIEW, request.tickAt],
        );
        if (state?.served) return { status: 'skipped', reason: 'tick-already-served' };
      }
      // What is left of the bound after the lock wait.
      await setLocalTimeouts(manager, deadline - performance.now());
      const startedAt = new Date();
      const started = performance.now();
      await manager.query(`REFRESH MATERIALIZED VIEW CONCURRENTLY ${VIEW}`);
      const durationMs = Math.round(performance.now() - started);
      const [{ refreshedAt }] = await manager.query<Array<{ refreshedAt: Date }>>(
        `INSERT INTO materialized_view_refreshes (view_name, refreshed_at, duration_ms, last_tick_at)
         VALUES ($1, clock_timestamp(), $2, $3)
         ON CONFLICT (view_name) DO UPDATE
           SET refreshed_at = EXCLUDED.refreshed_at, duration_ms = EXCLUDED.duration_ms,
               last_tick_at = coalesce(EXCLUDED.last_tick_at, materialized_view_refreshes.last_tick_at)
         RETURNING refreshed_at AS "refreshedAt"`,
        [VIEW, durationMs, request.tickAt ?? null],
      );
      if (!request.beforeCommit) return { status: 'refreshed', startedAt, refreshedAt, durationMs };
      await manager.query(`SELECT pg_advisory_xact_lock($1)`, [SALES_CACHE_FILL_LOCK_KEY]);
      const snapshot = await this.snapshot(manager, SALES_CACHE_DAYS);
      await request.beforeCommit(snapshot);
      return { status: 'refreshed', startedAt, refreshedAt, durationMs, snapshot };
    });
  }

  // When the view last finished a refresh (null if it never did since the table was created).
  async lastRefreshedAt(timeoutMs: number): Promise<Date | null> {
    return this.dataSource.transaction(async (manager) => {
      await setLocalTimeouts(manager, timeoutMs);
      const [row] = await manager.query<Array<{ refreshedAt: Date }>>(`SELECT refreshed_at AS "refreshedAt" FROM materialized_view_refreshes WHERE view_name = $1`, [
        VIEW,
      ]);
      return row?.refreshedAt ?? null;
    });
  }
}
