import { contentEtag, contentItemKey, contentListKey, contentListSuffix, freshContentGeneration } from './content-cache';

describe('content cache keys', () => {
  it('should name a page by its generation and every query parameter', () => {
    const suffix = contentListSuffix({ page: 2, page_size: 20, sort_by: 'title', order: 'asc' });
    expect(contentListKey('41', suffix)).toBe('content:list:41:title:asc:2:20');
    expect(suffix).not.toBe(contentListSuffix({ page: 2, page_size: 20, sort_by: 'title', order: 'desc' }));
  });

  it('should key an item by its id', () => {
    expect(contentItemKey('0b1f')).toBe('content:item:0b1f');
  });

  it('should make the ETag change with the item version and with the author version', () => {
    expect(new Set([contentEtag(1, 1), contentEtag(2, 1), contentEtag(1, 2), contentEtag(12, 1), contentEtag(1, 21)]).size).toBe(5);
    expect(contentEtag(3, 7)).toBe('"3.7"');
  });

  it('should start a lost generation from the clock, above any generation counted up from an earlier start', () => {
    const earlier = Number(freshContentGeneration(1_700_000_000_000)) + 50_000; // 50k writes since
    expect(Number(freshContentGeneration(1_700_000_001_000))).toBeGreaterThan(earlier);
  });
});
