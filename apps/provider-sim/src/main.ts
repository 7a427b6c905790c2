import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { Logger } from 'nestjs-pino';
import { closeOnSignals, runApp } from '@app/common';
import { loadProviderSimConfig } from './config/provider-sim.config';
import { ProviderSimModule } from './provider-sim.module';

runApp('provider-sim', async () => {
  const config = loadProviderSimConfig();
  const app = await NestFactory.create<NestFastifyApplication>(ProviderSimModule.forRoot(config), new FastifyAdapter(), { bufferLogs: true });
  app.useLogger(app.get(Logger));
  closeOnSignals(app, 10_000);
  await app.listen(config.PROVIDER_SIM_PORT, '0.0.0.0');
  app.get(Logger).log(`provider simulator serving the feed at http://127.0.0.1:${config.PROVIDER_SIM_PORT}/feed`);
});
