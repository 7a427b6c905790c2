import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { TEST_ENV } from '../../../../test/support/test-env';
import { dataSourceOptions } from '../data-source.options';
import { RefreshTokenEntity } from '../entities/refresh-token.entity';
import { UserEntity } from '../entities/user.entity';
import { RefreshTokensRepository } from './refresh-tokens.repository';
import { UsersRepository } from './users.repository';

const HOUR_MS = 3_600_000;

describe('RefreshTokensRepository (Postgres)', () => {
  let dataSource: DataSource;
  let users: UsersRepository;
  let sut: RefreshTokensRepository;
  let userId: string;

  async function storeToken(overrides: Partial<RefreshTokenEntity> = {}): Promise<RefreshTokenEntity> {
    const token: RefreshTokenEntity = {
      id: randomUUID(),
      userId,
      familyId: randomUUID(),
      tokenHash: createHash('sha256').update(randomBytes(32)).digest('hex'),
      expiresAt: new Date(Date.now() + HOUR_MS),
      createdAt: new Date(),
      usedAt: null,
      revokedAt: null,
      ...overrides,
    };
    await dataSource.transaction((manager) => sut.insert(manager, token));
    return token;
  }

  const consume = (tokenHash: string) => dataSource.transaction((manager) => sut.consume(manager, tokenHash));

  beforeAll(async () => {
    dataSource = await new DataSource(dataSourceOptions(TEST_ENV.DATABASE_URL, 'int-test')).initialize();
    users = new UsersRepository(dataSource);
    sut = new RefreshTokensRepository(dataSource);
  });

  beforeEach(async () => {
    userId = randomUUID();
    const now = new Date();
    const user: UserEntity = {
      id: userId,
      name: 'Refresh Spec',
      email: `refresh-${userId}@test.local`,
      phoneNumber: null,
      country: null,
      state: null,
      role: 'user',
      passwordHash: 'not-a-real-hash',
      version: 1,
      createdAt: now,
      updatedAt: now,
      deletedAt: null,
    };
    await dataSource.transaction((manager) => users.insert(manager, user));
  });

  afterEach(async () => {
    await dataSource.query(`DELETE FROM refresh_tokens WHERE user_id = $1`, [userId]);
    await dataSource.query(`DELETE FROM users WHERE id = $1`, [userId]);
  });

  afterAll(async () => {
    await dataSource.destroy();
  });

  it('should consume a fresh token once and mark it used when it is presented', async () => {
    const token = await storeToken();

    const result = await consume(token.tokenHash);

    expect(result).toEqual({ kind: 'consumed', token: expect.objectContaining({ id: token.id, familyId: token.familyId }) });
    expect((await sut.findByHash(token.tokenHash))?.usedAt).toBeInstanceOf(Date);
  });

  it('should let exactly one of 10 concurrent refreshes win when they present the same token', async () => {
    const token = await storeToken();

    const results = await Promise.all(Array.from({ length: 10 }, () => consume(token.tokenHash)));

    const kinds = results.map((result) => result.kind);
    expect(kinds.filter((kind) => kind === 'consumed')).toHaveLength(1);
    expect(kinds.filter((kind) => kind === 'reused')).toHaveLength(9);
  });

  it('should report reuse when a token is presented a second time', async () => {
    const token = await storeToken();
    await consume(token.tokenHash);

    await expect(consume(token.tokenHash)).resolves.toEqual({ kind: 'reused', token: expect.objectContaining({ id: token.id }) });
  });

  it('should report unknown and not reuse when an expired token was never used', async () => {
    const token = await storeToken({ expiresAt: new Date(Date.now() - 1000), createdAt: new Date(Date.now() - HOUR_MS) });

    await expect(consume(token.tokenHash)).resolves.toEqual({ kind: 'unknown' });
    expect((await sut.findByHash(token.tokenHash))?.usedAt).toBeNull();
  });

  it('should report unknown when no token has that hash', async () => {
    await expect(consume(createHash('sha256').update(randomUUID()).digest('hex'))).resolves.toEqual({ kind: 'unknown' });
  });

  it('should report reuse for every token of the family when the family is revoked', async () => {
    const familyId = randomUUID();
    const used = await storeToken({ familyId, usedAt: new Date() });
    const current = await storeToken({ familyId });
    const otherFamily = await storeToken();

    await dataSource.transaction((manager) => sut.revokeFamily(manager, familyId));

    await expect(consume(current.tokenHash)).resolves.toEqual(expect.objectContaining({ kind: 'reused' }));
    await expect(consume(used.tokenHash)).resolves.toEqual(expect.objectContaining({ kind: 'reused' }));
    await expect(consume(otherFamily.tokenHash)).resolves.toEqual(expect.objectContaining({ kind: 'consumed' }));
  });

  it('should leave the token usable when the consuming transaction rolls back', async () => {
    const token = await storeToken();

    await expect(
      dataSource.transaction(async (manager) => {
        await sut.consume(manager, token.tokenHash);
        throw new Error('issuing the new pair failed');
      }),
    ).rejects.toThrow('issuing the new pair failed');

    await expect(consume(token.tokenHash)).resolves.toEqual(expect.objectContaining({ kind: 'consumed' }));
  });
});
