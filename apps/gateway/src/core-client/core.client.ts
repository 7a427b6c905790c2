import { Inject, Injectable } from '@nestjs/common';
import { QUEUES } from '@app/contracts';
import { GATEWAY_CONFIG, GatewayConfig } from '../config/gateway.config';
import { RmqRpcClient } from '../rpc/rmq-rpc.client';

// Request/response to core (core.rpc), bounded as RmqRpcClient says.
@Injectable()
export class CoreClient extends RmqRpcClient {
  constructor(@Inject(GATEWAY_CONFIG) config: GatewayConfig) {
    super(config, QUEUES.coreRpc, 'core');
  }
}
