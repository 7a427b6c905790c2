import { DomainError } from '../errors/domain.error';
import { assertSafeJson, findUnsafeJson, findUnsafePatchPaths, JSON_LIMITS } from './json-safety.util';

const nested = (levels: number, leaf: unknown = 1, kind: 'object' | 'array' = 'object'): unknown => {
  let value = leaf;
  for (let i = 0; i < levels; i++) value = kind === 'object' ? { a: value } : [value];
  return value;
};

describe('findUnsafeJson', () => {
  it('should accept a plain document when it breaks no rule', () => {
    expect(findUnsafeJson({ name: 'Ada', tags: ['x', 'y'], n: -0, small: 1e-300, ok: true, none: null, nested: nested(JSON_LIMITS.maxDepth - 1) })).toBeUndefined();
  });

  it.each(['object', 'array'] as const)('should refuse %s nesting past the limit without overflowing the stack, even at 100,000 levels', (kind) => {
    expect(findUnsafeJson(nested(JSON_LIMITS.maxDepth, 1, kind))).toBeUndefined();
    expect(findUnsafeJson(nested(JSON_LIMITS.maxDepth + 1, 1, kind))?.problem).toBe(`nests deeper than ${JSON_LIMITS.maxDepth} levels`);
    // Built from text: the parse is iterative, so only the walk could overflow.
    const deep = kind === 'object' ? `${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}` : `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    expect(findUnsafeJson(JSON.parse(deep))?.problem).toMatch(/nests deeper/);
  });

  it.each<[string, unknown, string, string]>([
    ['a NUL in a value', { a: { b: 'x\u0000y' } }, '/a/b', 'contains a NUL character'],
    ['a lone high surrogate', { a: ['ok', '\ud800'] }, '/a/1', 'contains an unpaired UTF-16 surrogate'],
    ['a lone low surrogate in a key', { 'k\udc00': 1 }, '/k\udc00', 'property name contains an unpaired UTF-16 surrogate'],
    ['__proto__ as a key', JSON.parse('{"a":{"__proto__":{"polluted":true}}}'), '/a/__proto__', '"__proto__" is not allowed as a property name'],
    ['constructor as a key', { constructor: { prototype: {} } }, '/constructor', '"constructor" is not allowed as a property name'],
    ['prototype as a key', { x: { prototype: 1 } }, '/x/prototype', '"prototype" is not allowed as a property name'],
    ['a number that parsed to Infinity', JSON.parse('{"n":[1e309]}'), '/n/0', 'is not a finite number'],
    ['a string over the length limit', { s: 'x'.repeat(JSON_LIMITS.maxStringLength + 1) }, '/s', `is longer than ${JSON_LIMITS.maxStringLength} characters`],
    ['an array over the length limit', { list: new Array(JSON_LIMITS.maxArrayLength + 1).fill(0) }, '/list', `has more than ${JSON_LIMITS.maxArrayLength} items`],
    ['a key with ~ and / (escaped in the pointer)', { 'a/b~': '\u0000' }, '/a~1b~0', 'contains a NUL character'],
  ])('should report %s with its JSON Pointer', (_case, value, pointer, problem) => {
    expect(findUnsafeJson(value)).toEqual({ pointer, problem });
  });

  it('should stop at the node limit when a body is a flood of tiny objects', () => {
    const flood = JSON.parse(`[${new Array(4_000).fill('[{},{},{},{},{}]').join(',')}]`);
    const started = process.hrtime.bigint();
    expect(findUnsafeJson(flood)?.problem).toBe(`has more than ${JSON_LIMITS.maxNodes} values`);
    expect(Number(process.hrtime.bigint() - started) / 1e6).toBeLessThan(500);
  });
});

describe('findUnsafePatchPaths', () => {
  it.each(['/__proto__/polluted', '/a/constructor/prototype', '/x/prototype'])('should refuse the path %s', (path) => {
    expect(
      findUnsafePatchPaths([
        { op: 'replace', path: '/ok', value: 1 },
        { op: 'add', path, value: 1 },
      ]),
    ).toEqual({ pointer: '/1/path', problem: expect.stringContaining('is not allowed as a path segment') });
  });

  it('should refuse a from pointer into the prototype and accept escaped look-alikes', () => {
    expect(findUnsafePatchPaths([{ op: 'copy', from: '/__proto__', path: '/a' }])?.pointer).toBe('/0/from');
    expect(
      findUnsafePatchPaths([
        { op: 'add', path: '/__proto~1__', value: 1 },
        { op: 'add', path: '/a~0constructor', value: 1 },
      ]),
    ).toBeUndefined();
  });
});

describe('assertSafeJson', () => {
  it('should throw a VALIDATION_ERROR naming the pointer when the value is unsafe', () => {
    const error = (() => {
      try {
        assertSafeJson({ a: '\u0000' }, 'The body');
      } catch (caught) {
        return caught as DomainError;
      }
    })();
    expect(error).toBeInstanceOf(DomainError);
    expect(error?.code).toBe('VALIDATION_ERROR');
    expect(error?.details).toEqual({ errors: [{ pointer: '/a', message: 'contains a NUL character' }] });
  });
});
