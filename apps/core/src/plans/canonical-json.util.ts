import { createHash } from 'node:crypto';

// JSON with object keys in code-point order at every depth: the same document always gives the same bytes.
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.keys(value as Record<string, unknown>)
    .filter((key) => (value as Record<string, unknown>)[key] !== undefined)
    .sort()
    .map((key) => `${JSON.stringify(key)}:${canonicalJson((value as Record<string, unknown>)[key])}`);
  return `{${entries.join(',')}}`;
}

// A strong ETag derived from the canonical JSON, so every write and the next read agree on it.
export function strongEtag(canonical: string): string {
  return `"${createHash('sha256').update(canonical).digest('base64url')}"`;
}
