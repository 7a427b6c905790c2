import { Inject, Injectable } from '@nestjs/common';
import Redis from 'ioredis';
import { REDIS } from '@app/common';

// What Redis holds for one (user, Idempotency-Key): the request's hash, and once answered, the answer.
export interface IdempotencyRecord {
  s: 'pending' | 'done';
  h: string; // SHA-256 of the accepted request body
  t?: string; // the owner's token while pending
  b?: string; // the 202's body (JSON), once done
  l?: string; // its Location header, when it had one
}

export type Reservation =
  | { state: 'reserved'; complete: boolean } // ours; `complete`: Redis has held every record of the last TTL
  | { state: 'taken'; record: IdempotencyRecord };

// Reserves the key if no record exists, in one step, and reports since when this Redis has been keeping records
// (a sentinel set the first time, gone after a flush): younger than the TTL, a missing record may have been lost.
const RESERVE = `
local current = redis.call('GET', KEYS[1])
if current then return {0, current} end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
local since = redis.call('GET', KEYS[2])
if not since then
  redis.call('SET', KEYS[2], ARGV[3])
  since = ARGV[3]
end
return {1, since}`;

// Drops a pending reservation only if it is still this request's.
const RELEASE = `
local current = redis.call('GET', KEYS[1])
if current and cjson.decode(current).t == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

type RedisWithIdempotency = Redis & {
  reserveIdempotencyKey(key: string, since: string, record: string, ttlMs: number, now: number): Promise<[number, string]>;
  releaseIdempotencyKey(key: string, token: string): Promise<number>;
};

export const idempotencyKey = (userId: string, key: string) => `idem:${userId}:${key}`;
export const IDEMPOTENCY_SINCE_KEY = 'idem:since';

// Idempotency-Key records in Redis, scoped to the user. Redis errors propagate: the caller then asks core.
@Injectable()
export class IdempotencyStore {
  constructor(@Inject(REDIS) private readonly redis: Redis) {
    redis.defineCommand('reserveIdempotencyKey', { numberOfKeys: 2, lua: RESERVE });
    redis.defineCommand('releaseIdempotencyKey', { numberOfKeys: 1, lua: RELEASE });
  }

  async reserve(userId: string, key: string, record: IdempotencyRecord, pendingTtlMs: number, retentionMs: number): Promise<Reservation> {
    const now = Date.now();
    const [reserved, value] = await (this.redis as RedisWithIdempotency).reserveIdempotencyKey(
      idempotencyKey(userId, key),
      IDEMPOTENCY_SINCE_KEY,
      JSON.stringify(record),
      pendingTtlMs,
      now,
    );
    if (reserved === 1) return { state: 'reserved', complete: now - Number(value) >= retentionMs };
    return { state: 'taken', record: JSON.parse(value) as IdempotencyRecord };
  }

  async read(userId: string, key: string): Promise<IdempotencyRecord | null> {
    const value = await this.redis.get(idempotencyKey(userId, key));
    return value ? (JSON.parse(value) as IdempotencyRecord) : null;
  }

  async release(userId: string, key: string, token: string): Promise<void> {
    await (this.redis as RedisWithIdempotency).releaseIdempotencyKey(idempotencyKey(userId, key), token);
  }
}
