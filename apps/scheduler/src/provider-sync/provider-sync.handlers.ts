import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { PROVIDER_PATTERNS, ProviderSyncStatusReply, StartProviderSyncPayload, StartProviderSyncReply } from '@app/contracts';
import { AuditRepository, auditByRequester } from '@app/persistence';
import { ProviderSyncService } from './provider-sync.service';

// The admin routes' RPC on QUEUES.schedulerRpc: any scheduler replica answers, the lock makes them agree.
@Controller()
export class ProviderSyncHandlers {
  constructor(
    private readonly service: ProviderSyncService,
    private readonly audit: AuditRepository,
  ) {}

  @MessagePattern(PROVIDER_PATTERNS.syncStart)
  // The audit event names the run the admin started or joined; the run row is written by the sync's own lease.
  async start(@Payload() payload: StartProviderSyncPayload): Promise<StartProviderSyncReply> {
    const reply = await this.service.start(payload.trigger);
    await this.audit.recordAlone(auditByRequester('provider_sync.requested', { type: 'provider_sync_run', id: reply.id }, { status: reply.status }));
    return reply;
  }

  @MessagePattern(PROVIDER_PATTERNS.syncStatus)
  status(): Promise<ProviderSyncStatusReply> {
    return this.service.status();
  }
}
