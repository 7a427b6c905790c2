import { DynamicModule } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createFastifyAdapter, registerHttpLogging } from '../http/http-logging';
import { PinoLoggerService } from '../logging/pino-logger.service';
import { rmqServerOptions } from '../rmq/rmq.options';
import { waitForRepliesFlushed } from '../rmq/rmq-replies.flush';
import { GracefulShutdown } from './graceful-shutdown';
import { closeOnSignals } from './startup';

export interface ServiceBootstrap {
  name: string;
  module: DynamicModule;
  port: number;
  host?: string; // default 0.0.0.0 (every interface)
  shutdownGraceMs: number;
  // Set for apps that consume a queue: the queue and how to reach the broker.
  consumer?: { rabbitmqUrl: string; queue: string; prefetch: number };
}

// The start-up every internal app shares: Fastify with request ids and access lines on its own port
// (health, metrics), JSON logs, signal handling, and, for consumers, the RMQ server with a drain that
// flushes replies before the channel closes.
export async function bootstrapService(options: ServiceBootstrap): Promise<NestFastifyApplication> {
  const app = await NestFactory.create<NestFastifyApplication>(options.module, createFastifyAdapter(), {
    bufferLogs: true,
    // Let start-up errors reach runApp, which prints one line naming the cause, instead of aborting.
    abortOnError: false,
  });
  app.useLogger(app.get(PinoLoggerService));
  registerHttpLogging(app);
  closeOnSignals(app, options.shutdownGraceMs + 5000);
  if (options.consumer) {
    const { rabbitmqUrl, queue, prefetch } = options.consumer;
    const microservice = app.connectMicroservice(rmqServerOptions(rabbitmqUrl, queue, prefetch), { inheritAppConfig: true });
    app.get(GracefulShutdown).afterDrain(() => waitForRepliesFlushed(microservice));
    // Start-up work first (migrations, bootstrap data, connections in onModuleInit hooks), then the first message:
    // a hybrid app otherwise starts its consumers before init and answers from a half-made schema.
    await app.init();
    await app.startAllMicroservices();
  }
  const host = options.host ?? '0.0.0.0';
  await app.listen(options.port, host);
  const consuming = options.consumer ? `, consuming ${options.consumer.queue}` : '';
  const where = host === '0.0.0.0' ? `:${options.port}` : `${host}:${options.port}`;
  app.get(PinoLoggerService).log(`${options.name} ready: health and metrics on ${where}${consuming}`);
  return app;
}
