import { currentRequestId, runWithRequestContext, saneRequestId } from './request-context';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('saneRequestId', () => {
  const sut = saneRequestId;

  it.each(['abc-123', 'req_1.2:3', 'A'.repeat(128), '0f8fad5b-d9cb-469f-a165-70867728950e'])('should keep the id when it is short and plain (%s)', (id) => {
    expect(sut(id)).toBe(id);
  });

  it.each([
    ['too long', 'A'.repeat(129)],
    ['with spaces', 'abc 123'],
    ['with a newline', 'abc\n{"level":"fatal"}'],
    ['empty', ''],
    ['a number', 42],
    ['undefined', undefined],
    ['an array', ['abc']],
  ])('should replace the id with a fresh UUID when it is %s', (_label, id) => {
    const result = sut(id);

    expect(result).toMatch(UUID);
    expect(result).not.toBe(id);
  });

  it('should generate a different UUID each time when the id is rejected', () => {
    expect(sut(undefined)).not.toBe(sut(undefined));
  });
});

describe('runWithRequestContext', () => {
  const sut = runWithRequestContext;

  it('should expose the request id after an await when work runs inside the context', async () => {
    const seen = await sut({ requestId: 'req-42' }, async () => {
      await new Promise((resolve) => setImmediate(resolve));
      await Promise.resolve();
      return currentRequestId();
    });

    expect(seen).toBe('req-42');
  });

  it('should keep concurrent contexts apart when two requests interleave', async () => {
    const run = (requestId: string, delayMs: number) =>
      sut({ requestId }, async () => {
        await new Promise((resolve) => setTimeout(resolve, delayMs));
        return currentRequestId();
      });

    await expect(Promise.all([run('first', 5), run('second', 1)])).resolves.toEqual(['first', 'second']);
  });

  it('should report no request id when code runs outside any context', () => {
    expect(currentRequestId()).toBeUndefined();
  });

  it('should return the callback result when it runs', () => {
    expect(sut({ requestId: 'r' }, () => 7)).toBe(7);
  });
});
