import { DynamicModule, Global, Inject, Module, OnApplicationShutdown, Provider } from '@nestjs/common';
import Redis from 'ioredis';
import { connectRedis, REDIS } from '../redis/redis.factory';
import { RmqConnection } from '../rmq/rmq.connection';

export interface ConnectionsOptions {
  app: string;
  redisUrl?: string;
  rabbitmqUrl?: string;
}

class ConnectionsCloser implements OnApplicationShutdown {
  constructor(
    @Inject(REDIS) private readonly redis: Redis | null,
    @Inject(RmqConnection) private readonly rmq: RmqConnection | null,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    await this.rmq?.close();
    this.redis?.disconnect();
  }
}

// The app's shared Redis and RabbitMQ connections, opened at start (failing fast with the dependency's
// name when one does not answer) and closed last on shutdown.
@Global()
@Module({})
export class ConnectionsModule {
  static forRoot(options: ConnectionsOptions): DynamicModule {
    const providers: Provider[] = [
      { provide: REDIS, useFactory: () => (options.redisUrl ? connectRedis(options.redisUrl, options.app) : null) },
      { provide: RmqConnection, useFactory: () => (options.rabbitmqUrl ? RmqConnection.connect(options.rabbitmqUrl) : null) },
      ConnectionsCloser,
    ];
    return { module: ConnectionsModule, providers, exports: [REDIS, RmqConnection] };
  }
}
