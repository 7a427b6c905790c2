import { NestFactory } from '@nestjs/core';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { closeOnSignals, createFastifyAdapter, PinoLoggerService, registerHttpLogging, runApp } from '@app/common';
import { loadProviderSimConfig } from './config/provider-sim.config';
import { ProviderSimModule } from './provider-sim.module';

runApp('provider-sim', async () => {
  const config = loadProviderSimConfig();
  const app = await NestFactory.create<NestFastifyApplication>(ProviderSimModule.forRoot(config), createFastifyAdapter(), { bufferLogs: true });
  app.useLogger(app.get(PinoLoggerService));
  registerHttpLogging(app);
  closeOnSignals(app, 10_000);
  await app.listen(config.PROVIDER_SIM_PORT, '0.0.0.0');
  app.get(PinoLoggerService).log(`provider simulator serving the feed at http://127.0.0.1:${config.PROVIDER_SIM_PORT}/feed`);
});
