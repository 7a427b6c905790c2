import { randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import { MetricsService } from '@app/common';
import { TEST_ENV } from '../../../../test/support/test-env';
import { GatewayConfig, loadGatewayConfig } from '../config/gateway.config';
import { keyOf, LoginThrottle } from './login-throttle.service';

const MINUTE = 60_000;

describe('LoginThrottle (Redis, fake clock)', () => {
  const config: GatewayConfig = loadGatewayConfig({ LOGIN_MAX_FAILURES: '3', LOGIN_FAILURE_WINDOW: '15m', LOGIN_LOCKOUT_BASE: '1m', LOGIN_LOCKOUT_MAX: '1h' });
  let nowMs: number;
  let metrics: MetricsService;
  let redisA: Redis;
  let redisB: Redis;
  let replicaA: LoginThrottle;
  let replicaB: LoginThrottle;
  let account: string;

  beforeAll(() => {
    metrics = new MetricsService();
    redisA = new Redis(TEST_ENV.REDIS_URL);
    redisB = new Redis(TEST_ENV.REDIS_URL);
    // Two gateway replicas, one clock under the test's control.
    replicaA = new LoginThrottle(redisA, config, metrics, () => nowMs);
    replicaB = new LoginThrottle(redisB, config, metrics, () => nowMs);
  });
  beforeEach(() => {
    nowMs = Date.UTC(2026, 0, 1);
    account = `victim-${randomUUID()}@throttle.test`;
  });
  afterEach(() => redisA.del(keyOf(account)));
  afterAll(() => Promise.all([redisA.quit(), redisB.quit()]));

  it('should lock an account when its failures reach the limit across replicas, whatever the case of the username', async () => {
    expect(await replicaA.recordFailure(account)).toBe(0);
    expect(await replicaB.recordFailure(` ${account.toUpperCase()} `)).toBe(0);
    expect(await replicaA.lockedForSeconds(account)).toBe(0);

    expect(await replicaB.recordFailure(account)).toBe(60);
    expect(await replicaA.lockedForSeconds(account)).toBe(60);
  });

  it('should count every one of many concurrent failures', async () => {
    await Promise.all([replicaA.recordFailure(account), replicaB.recordFailure(account)]);
    expect(await replicaA.lockedForSeconds(account)).toBe(0);

    await replicaB.recordFailure(account);
    expect(await replicaA.lockedForSeconds(account)).toBe(60);
  });

  it('should end the lock-out by itself and double the next one', async () => {
    for (let i = 0; i < 3; i += 1) await replicaA.recordFailure(account);
    nowMs += MINUTE;
    expect(await replicaB.lockedForSeconds(account)).toBe(0);

    for (let i = 0; i < 3; i += 1) await replicaB.recordFailure(account);
    expect(await replicaA.lockedForSeconds(account)).toBe(120);
  });

  it('should forget the failures when the login succeeds or the admin lifts the lock-out', async () => {
    for (let i = 0; i < 3; i += 1) await replicaA.recordFailure(account);
    await replicaB.lift(account);
    expect(await replicaA.lockedForSeconds(account)).toBe(0);

    await replicaA.recordFailure(account);
    await replicaA.recordFailure(account);
    await replicaA.clear(account);
    await replicaA.recordFailure(account);
    expect(await replicaA.lockedForSeconds(account)).toBe(0);
  });

  it('should let Redis drop the state when nothing in it matters any more', async () => {
    await replicaA.recordFailure(account);

    const ttlMs = await redisA.pttl(keyOf(account));
    expect(ttlMs).toBeGreaterThan(15 * MINUTE + 59 * MINUTE);
    expect(ttlMs).toBeLessThanOrEqual(15 * MINUTE + 60 * MINUTE);
  });

  it('should fail open and count it when Redis is unreachable', async () => {
    const down = new Redis('redis://127.0.0.1:1', { lazyConnect: true, maxRetriesPerRequest: 0, enableOfflineQueue: false });
    const sut = new LoginThrottle(down, config, metrics, () => nowMs);
    const before = (await metrics.registry.getSingleMetric('login_throttle_unavailable_total')!.get()).values[0]?.value ?? 0;

    expect(await sut.recordFailure(account)).toBe(0);
    expect(await sut.lockedForSeconds(account)).toBe(0);

    expect((await metrics.registry.getSingleMetric('login_throttle_unavailable_total')!.get()).values[0].value).toBe(before + 2);
    down.disconnect();
  });
});
