import { DailySales, SALES_DAYS } from './sales.payloads';

// Redis layout of the sales view's answer: one hash. Core writes it under the view's refresh lock protocol (see
// SalesViewRepository), only over an older version; the gateway's cache fast path reads it with one HMGET in the
// access check's round trip and answers any `days` from it. Redis is only a cache: a miss asks core.
export const SALES_CACHE_KEY = 'sales:daily';
// v: the refresh it holds (refreshed_at in epoch microseconds, 0 before the first refresh); rows: JSON array of
// DailySales, newest day first, every view row from SALES_CACHE_DAYS days before core's today on.
export const SALES_CACHE_FIELDS = ['v', 'rows'] as const;
// Rows kept: enough for days=366 on any later day (the window only moves forward).
export const SALES_CACHE_DAYS = SALES_DAYS.max;
// Bounds how long an entry can outlive a refresh whose fence could not reach Redis.
export const SALES_CACHE_TTL_SECONDS = 300;

// The UTC day of `at` as YYYY-MM-DD.
export function utcDay(at: Date): string {
  return at.toISOString().slice(0, 10);
}

// "The last N days" of rows ordered newest first: today (UTC, `today` as YYYY-MM-DD) and the days - 1 before it.
export function lastSalesDays(rows: readonly DailySales[], days: number, today: string): DailySales[] {
  const from = utcDay(new Date(Date.parse(`${today}T00:00:00Z`) - (days - 1) * 86_400_000));
  let start = 0;
  while (start < rows.length && rows[start].sale_date > today) start++;
  let end = start;
  while (end < rows.length && rows[end].sale_date >= from) end++;
  return rows.slice(start, end);
}
