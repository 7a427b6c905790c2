import { randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import type { Principal, Role } from '@app/contracts';
import { TEST_ENV } from '../../../../test/support/test-env';
import { PRINCIPAL_TTL_SECONDS, PrincipalCache, principalKey } from './principal-cache';

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

    expect((await sut.read(userId))?.user.role).toBe('user');
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
});
