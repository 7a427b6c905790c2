import { ArgumentsHost, Logger } from '@nestjs/common';
import { lastValueFrom } from 'rxjs';
import { DomainError } from './domain.error';
import { isDataException, RpcDomainExceptionFilter } from './rpc-domain.filter';

const rpcHost = { getType: () => 'rpc' } as unknown as ArgumentsHost;

async function replyFor(exception: unknown) {
  const sut = new RpcDomainExceptionFilter();
  return lastValueFrom(sut.catch(exception, rpcHost) as never).catch((payload: unknown) => payload);
}

describe('RpcDomainExceptionFilter', () => {
  let warn: jest.SpyInstance;
  beforeEach(() => {
    warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
  });
  afterEach(() => jest.restoreAllMocks());

  it.each([
    ['numeric_value_out_of_range on a pg error', { code: '22003', message: 'integer out of range', detail: 'secret detail' }],
    [
      'invalid_text_representation on a TypeORM QueryFailedError',
      { driverError: { code: '22P02' }, message: 'invalid input syntax for type uuid: "x"', query: 'SELECT 1' },
    ],
    ['untranslatable_character', { code: '22P05', message: 'unsupported Unicode escape sequence' }],
  ])('should answer VALIDATION_ERROR without the database detail when core meets %s', async (_case, exception) => {
    const reply = await replyFor(Object.assign(new Error(exception.message), exception));

    expect(reply).toEqual({ code: 'VALIDATION_ERROR', message: 'A value in the request is out of range or cannot be stored' });
    // The detail is kept for operators, in the log.
    expect(warn).toHaveBeenCalledWith(expect.objectContaining({ err: expect.objectContaining({ message: exception.message }) }), 'client data refused by the database');
  });

  it('should answer INTERNAL_ERROR when the database error is not a data exception', async () => {
    expect(await replyFor(Object.assign(new Error('relation "users" does not exist'), { code: '42P01' }))).toEqual({ code: 'INTERNAL_ERROR', message: 'Internal error' });
  });

  it.each([
    ['a statement timeout', { code: '57014', message: 'canceling statement due to statement timeout' }],
    ['a lock timeout on a TypeORM QueryFailedError', { driverError: { code: '55P03' }, message: 'canceling statement due to lock timeout' }],
  ])('should answer UPSTREAM_TIMEOUT when core meets %s', async (_case, exception) => {
    expect(await replyFor(Object.assign(new Error(exception.message), exception))).toEqual({ code: 'UPSTREAM_TIMEOUT', message: 'The database did not answer in time' });
  });

  it.each([
    ['a refused connection', Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' })],
    ['a server shutting down', Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' })],
    ['an exhausted pool', new Error('timeout exceeded when trying to connect')],
  ])('should answer SERVICE_UNAVAILABLE when core meets %s', async (_case, exception) => {
    expect(await replyFor(exception)).toEqual({ code: 'SERVICE_UNAVAILABLE', message: 'The database is unavailable' });
  });

  it('should pass a domain error through when a handler throws one', async () => {
    expect(await replyFor(new DomainError('NOT_FOUND', 'Plan not found'))).toEqual({ code: 'NOT_FOUND', message: 'Plan not found' });
  });

  it('should not take a Node system error for a data exception', () => {
    expect(isDataException(Object.assign(new Error('x'), { code: 'ECONNREFUSED' }))).toBe(false);
    expect(isDataException(null)).toBe(false);
  });
});
