import { Logger } from '@nestjs/common';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { SwaggerModule } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { MetricsService } from '@app/common';
import { PROVIDER_SEARCH_ALIAS } from '../provider-events/provider-events.controller';
import { registerInputSafety } from './input-safety';
import { registerConsole } from './console/console.plugin';
import { registerApiDocsPages } from './docs/api-docs.pages';
import { buildOpenApiDocument } from './openapi/openapi.document';

export const API_PREFIX = 'api/v1';

// Everything that sits around the routes: input safety (body types and parsing, parameters), metrics, the API
// prefix and the OpenAPI document.
// Errors raised before a route runs (body parsing, 404) reach the global filter through Nest's handler.
export function setupHttpApp(app: NestFastifyApplication): void {
  const fastify = app.getHttpAdapter().getInstance();
  const metrics = app.get(MetricsService);

  registerInputSafety(app);
  fastify.addHook('onResponse', (request: FastifyRequest, reply: FastifyReply, done: () => void) => {
    const route = request.routeOptions.url ?? 'unmatched';
    metrics.httpDuration.observe({ method: request.method, route, status: String(reply.statusCode) }, reply.elapsedTime / 1000);
    done();
  });

  app.setGlobalPrefix(API_PREFIX, { exclude: ['health/live', 'health/ready', 'metrics', '.well-known/jwks.json', PROVIDER_SEARCH_ALIAS] });

  const document = buildOpenApiDocument(app);
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'openapi.json', useGlobalPrefix: false });
  registerApiDocsPages(fastify);
  if (!registerConsole(fastify)) new Logger('Console').warn('the operator console is not built (npm run build): /admin answers 404');
}
