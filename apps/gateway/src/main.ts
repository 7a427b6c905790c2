import type { IncomingMessage } from 'node:http';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { Logger } from 'nestjs-pino';
import { closeOnSignals, runApp, saneRequestId, REQUEST_ID_HEADER } from '@app/common';
import { loadGatewayConfig } from './config/gateway.config';
import { GatewayModule } from './gateway.module';
import { setupHttpApp } from './http/http-app.setup';
import { registerCacheFastPath } from './http/cache-fast-path';

runApp('gateway', async () => {
  const config = loadGatewayConfig();
  const adapter = new FastifyAdapter({
    bodyLimit: config.BODY_LIMIT_BYTES,
    trustProxy: config.TRUST_PROXY,
    requestIdHeader: false,
    genReqId: (request: IncomingMessage) => saneRequestId(request.headers[REQUEST_ID_HEADER]),
    return503OnClosing: true,
  });
  const app = await NestFactory.create<NestFastifyApplication>(GatewayModule.forRoot(config), adapter, {
    bufferLogs: true,
    // JSON only: without Nest's form parser, any other body type is refused by Fastify with 415.
    bodyParser: false,
  });
  app.useLogger(app.get(Logger));
  closeOnSignals(app, config.SHUTDOWN_GRACE_MS + 5000);
  setupHttpApp(app);
  registerCacheFastPath(app);
  await app.listen(config.PORT, '0.0.0.0');
  app.get(Logger).log(`gateway listening on http://127.0.0.1:${config.PORT} (API under /api/v1, docs at /docs)`);
});
