// RFC 9110 §8.8.3 / §13.1: entity-tag lists in If-Match and If-None-Match.
export interface EntityTagCondition {
  any: boolean;
  tags: Array<{ weak: boolean; opaque: string }>;
}

const ENTITY_TAG = /^\s*(W\/)?("[\x21\x23-\x7e\x80-\xff]*")\s*$/;

// Returns null for a header that is absent; unparsable members are dropped (they can match nothing).
export function parseEntityTags(header: string | string[] | undefined): EntityTagCondition | null {
  if (header === undefined) return null;
  const value = Array.isArray(header) ? header.join(',') : header;
  if (value.trim() === '*') return { any: true, tags: [] };
  const tags = value.split(',').flatMap((member) => {
    const match = ENTITY_TAG.exec(member);
    return match ? [{ weak: Boolean(match[1]), opaque: match[2] }] : [];
  });
  return { any: false, tags };
}

// If-Match uses strong comparison: weak tags never match, so only strong opaque tags are kept.
export function strongTags(condition: EntityTagCondition): { any: boolean; tags: string[] } {
  return { any: condition.any, tags: condition.tags.filter((tag) => !tag.weak).map((tag) => tag.opaque) };
}

// If-None-Match uses weak comparison: W/"x" matches "x".
export function noneMatch(condition: EntityTagCondition | null, currentEtag: string): boolean {
  if (!condition) return true;
  if (condition.any) return false;
  return !condition.tags.some((tag) => tag.opaque === currentEtag);
}
