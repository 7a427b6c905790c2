import { Logger } from '@nestjs/common';
import { DomainError, MetricsService, PrincipalCache } from '@app/common';
import { Principal } from '@app/contracts';
import { PrincipalCacheWriter } from './principal-cache.writer';

describe('PrincipalCacheWriter', () => {
  beforeAll(() => Logger.overrideLogger(false));

  it('should refuse the change with SERVICE_UNAVAILABLE when Redis cannot fence the principal', async () => {
    const sut = new PrincipalCacheWriter({ fence: () => Promise.reject(new Error('Command timed out')) } as unknown as PrincipalCache, new MetricsService());

    await expect(sut.fence('u', 2)).rejects.toEqual(expect.objectContaining<Partial<DomainError>>({ code: 'SERVICE_UNAVAILABLE' }));
  });

  it('should let the change commit when the old principal was removed but the marker did not fit (Redis full)', async () => {
    const sut = new PrincipalCacheWriter({ fence: () => Promise.resolve(false) } as unknown as PrincipalCache, new MetricsService());

    await expect(sut.fence('u', 2)).resolves.toBeUndefined();
  });

  it('should not fail the request when the post-commit write fails', async () => {
    const sut = new PrincipalCacheWriter({ write: () => Promise.reject(new Error('OOM command not allowed')) } as unknown as PrincipalCache, new MetricsService());

    await expect(sut.publish({ user: { id: 'u' }, version: 2, deleted: true } as Principal)).resolves.toBeUndefined();
  });
});
