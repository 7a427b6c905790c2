import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { PROVIDER_PATTERNS, ProviderSyncStatusReply, StartProviderSyncPayload, StartProviderSyncReply } from '@app/contracts';
import { ProviderSyncService } from './provider-sync.service';

// The admin routes' RPC on QUEUES.schedulerRpc: any scheduler replica answers, the lock makes them agree.
@Controller()
export class ProviderSyncHandlers {
  constructor(private readonly service: ProviderSyncService) {}

  @MessagePattern(PROVIDER_PATTERNS.syncStart)
  start(@Payload() payload: StartProviderSyncPayload): Promise<StartProviderSyncReply> {
    return this.service.start(payload.trigger);
  }

  @MessagePattern(PROVIDER_PATTERNS.syncStatus)
  status(): Promise<ProviderSyncStatusReply> {
    return this.service.status();
  }
}
