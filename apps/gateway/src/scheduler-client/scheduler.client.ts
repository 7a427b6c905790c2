import { Inject, Injectable } from '@nestjs/common';
import { QUEUES } from '@app/contracts';
import { GATEWAY_CONFIG, GatewayConfig } from '../config/gateway.config';
import { RmqRpcClient } from '../rpc/rmq-rpc.client';

// Request/response to the scheduler (scheduler.rpc, answered by any replica): the provider sync's admin commands.
// No scheduler running means a 504 after RPC_TIMEOUT_MS, the command expiring unexecuted with it.
@Injectable()
export class SchedulerClient extends RmqRpcClient {
  constructor(@Inject(GATEWAY_CONFIG) config: GatewayConfig) {
    super(config, QUEUES.schedulerRpc, 'scheduler');
  }
}
