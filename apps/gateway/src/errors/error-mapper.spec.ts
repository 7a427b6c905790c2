import { BadRequestException, HttpException, NotFoundException } from '@nestjs/common';
import { TimeoutError, firstValueFrom, NEVER, timeout } from 'rxjs';
import { DomainError } from '@app/common';
import { mapError } from './error-mapper';

async function rxjsTimeoutError(): Promise<unknown> {
  return firstValueFrom(NEVER.pipe(timeout(1))).catch((error: unknown) => error);
}

describe('mapError', () => {
  const sut = mapError;

  it.each([
    ['EMAIL_TAKEN', 409],
    ['RATE_LIMITED', 429],
    ['UPSTREAM_TIMEOUT', 504],
    ['INVALID_TOKEN', 401],
    ['FORBIDDEN', 403],
    ['NOT_FOUND', 404],
  ] as const)('should answer %s with status %d when a domain error carries that code', (code, status) => {
    expect(sut(new DomainError(code, 'explained'))).toEqual({ status, payload: { code, message: 'explained' } });
  });

  it('should keep the details when a validation error lists the bad fields', () => {
    const details = { errors: [{ field: 'email', problems: ['email must be an email'] }] };

    expect(sut(new DomainError('VALIDATION_ERROR', 'Request validation failed', details))).toEqual({
      status: 400,
      payload: { code: 'VALIDATION_ERROR', message: 'Request validation failed', details },
    });
  });

  it('should answer 504 UPSTREAM_TIMEOUT when an RPC times out in rxjs', async () => {
    const error = await rxjsTimeoutError();
    expect(error).toBeInstanceOf(TimeoutError);

    expect(sut(error)).toEqual({ status: 504, payload: { code: 'UPSTREAM_TIMEOUT', message: expect.any(String) } });
  });

  it("should answer MALFORMED_JSON when Nest wraps Fastify's invalid JSON body error", () => {
    const exception = new HttpException("Body is not valid JSON but content-type is set to 'application/json'", 400);

    expect(sut(exception)).toEqual({ status: 400, payload: { code: 'MALFORMED_JSON', message: 'Body is not valid JSON' } });
  });

  it("should answer MALFORMED_JSON when Nest wraps Fastify's empty JSON body error", () => {
    const exception = new HttpException("Body cannot be empty when content-type is set to 'application/json'", 400);

    expect(sut(exception).payload.code).toBe('MALFORMED_JSON');
  });

  it('should answer BAD_REQUEST with its message when a 400 is not about the body', () => {
    expect(sut(new BadRequestException('page must be a number'))).toEqual({
      status: 400,
      payload: { code: 'BAD_REQUEST', message: 'page must be a number' },
    });
  });

  it('should answer 413 PAYLOAD_TOO_LARGE when the body exceeds the limit', () => {
    expect(sut(new HttpException('Request body is too large', 413))).toEqual({
      status: 413,
      payload: { code: 'PAYLOAD_TOO_LARGE', message: 'Request body is too large' },
    });
  });

  it('should answer 415 UNSUPPORTED_MEDIA_TYPE when the content type is not supported', () => {
    const mapped = sut(new HttpException('Unsupported Media Type: text/plain', 415));

    expect(mapped.status).toBe(415);
    expect(mapped.payload.code).toBe('UNSUPPORTED_MEDIA_TYPE');
  });

  it('should answer 404 ROUTE_NOT_FOUND when no route matches', () => {
    expect(sut(new NotFoundException('Cannot GET /v1/nope'))).toEqual({
      status: 404,
      payload: { code: 'ROUTE_NOT_FOUND', message: 'Cannot GET /v1/nope' },
    });
  });

  it('should answer from the Fastify error code when the error still carries one', () => {
    const error = Object.assign(new Error('Request body is too large'), { code: 'FST_ERR_CTP_BODY_TOO_LARGE', statusCode: 413 });

    expect(sut(error)).toEqual({ status: 413, payload: { code: 'PAYLOAD_TOO_LARGE', message: 'Request body is too large' } });
  });

  it('should answer 500 INTERNAL_ERROR with a generic message and not leak its text when a plain error escapes', () => {
    const mapped = sut(new Error('connect ECONNREFUSED 10.0.0.7:5432 password=hunter2'));

    expect(mapped).toEqual({ status: 500, payload: { code: 'INTERNAL_ERROR', message: 'Internal error' } });
    expect(JSON.stringify(mapped)).not.toMatch(/ECONNREFUSED|hunter2/);
  });

  it('should answer 500 INTERNAL_ERROR when something that is not an Error is thrown', () => {
    expect(sut('oops')).toEqual({ status: 500, payload: { code: 'INTERNAL_ERROR', message: 'Internal error' } });
    expect(sut(undefined).status).toBe(500);
  });
});
