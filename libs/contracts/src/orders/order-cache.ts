// Redis layout of a cached order: one string per order, the owner's id (36 characters) followed by the view's
// JSON, so a read is one GET and the body is sent as stored. The gateway writes `accepted` only if absent
// (SET NX) after the broker's confirm; core overwrites with `stored` after its commit. Whatever order the two
// writes land in, a `stored` entry is never replaced by `accepted`.
export const orderCacheKey = (id: string) => `order:${id}`;

const OWNER_LENGTH = 36;

export function encodeCachedOrder(ownerId: string, viewJson: string): string {
  return `${ownerId}${viewJson}`;
}

export function decodeCachedOrder(value: string): { ownerId: string; body: string } | null {
  if (value.length <= OWNER_LENGTH) return null;
  return { ownerId: value.slice(0, OWNER_LENGTH), body: value.slice(OWNER_LENGTH) };
}
