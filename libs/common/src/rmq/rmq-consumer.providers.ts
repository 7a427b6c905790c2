import { Provider } from '@nestjs/common';
import { APP_FILTER, APP_INTERCEPTOR, APP_PIPE } from '@nestjs/core';
import { RpcDomainExceptionFilter } from '../errors/rpc-domain.filter';
import { strictValidationPipe } from '../errors/validation.util';
import { GracefulShutdown, SHUTDOWN_GRACE_MS } from '../lifecycle/graceful-shutdown';
import { InFlightTracker } from '../lifecycle/in-flight.tracker';
import { RMQ_CONSUMER_QUEUE, RmqAckInterceptor } from './rmq-ack.interceptor';

// Everything an app that consumes one queue needs: validation of payloads, errors as data, manual acks,
// and a drain on shutdown.
export function rmqConsumerProviders(queue: string, shutdownGraceMs: number): Provider[] {
  return [
    InFlightTracker,
    GracefulShutdown,
    { provide: SHUTDOWN_GRACE_MS, useValue: shutdownGraceMs },
    { provide: RMQ_CONSUMER_QUEUE, useValue: queue },
    { provide: APP_INTERCEPTOR, useClass: RmqAckInterceptor },
    { provide: APP_FILTER, useClass: RpcDomainExceptionFilter },
    { provide: APP_PIPE, useFactory: strictValidationPipe },
  ];
}
