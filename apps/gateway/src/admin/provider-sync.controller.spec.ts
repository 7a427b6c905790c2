import { HTTP_CODE_METADATA } from '@nestjs/common/constants';
import { PROVIDER_PATTERNS, ProviderSyncStatusReply, StartProviderSyncReply } from '@app/contracts';
import { ROLES_KEY } from '../access/access.decorators';
import { SchedulerClient } from '../scheduler-client/scheduler.client';
import { ProviderSyncController } from './provider-sync.controller';

describe('ProviderSyncController', () => {
  const started: StartProviderSyncReply = { id: '6f1d3b7e-1c1a-4a8e-9d5e-2b7c1e0f4a11', status: 'running', started_at: '2026-12-01T10:00:00.000Z' };
  const status: ProviderSyncStatusReply = { circuit: 'half_open', last_synced_at: null, runs: [] };
  const admin = { id: '00000000-0000-4000-8000-000000000001', role: 'admin' as const };
  let send: jest.Mock;
  let sut: ProviderSyncController;

  beforeEach(() => {
    send = jest.fn(async (pattern: string) => (pattern === PROVIDER_PATTERNS.syncStart ? started : status));
    sut = new ProviderSyncController({ send } as unknown as SchedulerClient);
  });

  it("should ask the scheduler to start an admin sync and answer 202 with the scheduler's reply", async () => {
    await expect(sut.start(admin, 'req-1')).resolves.toEqual(started);

    expect(send).toHaveBeenCalledWith(PROVIDER_PATTERNS.syncStart, { trigger: 'admin' }, 'req-1', { actor: admin });
    expect(Reflect.getMetadata(HTTP_CODE_METADATA, ProviderSyncController.prototype.start)).toBe(202);
  });

  it("should answer the scheduler's status as it is", async () => {
    await expect(sut.status('req-2')).resolves.toEqual(status);

    expect(send).toHaveBeenCalledWith(PROVIDER_PATTERNS.syncStatus, {}, 'req-2');
  });

  it('should pass on a scheduler failure for the error filter to map', async () => {
    send.mockRejectedValueOnce(Object.assign(new Error('The scheduler service did not answer in time'), { code: 'UPSTREAM_TIMEOUT' }));

    await expect(sut.start(admin, 'req-3')).rejects.toMatchObject({ code: 'UPSTREAM_TIMEOUT' });
  });

  it('should be for admins only', () => {
    expect(Reflect.getMetadata(ROLES_KEY, ProviderSyncController)).toEqual(['admin']);
  });
});
