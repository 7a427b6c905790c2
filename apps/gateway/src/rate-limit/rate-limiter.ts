import type { ChainableCommander } from 'ioredis';

export const RATE_LIMIT_WINDOW_MS = 3_600_000;

// Fixed one-hour window per key, shared by every gateway replica: INCR, start the clock on the first hit,
// report the count and the time left, in one round trip.
// The counting steps alone (KEYS[1] the counter, ARGV[1] the window), leaving `count` and `ttl`: the access check's
// script (access-read.script.ts) runs them too.
export const RATE_LIMIT_STEPS = `
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]); ttl = tonumber(ARGV[1]) end`;
export const RATE_LIMIT_LUA = `${RATE_LIMIT_STEPS}
return {count, ttl}`;

export const rateLimitKey = (key: string) => `rl:${key}`;

export interface RateLimitDecision {
  limit: number;
  remaining: number;
  resetEpochSeconds: number;
  retryAfterSeconds: number;
  allowed: boolean;
}

export function queueRateLimit(pipeline: ChainableCommander, key: string): ChainableCommander {
  return (pipeline as ChainableCommander & { rateLimit(key: string, windowMs: number): ChainableCommander }).rateLimit(rateLimitKey(key), RATE_LIMIT_WINDOW_MS);
}

export function decide(limit: number, count: number, ttlMs: number, nowMs: number): RateLimitDecision {
  return {
    limit,
    remaining: Math.max(0, limit - count),
    resetEpochSeconds: Math.ceil((nowMs + ttlMs) / 1000),
    retryAfterSeconds: Math.max(1, Math.ceil(ttlMs / 1000)),
    allowed: count <= limit,
  };
}
