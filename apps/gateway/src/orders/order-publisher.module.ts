import { DynamicModule, Global, Module } from '@nestjs/common';
import { GATEWAY_CONFIG, GatewayConfig } from '../config/gateway.config';
import { OrderPublisher } from './order.publisher';

// Global so the readiness checks (built in HealthModule) can include the publisher's channel.
@Global()
@Module({})
export class OrderPublisherModule {
  static forRoot(config: GatewayConfig): DynamicModule {
    return { module: OrderPublisherModule, providers: [{ provide: GATEWAY_CONFIG, useValue: config }, OrderPublisher], exports: [OrderPublisher] };
  }
}
