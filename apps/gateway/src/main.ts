// First: tracing must patch modules before anything below loads them.
import './tracing.bootstrap';
import { NestFactory } from '@nestjs/core';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { closeOnSignals, createFastifyAdapter, PinoLoggerService, registerHttpLogging, runApp } from '@app/common';
import { loadGatewayConfig } from './config/gateway.config';
import { GatewayModule } from './gateway.module';
import { setupHttpApp } from './http/http-app.setup';
import { registerCacheFastPath } from './http/cache-fast-path';
import { registerOrderFastPath } from './http/order-fast-path';
import { registerCountBeforeBody } from './http/count-before-body';
import { registerProviderEventsFastPath } from './provider-events/provider-events.fast-path';

runApp('gateway', async () => {
  const config = loadGatewayConfig();
  const adapter = createFastifyAdapter({ bodyLimit: config.BODY_LIMIT_BYTES, trustProxy: config.TRUST_PROXY });
  const app = await NestFactory.create<NestFastifyApplication>(GatewayModule.forRoot(config), adapter, {
    bufferLogs: true,
    abortOnError: false,
    // JSON only: without Nest's form parser, any other body type is refused by Fastify with 415.
    bodyParser: false,
  });
  app.useLogger(app.get(PinoLoggerService));
  registerHttpLogging(app);
  closeOnSignals(app, config.SHUTDOWN_GRACE_MS + 5000);
  setupHttpApp(app);
  registerCacheFastPath(app);
  registerProviderEventsFastPath(app);
  registerCountBeforeBody(app);
  registerOrderFastPath(app);
  await app.listen(config.PORT, '0.0.0.0');
  app.get(PinoLoggerService).log(`gateway listening on http://127.0.0.1:${config.PORT} (API under /api/v1, docs at /docs)`);
});
