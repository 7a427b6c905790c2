import { DomainError } from '../errors/domain.error';

// The input-safety rules every JSON value from outside must pass before any code recurses over it, stores it
// or merges it into an object. One iterative walk (an explicit stack, so a hostile depth cannot overflow ours),
// stopping at the first problem; the pointer names where it is (RFC 6901).

export interface JsonLimits {
  maxDepth: number; // nested objects/arrays
  maxNodes: number; // values in the whole document
  maxStringLength: number; // UTF-16 code units, keys included
  maxArrayLength: number;
  maxObjectKeys: number;
}

export const JSON_LIMITS: JsonLimits = {
  maxDepth: 64,
  maxNodes: 20_000,
  maxStringLength: 100_000,
  maxArrayLength: 5_000,
  maxObjectKeys: 500,
};

export interface UnsafeJson {
  pointer: string;
  problem: string;
}

// Keys that address an object's prototype machinery in JavaScript: never data here.
export const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

// A string a database, a log or another language can hold exactly: no NUL and no unpaired UTF-16 surrogate.
export function unsafeStringProblem(value: string, maxLength: number): string | undefined {
  if (value.length > maxLength) return `is longer than ${maxLength} characters`;
  if (value.includes('\u0000')) return 'contains a NUL character';
  if (!value.isWellFormed()) return 'contains an unpaired UTF-16 surrogate';
  return undefined;
}

export function keyProblem(key: string, maxLength: number): string | undefined {
  if (FORBIDDEN_KEYS.has(key)) return `"${key}" is not allowed as a property name`;
  const problem = unsafeStringProblem(key, maxLength);
  return problem ? `property name ${problem}` : undefined;
}

const escapeToken = (token: string) => token.replace(/~/g, '~0').replace(/\//g, '~1');

interface Frame {
  value: unknown;
  depth: number;
  parent: Frame | undefined;
  token: string;
}

function pointerOf(frame: Frame | undefined, last?: string): string {
  const tokens: string[] = last === undefined ? [] : [last];
  for (let current = frame; current?.parent; current = current.parent) tokens.push(current.token);
  return tokens
    .reverse()
    .map((token) => `/${escapeToken(token)}`)
    .join('');
}

// The first rule `value` (a parsed JSON document) breaks, or undefined when it is safe.
export function findUnsafeJson(value: unknown, limits: JsonLimits = JSON_LIMITS): UnsafeJson | undefined {
  const stack: Frame[] = [{ value, depth: 0, parent: undefined, token: '' }];
  let nodes = 0;
  while (stack.length > 0) {
    const frame = stack.pop()!;
    if (++nodes > limits.maxNodes) return { pointer: '', problem: `has more than ${limits.maxNodes} values` };
    const current = frame.value;
    if (typeof current === 'string') {
      const problem = unsafeStringProblem(current, limits.maxStringLength);
      if (problem) return { pointer: pointerOf(frame), problem };
    } else if (typeof current === 'number') {
      // JSON.parse reads 1e309 as Infinity; nothing downstream can store or compare it.
      if (!Number.isFinite(current)) return { pointer: pointerOf(frame), problem: 'is not a finite number' };
    } else if (current !== null && typeof current === 'object') {
      if (frame.depth >= limits.maxDepth) return { pointer: pointerOf(frame), problem: `nests deeper than ${limits.maxDepth} levels` };
      if (Array.isArray(current)) {
        if (current.length > limits.maxArrayLength) return { pointer: pointerOf(frame), problem: `has more than ${limits.maxArrayLength} items` };
        for (let index = current.length - 1; index >= 0; index--) {
          stack.push({ value: current[index], depth: frame.depth + 1, parent: frame, token: String(index) });
        }
      } else {
        const keys = Object.keys(current);
        if (keys.length > limits.maxObjectKeys) return { pointer: pointerOf(frame), problem: `has more than ${limits.maxObjectKeys} properties` };
        for (let index = keys.length - 1; index >= 0; index--) {
          const key = keys[index];
          const problem = keyProblem(key, limits.maxStringLength);
          if (problem) return { pointer: pointerOf(frame, key), problem };
          stack.push({ value: (current as Record<string, unknown>)[key], depth: frame.depth + 1, parent: frame, token: key });
        }
      }
    }
  }
  return undefined;
}

// A JSON Patch `path`/`from` (RFC 6901) may not walk into prototype machinery either.
export function findUnsafePointer(pointer: string): string | undefined {
  for (const segment of pointer.split('/').slice(1)) {
    const token = segment.replace(/~1/g, '/').replace(/~0/g, '~');
    if (FORBIDDEN_KEYS.has(token)) return `"${token}" is not allowed as a path segment`;
  }
  return undefined;
}

// Every operation's `path` and `from` in a JSON Patch document, checked; the first problem with its pointer.
export function findUnsafePatchPaths(patch: unknown): UnsafeJson | undefined {
  if (!Array.isArray(patch)) return undefined;
  for (let index = 0; index < patch.length; index++) {
    const operation = patch[index] as Record<string, unknown> | null;
    if (operation === null || typeof operation !== 'object') continue;
    for (const field of ['path', 'from'] as const) {
      const pointer = operation[field];
      const problem = typeof pointer === 'string' ? findUnsafePointer(pointer) : undefined;
      if (problem) return { pointer: `/${index}/${field}`, problem };
    }
  }
  return undefined;
}

// Throws the contract's 400 for the first unsafe part of `value`: the gateway's parser and core's use cases
// (defence in depth for messages that did not come through the gateway) apply the same rules.
export function assertSafeJson(value: unknown, what: string, options: { jsonPatch?: boolean } = {}): void {
  const unsafe = findUnsafeJson(value) ?? (options.jsonPatch ? findUnsafePatchPaths(value) : undefined);
  if (unsafe) {
    throw new DomainError('VALIDATION_ERROR', `${what} ${unsafe.problem}`, { errors: [{ pointer: unsafe.pointer, message: unsafe.problem }] });
  }
}
