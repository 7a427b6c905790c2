import { NestFactory } from '@nestjs/core';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { closeOnSignals, createFastifyAdapter, PinoLoggerService, registerHttpLogging, runApp } from '@app/common';
import { loadSchedulerConfig } from './config/scheduler.config';
import { SchedulerModule } from './scheduler.module';

runApp('scheduler', async () => {
  const config = loadSchedulerConfig();
  const app = await NestFactory.create<NestFastifyApplication>(SchedulerModule.forRoot(config), createFastifyAdapter(), { bufferLogs: true });
  app.useLogger(app.get(PinoLoggerService));
  registerHttpLogging(app);
  closeOnSignals(app, config.SHUTDOWN_GRACE_MS + 5000);
  await app.listen(config.SCHEDULER_PORT, '0.0.0.0');
  app.get(PinoLoggerService).log(`scheduler ready: health and metrics on :${config.SCHEDULER_PORT}`);
});
