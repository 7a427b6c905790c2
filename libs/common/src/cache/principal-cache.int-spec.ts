import { randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import type { Principal, Role } from '@app/contracts';
import { TEST_ENV } from '../../../../test/support/test-env';
import { ThrowawayRedis } from '../../../../test/support/redis-server';
import { isUsablePrincipal, PRINCIPAL_TTL_SECONDS, PrincipalCache, principalKey } from './principal-cache';

function principal(userId: string, version: number, role: Role = 'user', deleted = false): Principal {
  const now = new Date().toISOString();
  return {
    user: { id: userId, name: `v${version}`, email: `${userId}@test.local`, phone_number: null, country: null, state: null, role, created_at: now, updated_at: now },
    version,
    deleted,
  };
}

describe('PrincipalCache (Redis)', () => {
  let redis: Redis;
  let sut: PrincipalCache;
  let userId: string;

  beforeAll(() => {
    redis = new Redis(TEST_ENV.REDIS_URL);
  });

  beforeEach(() => {
    userId = randomUUID();
    sut = new PrincipalCache(redis);
  });

  afterEach(async () => {
    await redis.del(principalKey(userId));
  });

  afterAll(async () => {
    await redis.quit();
  });

  it('should read back what was written when the user had no cached entry', async () => {
    const written = principal(userId, 1, 'admin');

    await sut.write(written);

    await expect(sut.read(userId)).resolves.toEqual(written);
  });

  it('should return null when nothing is cached for the user', async () => {
    await expect(sut.read(userId)).resolves.toBeNull();
  });

  it('should keep the newer entry when an older version is written after it', async () => {
    await sut.write(principal(userId, 3, 'readonly'));

    await sut.write(principal(userId, 2, 'admin'));

    await expect(sut.read(userId)).resolves.toEqual(expect.objectContaining({ version: 3, user: expect.objectContaining({ role: 'readonly' }) }));
  });

  it('should keep the stored entry when the same version is written again', async () => {
    await sut.write(principal(userId, 4, 'user'));

    await sut.write(principal(userId, 4, 'admin'));

    expect(((await sut.read(userId)) as Principal | null)?.user.role).toBe('user');
  });

  it('should replace the entry when a newer version is written', async () => {
    await sut.write(principal(userId, 2, 'user'));

    await sut.write(principal(userId, 10, 'user', true));

    await expect(sut.read(userId)).resolves.toEqual(expect.objectContaining({ version: 10, deleted: true }));
  });

  it('should set an expiry of at most PRINCIPAL_TTL_SECONDS when it writes an entry', async () => {
    await sut.write(principal(userId, 1));

    const ttl = await redis.ttl(principalKey(userId));

    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(PRINCIPAL_TTL_SECONDS);
  });

  it('should overwrite a corrupt entry when a valid one is written', async () => {
    await redis.set(principalKey(userId), '{not json', 'EX', 60);

    await sut.write(principal(userId, 1));

    expect((await sut.read(userId))?.version).toBe(1);
  });

  it('should remove the cached principal and leave a pending marker when a change is fenced', async () => {
    await sut.write(principal(userId, 1, 'admin'));

    await expect(sut.fence(userId, 2)).resolves.toBe(true);

    const entry = await sut.read(userId);
    expect(isUsablePrincipal(entry)).toBe(false);
    expect(entry).toEqual({ pending: true, version: 2 });
  });

  it('should refuse a fill of the older version when the change is fenced', async () => {
    await sut.fence(userId, 2);

    await sut.write(principal(userId, 1, 'admin'));

    expect(isUsablePrincipal(await sut.read(userId))).toBe(false);
  });

  it('should replace the pending marker when the fenced version itself is written', async () => {
    await sut.fence(userId, 2);

    await sut.write(principal(userId, 2, 'readonly'));

    const entry = await sut.read(userId);
    expect(isUsablePrincipal(entry) && entry.user.role).toBe('readonly');
  });
});

describe('PrincipalCache (Redis full, noeviction)', () => {
  const server = new ThrowawayRedis(3567);
  let redis: Redis;
  let sut: PrincipalCache;

  beforeAll(async () => {
    await server.start();
    redis = new Redis(server.url);
    sut = new PrincipalCache(redis);
  });

  afterAll(async () => {
    redis.disconnect();
    await server.stop();
  });

  it('should still remove the old principal when Redis refuses writes', async () => {
    const userId = randomUUID();
    await sut.write(principal(userId, 1, 'admin'));
    await fillUp(redis);
    await expect(sut.write(principal(randomUUID(), 1))).rejects.toThrow(/OOM/);

    await sut.fence(userId, 2);

    expect(isUsablePrincipal(await sut.read(userId))).toBe(false);
  });
});

// Fills Redis past a maxmemory far below what it holds, under noeviction: every write that needs memory is refused.
async function fillUp(redis: Redis): Promise<void> {
  await redis.eval(`for i = 1, 20000 do redis.call('SET', 'filler:' .. i, string.rep('x', 100)) end return 1`, 0);
  await redis.config('SET', 'maxmemory-policy', 'noeviction');
  await redis.config('SET', 'maxmemory', '1mb');
}
