import { Injectable } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { MetricsService } from '@app/common';
import { DailySales, lastSalesDays, SALES_CACHE_FIELDS, SALES_CACHE_KEY, SALES_DAYS, utcDay } from '@app/contracts';
import { HashPrefetch } from '../access/access.decorators';

export const SALES_PREFETCH: HashPrefetch = { key: () => SALES_CACHE_KEY, fields: SALES_CACHE_FIELDS };
const JSON_TYPE = 'application/json; charset=utf-8';

// `days` as SalesQueryDto takes it (absent: the default; 1-4 digits within the range), or null for any query the
// Nest route must answer (with its validation error).
export function cacheableSalesDays(query: Record<string, unknown>): number | null {
  let days: number = SALES_DAYS.default;
  for (const name in query) {
    const value = query[name];
    if (name !== 'days' || typeof value !== 'string' || !/^[0-9]{1,4}$/.test(value)) return null;
    days = Number(value);
  }
  return days >= SALES_DAYS.min && days <= SALES_DAYS.max ? days : null;
}

// Answers the dashboard from the cached view (core writes it at each refresh): the rows of the last `days` UTC days
// by this process's clock, as core would have answered them.
@Injectable()
export class SalesCacheResponder {
  // The last entry read and the answers made from it, by day and `days`: every request until the next refresh reads
  // the same bytes, so each answer is serialized once (at most 366 of them a day).
  private parsed: { raw: string; rows: DailySales[]; bodies: Map<string, string> } = { raw: '', rows: [], bodies: new Map() };

  constructor(private readonly metrics: MetricsService) {}

  // True when answered from the prefetched entry; false on a miss (the Nest route asks core, which fills it).
  answerFromCache(request: FastifyRequest, reply: FastifyReply, now = new Date()): boolean {
    const [version, raw] = request.prefetched ?? [];
    const days = cacheableSalesDays(request.query as Record<string, unknown>);
    if (!version || !raw || days === null) return false;
    if (raw !== this.parsed.raw) this.parsed = { raw, rows: JSON.parse(raw) as DailySales[], bodies: new Map() };
    const today = utcDay(now);
    const key = `${today}:${days}`;
    let body = this.parsed.bodies.get(key);
    if (body === undefined) {
      if (this.parsed.bodies.size >= SALES_DAYS.max) this.parsed.bodies.clear(); // yesterday's answers
      body = JSON.stringify({ data: lastSalesDays(this.parsed.rows, days, today) });
      this.parsed.bodies.set(key, body);
    }
    this.metrics.cacheLookups.inc({ cache: 'sales', result: 'hit' });
    reply.header('X-Cache', 'HIT').header('Content-Type', JSON_TYPE).send(body);
    return true;
  }
}
