import { ArgumentsHost, Catch, ExceptionFilter, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { errorEnvelope } from '@app/common';
import { drainThen } from '../http/oversized-body.util';
import { mapError } from './error-mapper';

export const ACCEPT_PATCH = 'application/merge-patch+json, application/json-patch+json, application/json';
export const CONTENT_ACCEPT_PATCH = 'application/merge-patch+json, application/json';
// Routes whose PATCH accepts other types than the plans' (their 415 names those).
const ACCEPT_PATCH_BY_ROUTE: Record<string, string> = { '/api/v1/content/:id': CONTENT_ACCEPT_PATCH };

export function sendError(request: FastifyRequest, reply: FastifyReply, exception: unknown, logger: Logger): void {
  const { status, payload } = mapError(exception);
  if (status >= 500 && status !== 503 && status !== 504) {
    logger.error({ request_id: request.id, err: exception }, 'unhandled error');
  }
  if (status === 401) reply.header('WWW-Authenticate', 'Bearer');
  if (status === 415 && request.method === 'PATCH') reply.header('Accept-Patch', ACCEPT_PATCH_BY_ROUTE[request.routeOptions?.url ?? ''] ?? ACCEPT_PATCH);
  const send = () => void reply.status(status).header('Content-Type', 'application/json; charset=utf-8').send(errorEnvelope(payload, request.id));
  if (status !== 413) return send();
  // The body is refused unread: read the rest first (bounded), then answer and close the connection, so the
  // client gets its 413 instead of a reset while it is still sending.
  reply.header('Connection', 'close');
  drainThen(request.raw, send);
}

// The one place HTTP errors are written: the contract's envelope, never a stack or internal detail.
@Catch()
export class HttpExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('HttpErrors');

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    sendError(http.getRequest<FastifyRequest>(), http.getResponse<FastifyReply>(), exception, this.logger);
  }
}
