import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { createHash } from 'node:crypto';
import Redis from 'ioredis';
import { Counter } from 'prom-client';
import { MetricsService, REDIS } from '@app/common';
import { GATEWAY_CONFIG, GatewayConfig } from '../config/gateway.config';
import { afterFailure, forgetAtMs, LoginFailureState, LoginLockoutRules, lockoutRemainingMs } from './login-lockout.policy';

export const LOGIN_CLOCK = Symbol('LOGIN_CLOCK');

// Compare-and-set: the new state is written only if nobody changed the key since it was read ('' = absent).
const CAS_LUA = `
local current = redis.call('GET', KEYS[1])
if (current or '') ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
return 1`;
const CAS_ATTEMPTS = 5;

// Failed logins per account, in Redis so every gateway replica sees the same count (rules: login-lockout.policy).
// The key is a hash of the normalised username, known account or not (no enumeration, no e-mail in Redis keys).
// Redis down: fail open (the login goes on to core), logged and counted in login_throttle_unavailable_total.
// Redis is only a cache here; refusing every login while it is away would turn a cache outage into a total one,
// and the password hash's cost still bounds the guessing rate per core replica meanwhile.
@Injectable()
export class LoginThrottle {
  private readonly logger = new Logger(LoginThrottle.name);
  private readonly rules: LoginLockoutRules;
  private readonly unavailable: Counter;
  private readonly now: () => number;

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(GATEWAY_CONFIG) config: GatewayConfig,
    metrics: MetricsService,
    @Optional() @Inject(LOGIN_CLOCK) clock?: () => number,
  ) {
    this.rules = {
      maxFailures: config.LOGIN_MAX_FAILURES,
      windowMs: config.LOGIN_FAILURE_WINDOW,
      lockoutBaseMs: config.LOGIN_LOCKOUT_BASE,
      lockoutMaxMs: config.LOGIN_LOCKOUT_MAX,
    };
    this.now = clock ?? Date.now;
    this.unavailable =
      (metrics.registry.getSingleMetric('login_throttle_unavailable_total') as Counter | undefined) ??
      new Counter({ name: 'login_throttle_unavailable_total', help: 'Login throttle checks skipped because Redis was unavailable', registers: [metrics.registry] });
  }

  // Seconds until the account may try again (for Retry-After); 0 when it is not locked out.
  async lockedForSeconds(username: string): Promise<number> {
    try {
      const remaining = lockoutRemainingMs(parse(await this.redis.get(keyOf(username))), this.now(), this.rules);
      return Math.ceil(remaining / 1000);
    } catch (error) {
      this.failOpen('check', error);
      return 0;
    }
  }

  // Counts a failed login; returns the seconds of the lock-out it started (0 when it started none).
  async recordFailure(username: string): Promise<number> {
    const key = keyOf(username);
    try {
      for (let attempt = 0; attempt < CAS_ATTEMPTS; attempt += 1) {
        const raw = await this.redis.get(key);
        const now = this.now();
        const next = afterFailure(parse(raw), now, this.rules);
        const ttlMs = Math.max(1, forgetAtMs(next, this.rules) - now);
        if (await this.redis.eval(CAS_LUA, 1, key, raw ?? '', JSON.stringify(next), ttlMs)) {
          return Math.ceil(lockoutRemainingMs(next, now, this.rules) / 1000);
        }
      }
      this.logger.warn('a failed login was not counted: its account state kept changing under it');
    } catch (error) {
      this.failOpen('count', error);
    }
    return 0;
  }

  // A successful login (or an admin's lift) clears the account's failures, lock-out and level.
  async clear(username: string): Promise<void> {
    try {
      await this.redis.del(keyOf(username));
    } catch (error) {
      this.failOpen('clear', error);
    }
  }

  // For the admin route, which must know whether the lift happened: errors are not swallowed.
  async lift(username: string): Promise<void> {
    await this.redis.del(keyOf(username));
  }

  private failOpen(step: string, error: unknown): void {
    this.unavailable.inc();
    this.logger.warn(`login throttle unavailable (${step}), failing open: ${(error as Error).message}`);
  }
}

export function keyOf(username: string): string {
  return `login:${createHash('sha256').update(username.trim().toLowerCase()).digest('hex').slice(0, 40)}`;
}

function parse(raw: string | null): LoginFailureState | null {
  if (!raw) return null;
  try {
    return JSON.parse(raw) as LoginFailureState;
  } catch {
    return null;
  }
}
