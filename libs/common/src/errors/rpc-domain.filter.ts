import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { throwError } from 'rxjs';
import { currentRequestId } from '../logging/request-context';
import { DomainError, ErrorPayload } from './domain.error';
import { errorEnvelope } from './error-envelope';
import { statusForCode } from './error-codes';

// Turns whatever a message handler threw into the `{code, message, details}` reply the gateway maps to HTTP.
// Unknown errors are logged with their stack here and cross the wire as a bare INTERNAL_ERROR.
@Catch()
export class RpcDomainExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('RpcErrors');

  catch(exception: unknown, host: ArgumentsHost) {
    if (host.getType() === 'http') {
      // The ops port (health, metrics) of a message-driven app: same envelope as the gateway's.
      const http = host.switchToHttp();
      const { status, payload } =
        exception instanceof DomainError
          ? { status: statusForCode(exception.code), payload: exception.toPayload() }
          : exception instanceof HttpException
            ? { status: exception.getStatus(), payload: { code: exception.getStatus() === 404 ? 'ROUTE_NOT_FOUND' : 'INTERNAL_ERROR', message: exception.message } }
            : { status: 500, payload: { code: 'INTERNAL_ERROR', message: 'Internal error' } };
      return http.getResponse<FastifyReply>().status(status).send(errorEnvelope(payload, http.getRequest<FastifyRequest>().id));
    }
    return throwError(() => this.toPayload(exception));
  }

  private toPayload(exception: unknown): ErrorPayload {
    if (exception instanceof DomainError) return exception.toPayload();
    if (isDataException(exception)) {
      // The client's data, refused by Postgres (out of range, invalid text, bad encoding): a 400, not a 500.
      // The detail (SQLSTATE, column, value) stays in the log; the reply names only the class of problem.
      this.logger.warn({ request_id: currentRequestId(), err: exception }, 'client data refused by the database');
      return { code: 'VALIDATION_ERROR', message: 'A value in the request is out of range or cannot be stored' };
    }
    if (isDatabaseTimeout(exception)) {
      // A statement timeout (a lock, a slow plan): the caller gets a clean 504 rather than a hung request.
      this.logger.warn({ request_id: currentRequestId(), err: exception }, 'database statement timed out');
      return { code: 'UPSTREAM_TIMEOUT', message: 'The database did not answer in time' };
    }
    if (isDatabaseUnavailable(exception)) {
      this.logger.warn({ request_id: currentRequestId(), err: exception }, 'database unavailable');
      return { code: 'SERVICE_UNAVAILABLE', message: 'The database is unavailable' };
    }
    this.logger.error({ request_id: currentRequestId(), err: exception }, 'unhandled error in message handler');
    return { code: 'INTERNAL_ERROR', message: 'Internal error' };
  }
}

function sqlState(error: unknown): unknown {
  return (error as { code?: unknown } | null)?.code ?? (error as { driverError?: { code?: unknown } } | null)?.driverError?.code;
}

// query_canceled (statement_timeout) and lock_not_available (lock_timeout).
export function isDatabaseTimeout(error: unknown): boolean {
  const code = sqlState(error);
  return code === '57014' || code === '55P03';
}

// Connection exceptions (class 08), a server shutting down or starting (57P01-57P03), a refused or reset
// socket, or no pooled connection within the pool's connectionTimeoutMillis.
export function isDatabaseUnavailable(error: unknown): boolean {
  const code = sqlState(error);
  if (typeof code === 'string' && (/^08[0-9A-Z]{3}$/.test(code) || /^57P0[1-3]$/.test(code) || ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE'].includes(code)))
    return true;
  const message = error instanceof Error ? error.message : '';
  return /timeout exceeded when trying to connect|Connection terminated/.test(message);
}

// SQLSTATE class 22 (data exception: numeric_value_out_of_range, invalid_text_representation,
// untranslatable_character, ...), on a pg DatabaseError or a TypeORM QueryFailedError that copies its fields.
export function isDataException(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code ?? (error as { driverError?: { code?: unknown } } | null)?.driverError?.code;
  return typeof code === 'string' && /^22[0-9A-Z]{3}$/.test(code);
}
