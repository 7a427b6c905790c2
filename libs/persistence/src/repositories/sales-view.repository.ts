import { Injectable } from '@nestjs/common';
import { performance } from 'node:perf_hooks';
import { DataSource, EntityManager } from 'typeorm';

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
}

export type SalesViewRefreshOutcome =
  { status: 'refreshed'; startedAt: Date; refreshedAt: Date; durationMs: number } | { status: 'skipped'; reason: 'running' | 'tick-already-served' };

const VIEW = 'daily_sales_mv';
// Held for the whole refresh by whoever refreshes the view, on any replica; 7_363_517_001/002 are taken.
export const SALES_VIEW_LOCK_KEY = 7_363_517_003;

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
      return { status: 'refreshed', startedAt, refreshedAt, durationMs };
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
