import { IsInt, IsISO8601, Max, Min } from 'class-validator';

// "The last N days": today (UTC) and the N - 1 days before it, by each order's created_at in UTC.
export const SALES_DAYS = { min: 1, max: 366, default: 30 } as const;

// gateway -> core (RPC): the daily totals for the last `days` days, newest first.
export class DailySalesPayload {
  @IsInt() @Min(SALES_DAYS.min) @Max(SALES_DAYS.max) days: number;
}

export interface DailySales {
  sale_date: string; // YYYY-MM-DD (UTC day)
  total_revenue: number;
  order_count: number;
}

export interface DailySalesReply {
  data: DailySales[];
}

// scheduler -> core (a command, no reply): refresh the sales view for the tick scheduled at `tick_at`.
// Every scheduler replica computes the same tick_at for one tick, so core refreshes it once.
export class ScheduledSalesViewRefreshPayload {
  @IsISO8601({ strict: true }) tick_at: string;
}

// core's answer to an admin refresh (RPC).
export interface SalesViewRefreshed {
  refreshed_at: string;
  duration_ms: number;
}
