import { canonicalJson, strongEtag } from './canonical-json.util';

describe('canonicalJson', () => {
  const sut = canonicalJson;

  it('should sort keys at every depth when objects are nested in objects and arrays', () => {
    const value = { z: 1, a: { y: [{ d: 1, c: 2 }], b: null }, m: 'x' };

    expect(sut(value)).toBe('{"a":{"b":null,"y":[{"c":2,"d":1}]},"m":"x","z":1}');
  });

  it('should keep the order of array elements when it serializes an array', () => {
    expect(sut([3, 1, 2, { b: 1, a: 2 }])).toBe('[3,1,2,{"a":2,"b":1}]');
  });

  it('should give the same text when two documents differ only in key order', () => {
    const first = { planType: 'inNetwork', planCostShares: { copay: 23, deductible: 2000 }, _org: 'example.com' };
    const second = { _org: 'example.com', planCostShares: { deductible: 2000, copay: 23 }, planType: 'inNetwork' };

    expect(sut(first)).toBe(sut(second));
  });

  it('should give the same value back when its output is parsed', () => {
    const value = { b: [1, 'two', true, null, { c: 'é"\\' }], a: -1.5 };

    expect(JSON.parse(sut(value))).toEqual(value);
  });

  it.each([
    ['a nested number', { a: { b: 1 } }, { a: { b: 2 } }],
    ['array order', { a: [1, 2] }, { a: [2, 1] }],
    ['a number and its string', { a: 1 }, { a: '1' }],
    ['an extra key', { a: 1 }, { a: 1, b: 2 }],
  ])('should give different text when %s differs', (_case, first, second) => {
    expect(sut(first)).not.toBe(sut(second));
  });
});

describe('strongEtag', () => {
  const sut = strongEtag;

  it('should give a quoted strong entity tag when it hashes a document', () => {
    expect(sut('{"a":1}')).toMatch(/^"[\x21\x23-\x7e]+"$/);
  });

  it('should give the same tag when the same canonical text is hashed twice', () => {
    expect(sut(canonicalJson({ b: 1, a: 2 }))).toBe(sut(canonicalJson({ a: 2, b: 1 })));
  });

  it('should give a different tag when the content changes', () => {
    expect(sut(canonicalJson({ copay: 23 }))).not.toBe(sut(canonicalJson({ copay: 24 })));
  });
});
