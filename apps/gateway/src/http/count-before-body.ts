import { Logger } from '@nestjs/common';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AccessService } from '../access/access.service';
import { sendError } from '../errors/http-exception.filter';

const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

// Nothing is parsed before it counts: Fastify reads and parses a body (or refuses it: 400, 413, 415) before any
// guard runs, so requests that may carry one are counted in preParsing, ahead of the body. A spent limit is
// answered 429 here and the body is never parsed.
export function registerCountBeforeBody(app: NestFastifyApplication): void {
  const fastify = app.getHttpAdapter().getInstance();
  const access = app.get(AccessService);
  const logger = new Logger('CountBeforeBody');
  // Callback style: answering without calling done() ends the request here (an async hook's return value would be
  // taken for a new payload stream).
  fastify.addHook('preParsing', (request: FastifyRequest, reply: FastifyReply, payload: unknown, done: (error?: Error | null) => void) => {
    if (!BODY_METHODS.has(request.method)) return done();
    access.countBeforeBody(request, reply).then(
      () => done(),
      (error: unknown) => sendError(request, reply, error, logger),
    );
  });
}
