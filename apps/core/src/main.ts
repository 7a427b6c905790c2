import { NestFactory } from '@nestjs/core';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { closeOnSignals, createFastifyAdapter, PinoLoggerService, registerHttpLogging, rmqServerOptions, runApp, GracefulShutdown, waitForRepliesFlushed } from '@app/common';
import { QUEUES } from '@app/contracts';
import { loadCoreConfig } from './config/core.config';
import { CoreModule } from './core.module';

runApp('core', async () => {
  const config = loadCoreConfig();
  const app = await NestFactory.create<NestFastifyApplication>(CoreModule.forRoot(config), createFastifyAdapter(), {
    bufferLogs: true,
    abortOnError: false,
  });
  app.useLogger(app.get(PinoLoggerService));
  registerHttpLogging(app);
  closeOnSignals(app, config.SHUTDOWN_GRACE_MS + 5000);
  const microservice = app.connectMicroservice(rmqServerOptions(config.RABBITMQ_URL, QUEUES.coreRpc, config.RMQ_PREFETCH), { inheritAppConfig: true });
  app.get(GracefulShutdown).afterDrain(() => waitForRepliesFlushed(microservice));
  await app.startAllMicroservices();
  await app.listen(config.CORE_PORT, '0.0.0.0');
  app.get(PinoLoggerService).log(`core ready: health and metrics on :${config.CORE_PORT}, consuming ${QUEUES.coreRpc}`);
});
