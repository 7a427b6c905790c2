import { Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiAcceptedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Actor, PROVIDER_PATTERNS, ProviderSyncStatusReply, StartProviderSyncPayload, StartProviderSyncReply } from '@app/contracts';
import { Roles } from '../access/access.decorators';
import { ApiAuthenticated, ApiErrors } from '../http/openapi/api-docs.decorators';
import { CurrentActor, RequestId } from '../http/request-id.decorator';
import { SchedulerClient } from '../scheduler-client/scheduler.client';
import { ProviderSyncStartedDto, ProviderSyncStatusDto } from './dto/provider-sync.dto';

// The provider sync's admin commands, answered by the scheduler (any replica) over RPC.
@ApiTags('admin')
@ApiAuthenticated()
@ApiErrors(403)
@Roles('admin')
@Controller('admin/sync')
export class ProviderSyncController {
  constructor(private readonly scheduler: SchedulerClient) {}

  @Post()
  @HttpCode(202)
  @ApiOperation({
    summary: 'Sync the provider catalog now',
    description:
      'Starts a sync and answers at once with its id; at most one sync runs at a time across every scheduler replica, so a call ' +
      'while one runs answers that sync. Without a scheduler answering within RPC_TIMEOUT_MS: 504 (or 503), and nothing runs. ' +
      'Takes no body; one sent must still be JSON.',
  })
  @ApiAcceptedResponse({ type: ProviderSyncStartedDto })
  @ApiErrors(400, 413, 415)
  start(@CurrentActor() actor: Actor, @RequestId() requestId: string): Promise<StartProviderSyncReply> {
    const payload: StartProviderSyncPayload = { trigger: 'admin' };
    return this.scheduler.send(PROVIDER_PATTERNS.syncStart, payload, requestId, { actor });
  }

  @Get('status')
  @ApiOperation({ summary: 'The provider sync: circuit breaker state, last successful sync, recent runs (newest first)' })
  @ApiOkResponse({ type: ProviderSyncStatusDto })
  status(@RequestId() requestId: string): Promise<ProviderSyncStatusReply> {
    return this.scheduler.send(PROVIDER_PATTERNS.syncStatus, {}, requestId);
  }
}
