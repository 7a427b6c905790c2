import { Inject, Injectable } from '@nestjs/common';
import Redis from 'ioredis';
import { MetricsService, OutageLog, REDIS } from '@app/common';
import { PLAN_CACHE_TTL_SECONDS, planCacheKey } from '@app/contracts';
import { PlanEntity } from '@app/persistence';
import { canonicalJson } from './canonical-json.util';

// Replaces the hash only when the stored version is older; a tombstone (d=1) keeps a deleted plan from being
// resurrected by a slow cache fill that read it before the delete committed.
const SET_IF_NEWER = `
local current = redis.call('HGET', KEYS[1], 'v')
if current and tonumber(current) >= tonumber(ARGV[1]) then return 0 end
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], 'v', ARGV[1], 'e', ARGV[2], 'm', ARGV[3], 'b', ARGV[4], 'd', ARGV[5])
redis.call('EXPIRE', KEYS[1], ARGV[6])
return 1`;

type RedisWithPlanCache = Redis & {
  setPlanIfNewer(key: string, version: string, etag: string, modified: string, body: string, deleted: string, ttl: number): Promise<number>;
};

// Called only after the transaction committed. If Redis refuses, the entry is dropped so no reader can be
// served the old plan. A failure is counted every time and logged once per outage (readers bypass Redis then).
@Injectable()
export class PlanCacheWriter {
  private readonly redisOutage: OutageLog;

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    metrics: MetricsService,
  ) {
    this.redisOutage = metrics.outage('redis');
    this.redis.defineCommand('setPlanIfNewer', { numberOfKeys: 1, lua: SET_IF_NEWER });
  }

  async store(plan: PlanEntity): Promise<void> {
    await this.write(plan.objectId, plan.version, plan.etag, plan.updatedAt.toUTCString(), canonicalJson(plan.document), '0');
  }

  async tombstone(id: string, version: string): Promise<void> {
    await this.write(id, version, '', '', '', '1');
  }

  private async write(id: string, version: string, etag: string, modified: string, body: string, deleted: string): Promise<void> {
    const key = planCacheKey(id);
    try {
      await (this.redis as RedisWithPlanCache).setPlanIfNewer(key, version, etag, modified, body, deleted, PLAN_CACHE_TTL_SECONDS);
      this.redisOutage.recovered();
    } catch (error) {
      this.redisOutage.failed('plan-cache', error);
      await this.redis.del(key).catch((dropError: unknown) => this.redisOutage.failed('plan-cache-drop', dropError));
    }
  }
}
