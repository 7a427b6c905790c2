import { IncomingHttpHeaders } from 'node:http';
import { isNotModified, validatorHeaders } from './conditional.util';
import { ServedFeed } from './feed-body.util';

const served: ServedFeed = { label: 'feed-1', bytes: Buffer.from('<planList/>'), etag: '"abc"', lastModified: new Date('2026-01-02T10:00:00.000Z') };
const sut = isNotModified;

describe('isNotModified', () => {
  it.each<[string, IncomingHttpHeaders, boolean]>([
    ['the same ETag', { 'if-none-match': '"abc"' }, true],
    ['the same ETag, weak', { 'if-none-match': 'W/"abc"' }, true],
    ['a list holding the ETag', { 'if-none-match': '"x", "abc"' }, true],
    ['*', { 'if-none-match': '*' }, true],
    ['another ETag', { 'if-none-match': '"other"' }, false],
    ['another ETag and a recent If-Modified-Since (If-None-Match wins)', { 'if-none-match': '"other"', 'if-modified-since': 'Fri, 02 Jan 2026 11:00:00 GMT' }, false],
    ['If-Modified-Since equal to Last-Modified', { 'if-modified-since': 'Fri, 02 Jan 2026 10:00:00 GMT' }, true],
    ['If-Modified-Since after Last-Modified', { 'if-modified-since': 'Fri, 02 Jan 2026 10:00:05 GMT' }, true],
    ['If-Modified-Since before Last-Modified', { 'if-modified-since': 'Fri, 02 Jan 2026 09:59:59 GMT' }, false],
    ['an unparseable If-Modified-Since', { 'if-modified-since': 'yesterday' }, false],
    ['no conditional header', {}, false],
  ])('should answer %s with both validators on', (_case, headers, expected) => {
    expect(sut(headers, served, 'both')).toBe(expected);
  });

  it('should ignore If-None-Match when ETags are off, and use If-Modified-Since instead', () => {
    const headers = { 'if-none-match': '"other"', 'if-modified-since': 'Fri, 02 Jan 2026 10:00:00 GMT' };
    expect(sut(headers, served, 'last-modified')).toBe(true);
    expect(sut({ 'if-none-match': '"abc"' }, served, 'last-modified')).toBe(false);
  });

  it('should ignore If-Modified-Since when Last-Modified is off', () => {
    expect(sut({ 'if-modified-since': 'Fri, 02 Jan 2026 10:00:00 GMT' }, served, 'etag')).toBe(false);
    expect(sut({ 'if-none-match': '"abc"' }, served, 'etag')).toBe(true);
  });

  it('should never answer 304 when validators are off', () => {
    expect(sut({ 'if-none-match': '"abc"', 'if-modified-since': 'Fri, 02 Jan 2026 10:00:00 GMT' }, served, 'none')).toBe(false);
  });
});

describe('validatorHeaders', () => {
  it('should send only the validators the setting names', () => {
    expect(validatorHeaders(served, 'both')).toEqual({ ETag: '"abc"', 'Last-Modified': 'Fri, 02 Jan 2026 10:00:00 GMT' });
    expect(validatorHeaders(served, 'etag')).toEqual({ ETag: '"abc"' });
    expect(validatorHeaders(served, 'last-modified')).toEqual({ 'Last-Modified': 'Fri, 02 Jan 2026 10:00:00 GMT' });
    expect(validatorHeaders(served, 'none')).toEqual({});
  });
});
