import { plainRangeQuery } from './provider-events.fast-path';

describe('plainRangeQuery', () => {
  const sut = plainRangeQuery;

  it('should take the query when it has only starts_at and ends_at as text', () => {
    expect(sut({ starts_at: '2021-06-30', ends_at: '2021-07-31T10:00:00Z' })).toEqual({ starts_at: '2021-06-30', ends_at: '2021-07-31T10:00:00Z' });
    expect(sut({})).toEqual({});
  });

  it('should leave the query to the Nest route when a parameter is repeated', () => {
    expect(sut({ starts_at: ['2021-06-30', '2021-07-01'] })).toBeUndefined();
  });

  it('should leave the query to the Nest route when it has another parameter', () => {
    expect(sut({ starts_at: '2021-06-30', page: '2' })).toBeUndefined();
    expect(sut(JSON.parse('{"__proto__": "x"}'))).toBeUndefined();
  });
});
