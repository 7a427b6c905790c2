import { ArgumentsHost, Catch, ExceptionFilter, HttpException } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DomainError, ErrorPayload, errorEnvelope, statusForCode } from '@app/common';

const CODE_FOR_STATUS: Record<number, string> = {
  400: 'BAD_REQUEST',
  404: 'ROUTE_NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
};

function statusOf(exception: unknown): number {
  if (exception instanceof HttpException) return exception.getStatus();
  const status = (exception as { statusCode?: unknown } | null)?.statusCode; // Fastify's own (body parser) errors
  return typeof status === 'number' && status >= 400 && status < 500 ? status : 500;
}

// The simulator's errors in the contract's envelope: admin validation (DomainError), a body Fastify could not
// parse, an unknown route. Anything else is a 500 without detail.
@Catch()
export class SimErrorFilter implements ExceptionFilter {
  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    let status: number;
    let payload: ErrorPayload;
    if (exception instanceof DomainError) {
      status = statusForCode(exception.code);
      payload = exception.toPayload();
    } else {
      status = statusOf(exception);
      const message = status < 500 && exception instanceof Error ? exception.message : 'Internal error';
      payload = { code: CODE_FOR_STATUS[status] ?? (status < 500 ? 'BAD_REQUEST' : 'INTERNAL_ERROR'), message };
    }
    void http
      .getResponse<FastifyReply>()
      .status(status)
      .header('Content-Type', 'application/json; charset=utf-8')
      .send(errorEnvelope(payload, http.getRequest<FastifyRequest>().id));
  }
}
