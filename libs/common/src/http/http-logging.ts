import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Span } from '@opentelemetry/api';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { IncomingMessage } from 'node:http';
import { errorEnvelope } from '../errors/error-envelope';
import { PinoLoggerService } from '../logging/pino-logger.service';
import { REQUEST_ID_HEADER, runWithRequestContext, saneRequestId } from '../logging/request-context';
import { endServerSpan, runInServerSpan } from '../tracing/message-trace';

const QUIET_ROUTES = /^\/(health|metrics)/;

// Longest path parameter the router accepts (Fastify's default of 100 is shorter than a 128-character plan id).
export const MAX_PATH_PARAMETER_LENGTH = 512;

// Fastify for every app: the request id is the client's when sane, else a new UUID. URLs the router refuses
// before any hook runs (bad percent-encoding, an over-long parameter) get the contract's envelope too.
export function createFastifyAdapter(options: { bodyLimit?: number; trustProxy?: boolean | number | string[] } = {}): FastifyAdapter {
  return new FastifyAdapter({
    ...options,
    requestIdHeader: false,
    genReqId: (request: IncomingMessage) => saneRequestId(request.headers[REQUEST_ID_HEADER]),
    // Fastify's own closing 503 has a body outside the contract's envelope: registerHttpLogging answers instead.
    return503OnClosing: false,
    routerOptions: { maxParamLength: MAX_PATH_PARAMETER_LENGTH },
    frameworkErrors: (error: { code?: string }, request: FastifyRequest, reply: FastifyReply) => {
      const message =
        error.code === 'FST_ERR_MAX_PARAM_LENGTH' ? `A path parameter is longer than ${MAX_PATH_PARAMETER_LENGTH} characters` : 'The URL is not validly percent-encoded';
      void reply
        .status(400)
        .header(REQUEST_ID_HEADER, request.id)
        .header('Content-Type', 'application/json; charset=utf-8')
        .send(errorEnvelope({ code: 'VALIDATION_ERROR', message }, request.id));
    },
  });
}

// Runs the rest of each request inside its request-id context (so every log line carries it) and, with tracing
// on, its SERVER span; echoes the id in X-Request-Id, and writes one access line per request at info level.
export function registerHttpLogging(app: NestFastifyApplication): void {
  const fastify = app.getHttpAdapter().getInstance();
  const logger = app.get(PinoLoggerService).pino;
  let closing = false;
  const serverSpans = new WeakMap<FastifyRequest, Span>();
  fastify.addHook('preClose', (done: () => void) => {
    closing = true;
    done();
  });
  fastify.addHook('onRequest', (request: FastifyRequest, reply: FastifyReply, done: () => void) => {
    reply.header('X-Request-Id', request.id);
    // Shutting down (SIGTERM): a request that still reaches this process gets a 503 in the envelope, and the
    // connection closes so the client's next request goes to a replica that is up.
    if (closing) {
      void reply
        .status(503)
        .header('Connection', 'close')
        .header('Content-Type', 'application/json; charset=utf-8')
        .send(errorEnvelope({ code: 'SERVICE_UNAVAILABLE', message: 'The service is shutting down; retry' }, request.id));
      return;
    }
    const next = () => runWithRequestContext({ requestId: request.id, clientIp: request.ip }, done);
    if (QUIET_ROUTES.test(request.url)) return next(); // probes and scrapes are not requests anyone traces
    const span = runInServerSpan(request.method, request.routeOptions.url, request.id, request.headers, next);
    if (span) serverSpans.set(request, span);
  });
  fastify.addHook('onResponse', (request: FastifyRequest, reply: FastifyReply, done: () => void) => {
    endServerSpan(serverSpans.get(request), reply.statusCode);
    if (logger.isLevelEnabled('info') && !QUIET_ROUTES.test(request.url)) {
      logger.info(
        { request_id: request.id, req: { method: request.method, url: request.url }, res: { status: reply.statusCode }, response_time_ms: Math.round(reply.elapsedTime) },
        'request completed',
      );
    }
    done();
  });
}
