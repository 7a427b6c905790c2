import { Inject, Injectable } from '@nestjs/common';
import Redis from 'ioredis';
import { MetricsService, OutageLog, REDIS } from '@app/common';
import { DailySales, SALES_CACHE_KEY, SALES_CACHE_TTL_SECONDS } from '@app/contracts';
import { DailySalesRow, SalesViewSnapshot } from '@app/persistence';

// Writes only over an older version (an equal one only renews the TTL), so a slow fill never puts back the rows of
// an earlier refresh once a later one has written.
const WRITE_IF_NEWER = `
local stored = tonumber(redis.call('HGET', KEYS[1], 'v'))
local incoming = tonumber(ARGV[1])
if stored and stored > incoming then return 0 end
if stored ~= incoming then redis.call('HSET', KEYS[1], 'v', ARGV[1], 'rows', ARGV[2]) end
redis.call('EXPIRE', KEYS[1], ARGV[3])
return 1`;

type SalesCacheCommands = Redis & { writeSalesIfNewer(key: string, version: string, rows: string, ttl: number): Promise<number> };

export function toDailySales(rows: DailySalesRow[]): DailySales[] {
  return rows.map((row) => ({ sale_date: row.saleDate, total_revenue: Number(row.totalRevenue), order_count: Number(row.orderCount) }));
}

// The dashboard cache's writes (see README, "Sales dashboard"): fence() before a refresh commits, write() after it
// and on a read that missed. Redis is only a cache, so neither ever fails the refresh or the read: a fence that
// cannot reach Redis is counted and logged, and the entry's TTL bounds how long the old rows can be served.
@Injectable()
export class SalesCacheWriter {
  private readonly redisOutage: OutageLog;

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    metrics: MetricsService,
  ) {
    this.redisOutage = metrics.outage('redis');
    this.redis.defineCommand('writeSalesIfNewer', { numberOfKeys: 1, lua: WRITE_IF_NEWER });
  }

  async fence(): Promise<void> {
    await this.attempt('sales-cache-fence', () => this.redis.del(SALES_CACHE_KEY));
  }

  async write(snapshot: SalesViewSnapshot): Promise<void> {
    const rows = JSON.stringify(toDailySales(snapshot.rows));
    await this.attempt('sales-cache', () => (this.redis as SalesCacheCommands).writeSalesIfNewer(SALES_CACHE_KEY, snapshot.version, rows, SALES_CACHE_TTL_SECONDS));
  }

  private async attempt(operation: string, command: () => Promise<unknown>): Promise<void> {
    try {
      await command();
      this.redisOutage.recovered();
    } catch (error) {
      this.redisOutage.failed(operation, error);
    }
  }
}
