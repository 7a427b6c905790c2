import { Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { ClientProxy, ClientProxyFactory, RmqRecordBuilder } from '@nestjs/microservices';
import { firstValueFrom, timeout, TimeoutError } from 'rxjs';
import { DomainError, requestContextHeaders, rmqClientOptions, tracedCall } from '@app/common';
import { GatewayConfig } from '../config/gateway.config';

export interface CallOptions {
  // This call's bound instead of RPC_TIMEOUT_MS, for the few commands that take minutes by design.
  timeoutMs?: number;
  // Who asks, for commands whose payload names nobody (admin refresh, sync, reindex, replay): their audit event names them.
  actor?: { id: string; role: string };
}

// Request/response to one service's RPC queue over RabbitMQ. Every call is bounded by RPC_TIMEOUT_MS (or its own
// timeoutMs), and the message expires at the same moment, so a slow or absent service never leaves a client
// hanging (504 UPSTREAM_TIMEOUT) or runs a command nobody awaits; a broken connection is 503 SERVICE_UNAVAILABLE.
// A domain error the service replied with crosses as it is.
export abstract class RmqRpcClient implements OnModuleInit, OnApplicationShutdown {
  private readonly logger: Logger;
  private readonly client: ClientProxy;

  protected constructor(
    private readonly config: Pick<GatewayConfig, 'RABBITMQ_URL' | 'RPC_TIMEOUT_MS'>,
    queue: string,
    private readonly service: string,
  ) {
    this.logger = new Logger(new.target.name);
    this.client = ClientProxyFactory.create(rmqClientOptions(config.RABBITMQ_URL, queue));
  }

  async onModuleInit(): Promise<void> {
    // Connect eagerly so the first request does not pay for it; failures surface per request after that.
    await this.client
      .connect()
      .catch((error: unknown) => this.logger.warn(`${this.service} RPC client not connected yet: ${error instanceof Error ? error.message : String(error)}`));
  }

  async onApplicationShutdown(): Promise<void> {
    await this.client.close();
  }

  async send<T>(pattern: string, data: unknown, requestId: string, options: CallOptions = {}): Promise<T> {
    const ttl = options.timeoutMs ?? this.config.RPC_TIMEOUT_MS;
    // The trace context goes into the headers here, in the request's context: Nest's client writes later.
    const headers = requestContextHeaders(requestId, options.actor);
    try {
      return await tracedCall(pattern, headers, () => {
        const record = new RmqRecordBuilder(data).setOptions({ headers, expiration: String(ttl), persistent: true }).build();
        return firstValueFrom(this.client.send<T>(pattern, record).pipe(timeout(ttl)));
      });
    } catch (error) {
      throw this.translate(error, pattern, ttl);
    }
  }

  private translate(error: unknown, pattern: string, ttl: number): Error {
    if (error instanceof TimeoutError) {
      this.logger.warn(`${this.service} did not answer ${pattern} within ${ttl} ms`);
      return new DomainError('UPSTREAM_TIMEOUT', `The ${this.service} service did not answer in time`);
    }
    if (DomainError.isPayload(error)) return new DomainError(error.code as never, error.message, error.details);
    this.logger.warn(`${this.service} RPC ${pattern} failed: ${(error as Error)?.message ?? String(error)}`);
    return new DomainError('SERVICE_UNAVAILABLE', `The ${this.service} service is unavailable`);
  }
}
