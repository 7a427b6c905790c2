import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { ClientProxy, ClientProxyFactory, RmqRecordBuilder } from '@nestjs/microservices';
import { firstValueFrom, timeout, TimeoutError } from 'rxjs';
import { DomainError, REQUEST_ID_HEADER, rmqClientOptions } from '@app/common';
import { QUEUES } from '@app/contracts';
import { GATEWAY_CONFIG, GatewayConfig } from '../config/gateway.config';

export interface CallOptions {
  // This call's bound instead of RPC_TIMEOUT_MS, for the few commands that take minutes by design.
  timeoutMs?: number;
}

// Request/response to core over RabbitMQ. Every call is bounded by RPC_TIMEOUT_MS (or its own timeoutMs), and
// the message expires at the same moment, so a slow or absent core never leaves a client hanging or runs a
// command nobody awaits.
@Injectable()
export class CoreClient implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(CoreClient.name);
  private readonly client: ClientProxy;

  constructor(@Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig) {
    this.client = ClientProxyFactory.create(rmqClientOptions(config.RABBITMQ_URL, QUEUES.coreRpc));
  }

  async onModuleInit(): Promise<void> {
    // Connect eagerly so the first request does not pay for it; failures surface per request after that.
    await this.client
      .connect()
      .catch((error: unknown) => this.logger.warn(`core RPC client not connected yet: ${error instanceof Error ? error.message : String(error)}`));
  }

  async onApplicationShutdown(): Promise<void> {
    await this.client.close();
  }

  async send<T>(pattern: string, data: unknown, requestId: string, options: CallOptions = {}): Promise<T> {
    const ttl = options.timeoutMs ?? this.config.RPC_TIMEOUT_MS;
    const record = new RmqRecordBuilder(data).setOptions({ headers: { [REQUEST_ID_HEADER]: requestId }, expiration: String(ttl), persistent: true }).build();
    try {
      return await firstValueFrom(this.client.send<T>(pattern, record).pipe(timeout(ttl)));
    } catch (error) {
      throw this.translate(error, pattern, ttl);
    }
  }

  private translate(error: unknown, pattern: string, ttl: number): Error {
    if (error instanceof TimeoutError) {
      this.logger.warn(`core did not answer ${pattern} within ${ttl} ms`);
      return new DomainError('UPSTREAM_TIMEOUT', 'The core service did not answer in time');
    }
    if (DomainError.isPayload(error)) return new DomainError(error.code as never, error.message, error.details);
    this.logger.warn(`core RPC ${pattern} failed: ${(error as Error)?.message ?? String(error)}`);
    return new DomainError('SERVICE_UNAVAILABLE', 'The core service is unavailable');
  }
}
