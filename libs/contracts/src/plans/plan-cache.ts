// Redis layout of a cached plan: one hash per plan. Core writes it (only with a newer version),
// the gateway reads it with one HMGET and answers 200/304/404 without asking core.
export const planCacheKey = (id: string) => `plan:${id}`;
export const PLAN_CACHE_FIELDS = ['v', 'e', 'm', 'b', 'd'] as const; // version, etag, last-modified, body, deleted
export const PLAN_CACHE_TTL_SECONDS = 3600;
