import { Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { connectRedis } from '@app/common';
import { TEST_ENV } from '../../../../test/support/test-env';
import { TickClaim } from './tick-claim.service';

describe('TickClaim (Redis)', () => {
  it('should let exactly one of many replicas win a tick, and each tick be won again', async () => {
    const clients = await Promise.all([1, 2, 3].map((n) => connectRedis(TEST_ENV.REDIS_URL, `tick-claim-${n}`)));
    try {
      const replicas = clients.map((redis) => new TickClaim(redis));
      const job = `job-${randomUUID()}`;
      const tick = new Date('2026-12-01T10:00:00.000Z');

      const first = await Promise.all(replicas.map((sut) => sut.claim(job, tick)));
      const next = await Promise.all(replicas.map((sut) => sut.claim(job, new Date(tick.getTime() + 1000))));

      expect(first.sort()).toEqual(['lost', 'lost', 'won']);
      expect(next.sort()).toEqual(['lost', 'lost', 'won']);
      expect(await clients[0].pttl(`scheduler:tick:${job}:${tick.toISOString()}`)).toBeGreaterThan(60_000);
    } finally {
      for (const redis of clients) redis.disconnect();
    }
  });

  it('should answer unknown, not throw or hang, when Redis is unreachable', async () => {
    jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const redis = await connectRedis(TEST_ENV.REDIS_URL, 'tick-claim-down');
    redis.disconnect();

    await expect(new TickClaim(redis).claim('job', new Date())).resolves.toBe('unknown');
  });
});
