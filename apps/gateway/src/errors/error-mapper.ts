import { HttpException } from '@nestjs/common';
import { TimeoutError } from 'rxjs';
import { DomainError, ErrorPayload, statusForCode } from '@app/common';

export interface MappedError {
  status: number;
  payload: ErrorPayload;
}

const HTTP_STATUS_CODES: Record<number, string> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHORIZED',
  403: 'FORBIDDEN',
  404: 'ROUTE_NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  429: 'RATE_LIMITED',
};

const MALFORMED_JSON_MESSAGES = [
  'Body is not valid JSON',
  "Body cannot be empty when content-type is set to 'application/json'",
  'Unexpected',
  'Object contains forbidden prototype property',
];

const FASTIFY_CODES: Record<string, MappedError> = {
  FST_ERR_CTP_BODY_TOO_LARGE: { status: 413, payload: { code: 'PAYLOAD_TOO_LARGE', message: 'Request body is too large' } },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: {
    status: 415,
    payload: { code: 'UNSUPPORTED_MEDIA_TYPE', message: 'Content-Type must be application/json' },
  },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { status: 400, payload: { code: 'BAD_REQUEST', message: 'Content-Length does not match the body' } },
  FST_ERR_CTP_EMPTY_JSON_BODY: { status: 400, payload: { code: 'MALFORMED_JSON', message: 'Body is empty but Content-Type is JSON' } },
  FST_ERR_CTP_INVALID_JSON_BODY: { status: 400, payload: { code: 'MALFORMED_JSON', message: 'Body is not valid JSON' } },
};

// Every error class the gateway can meet, mapped to a status and a code, in one place.
export function mapError(exception: unknown): MappedError {
  if (exception instanceof DomainError) {
    return { status: statusForCode(exception.code), payload: exception.toPayload() };
  }
  if (exception instanceof TimeoutError) {
    return { status: 504, payload: { code: 'UPSTREAM_TIMEOUT', message: 'An upstream service did not answer in time' } };
  }
  const code = (exception as { code?: string })?.code;
  if (code && FASTIFY_CODES[code]) return FASTIFY_CODES[code];
  if (exception instanceof SyntaxError && (exception as { status?: number }).status === 400) {
    return { status: 400, payload: { code: 'MALFORMED_JSON', message: 'Body is not valid JSON' } };
  }
  if (exception instanceof HttpException) {
    const status = exception.getStatus();
    // Nest turns Fastify's body-parser errors into plain HttpExceptions and drops their code; their
    // messages are Fastify's fixed texts, so they are recognised by those.
    if (status === 400 && MALFORMED_JSON_MESSAGES.some((text) => httpMessage(exception).startsWith(text))) {
      return { status, payload: { code: 'MALFORMED_JSON', message: 'Body is not valid JSON' } };
    }
    if (status >= 500) return { status, payload: { code: status === 503 ? 'SERVICE_UNAVAILABLE' : 'INTERNAL_ERROR', message: 'Internal error' } };
    return { status, payload: { code: HTTP_STATUS_CODES[status] ?? 'BAD_REQUEST', message: httpMessage(exception) } };
  }
  const statusCode = (exception as { statusCode?: number })?.statusCode;
  if (typeof statusCode === 'number' && statusCode >= 400 && statusCode < 500) {
    return { status: statusCode, payload: { code: HTTP_STATUS_CODES[statusCode] ?? 'BAD_REQUEST', message: 'Bad request' } };
  }
  return { status: 500, payload: { code: 'INTERNAL_ERROR', message: 'Internal error' } };
}

function httpMessage(exception: HttpException): string {
  const response = exception.getResponse();
  if (typeof response === 'string') return response;
  const message = (response as { message?: unknown }).message;
  return typeof message === 'string' ? message : exception.message;
}
