import fc from 'fast-check';

// Building blocks of the hostile-input tier: JSON bodies written as raw text (so they can hold what
// JSON.stringify cannot: 1e309, duplicated keys, 10,000 levels), hostile strings, and URL encodings of them.

export class RawJson {
  constructor(readonly text: string) {}
}

export class DuplicateKeys {
  constructor(readonly entries: Array<[string, unknown]>) {}
}

// JSON text of `value`; RawJson is spliced in verbatim, DuplicateKeys writes every entry.
export function jsonText(value: unknown): string {
  if (value instanceof RawJson) return value.text;
  if (value instanceof DuplicateKeys) return `{${value.entries.map(([key, item]) => `${JSON.stringify(key)}:${jsonText(item)}`).join(',')}}`;
  if (Array.isArray(value)) return `[${value.map(jsonText).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.entries(value)
      .map(([key, item]) => `${JSON.stringify(key)}:${jsonText(item)}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

export const deepObject = (levels: number) => new RawJson(`${'{"a":'.repeat(levels)}1${'}'.repeat(levels)}`);
export const deepArray = (levels: number) => new RawJson(`${'['.repeat(levels)}${']'.repeat(levels)}`);

export const HOSTILE_STRINGS = [
  '\u0000',
  'a\u0000b',
  '\ud800',
  'x\udfff',
  "' OR '1'='1",
  "'; DROP TABLE users; --",
  '.*(?:[',
  '(a+)+$',
  '{"$gt": ""}',
  '../../etc/passwd',
  '%00',
  '\\',
  '\u202e\u0301',
  '🙂',
  ' ',
  '',
  '__proto__',
  'constructor',
  'null',
  '-0',
  '1e309',
  'x'.repeat(5000),
];

// Numbers as JSON text: the ones JSON.parse turns into Infinity, 0 or an imprecise integer included.
export const HOSTILE_NUMBERS = ['-0', '1e309', '-1e309', '0.1e-400', '123456789012345678901234567890', '99999999999', '2147483648', '-1', '1.5', '1e-7'];

const codeUnit = fc.integer({ min: 0, max: 0xffff }).map((code) => String.fromCharCode(code));

export const hostileString = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...HOSTILE_STRINGS) },
  { weight: 2, arbitrary: fc.string({ unit: codeUnit, maxLength: 24 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 24 }) },
);

export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: hostileString },
  { weight: 3, arbitrary: fc.constantFrom(...HOSTILE_NUMBERS).map((text) => new RawJson(text)) },
  { weight: 1, arbitrary: fc.constantFrom(null, true, false, 0, [], {}, [null], { objectId: '__proto__' }) },
  { weight: 1, arbitrary: fc.constantFrom(65, 300, 10_000).chain((levels) => fc.constantFrom(deepObject(levels), deepArray(levels))) },
  { weight: 1, arbitrary: fc.array(hostileString, { maxLength: 5 }) },
);

export const HOSTILE_KEYS = ['__proto__', 'constructor', 'prototype', '\u0000', '\ud800', 'k'.repeat(300), '', '$where', 'a.b', 'a/b~'];

// What a URL carries for a string: percent-encoded UTF-8, or (for what encodeURIComponent refuses, lone
// surrogates) the CESU-8 bytes a naive client would send.
export function urlEncode(value: string): string {
  try {
    return encodeURIComponent(value);
  } catch {
    return [...value]
      .map((char) => {
        const code = char.charCodeAt(0);
        if (code < 0xd800 || code > 0xdfff) return encodeURIComponent(char);
        return [0xe0 | (code >> 12), 0x80 | ((code >> 6) & 0x3f), 0x80 | (code & 0x3f)].map((byte) => `%${byte.toString(16).toUpperCase()}`).join('');
      })
      .join('');
  }
}

// Percent sequences a decoder has to survive: NUL, a CESU-8 surrogate, an overlong NUL, a truncated escape.
export const RAW_URL_SEQUENCES = ['%00', '%ED%A0%80', '%C0%80', '%E0%A4%A', '%', '..%2F..%2F', '%FF%FE'];

export const hostileUrlPart = fc.oneof({ weight: 3, arbitrary: hostileString.map(urlEncode) }, { weight: 1, arbitrary: fc.constantFrom(...RAW_URL_SEQUENCES) });

// Every path inside a JSON value (as key lists), so a valid sample can be mutated at any depth.
export function valuePaths(value: unknown): string[][] {
  const paths: string[][] = [];
  const stack: Array<{ node: unknown; path: string[] }> = [{ node: value, path: [] }];
  while (stack.length > 0) {
    const { node, path } = stack.pop()!;
    if (path.length > 0) paths.push(path);
    if (node !== null && typeof node === 'object') {
      for (const [key, child] of Object.entries(node)) stack.push({ node: child, path: [...path, key] });
    }
  }
  return paths;
}

export function withValueAt(value: unknown, path: string[], replacement: unknown): unknown {
  if (path.length === 0) return replacement;
  const copy: Record<string, unknown> = Array.isArray(value) ? ([...value] as unknown as Record<string, unknown>) : { ...(value as Record<string, unknown>) };
  copy[path[0]] = withValueAt(copy[path[0]], path.slice(1), replacement);
  return copy;
}
