import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
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
      const { status, payload } = exception instanceof DomainError
        ? { status: statusForCode(exception.code), payload: exception.toPayload() }
        : exception instanceof HttpException
          ? { status: exception.getStatus(), payload: { code: exception.getStatus() === 404 ? 'ROUTE_NOT_FOUND' : 'INTERNAL_ERROR', message: exception.message } }
          : { status: 500, payload: { code: 'INTERNAL_ERROR', message: 'Internal error' } };
      return http.getResponse().status(status).send(errorEnvelope(payload, http.getRequest().id));
    }
    return throwError(() => this.toPayload(exception));
  }

  private toPayload(exception: unknown): ErrorPayload {
    if (exception instanceof DomainError) return exception.toPayload();
    this.logger.error({ request_id: currentRequestId(), err: exception }, 'unhandled error in message handler');
    return { code: 'INTERNAL_ERROR', message: 'Internal error' };
  }
}
