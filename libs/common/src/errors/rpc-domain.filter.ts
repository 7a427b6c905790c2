import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import { throwError } from 'rxjs';
import { currentRequestId } from '../logging/request-context';
import { DomainError, ErrorPayload } from './domain.error';

// Turns whatever a message handler threw into the `{code, message, details}` reply the gateway maps to HTTP.
// Unknown errors are logged with their stack here and cross the wire as a bare INTERNAL_ERROR.
@Catch()
export class RpcDomainExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('RpcErrors');

  catch(exception: unknown, host: ArgumentsHost) {
    if (host.getType() === 'http') {
      const reply = host.switchToHttp().getResponse();
      const status = exception instanceof HttpException ? exception.getStatus() : 500;
      return reply.status(status).send({ error: { code: status === 404 ? 'ROUTE_NOT_FOUND' : 'INTERNAL_ERROR', message: 'Request failed' } });
    }
    return throwError(() => this.toPayload(exception));
  }

  private toPayload(exception: unknown): ErrorPayload {
    if (exception instanceof DomainError) return exception.toPayload();
    this.logger.error({ request_id: currentRequestId(), err: exception }, 'unhandled error in message handler');
    return { code: 'INTERNAL_ERROR', message: 'Internal error' };
  }
}
