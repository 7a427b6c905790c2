import { NestFactory } from '@nestjs/core';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { closeOnSignals, createFastifyAdapter, PinoLoggerService, registerHttpLogging, rmqServerOptions, runApp, GracefulShutdown, waitForRepliesFlushed } from '@app/common';
import { QUEUES } from '@app/contracts';
import { loadIndexerConfig } from './config/indexer.config';
import { IndexerModule } from './indexer.module';

runApp('indexer', async () => {
  const config = loadIndexerConfig();
  const app = await NestFactory.create<NestFastifyApplication>(IndexerModule.forRoot(config), createFastifyAdapter(), { bufferLogs: true });
  app.useLogger(app.get(PinoLoggerService));
  registerHttpLogging(app);
  closeOnSignals(app, config.SHUTDOWN_GRACE_MS + 5000);
  const microservice = app.connectMicroservice(rmqServerOptions(config.RABBITMQ_URL, QUEUES.indexerEvents, config.RMQ_PREFETCH), { inheritAppConfig: true });
  app.get(GracefulShutdown).afterDrain(() => waitForRepliesFlushed(microservice));
  await app.startAllMicroservices();
  await app.listen(config.INDEXER_PORT, '0.0.0.0');
  app.get(PinoLoggerService).log(`indexer ready: health and metrics on :${config.INDEXER_PORT}, consuming ${QUEUES.indexerEvents}`);
});
