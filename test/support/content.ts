import { randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import { ApiClient, ApiResponse } from './api-client';
import { scrape, sample } from './prometheus';

export interface ContentBody {
  title: string;
  content: string;
  image?: string | null;
}

// A valid content body with a unique title, so lists can be searched for it.
export function makeContent(overrides: Partial<ContentBody> = {}): ContentBody {
  return { title: `Note ${randomUUID().slice(0, 8)}`, content: 'Ten or more characters of text.', image: 'https://example.com/a.png', ...overrides };
}

export async function createContent(api: ApiClient, token: string, overrides: Partial<ContentBody> = {}): Promise<ApiResponse> {
  const created = await api.post('/api/v1/content', makeContent(overrides), { token });
  if (created.status !== 201) throw new Error(`content create failed: ${created.status} ${created.text}`);
  return created;
}

export function patch(api: ApiClient, path: string, body: unknown, token: string, contentType = 'application/merge-patch+json') {
  return api.request('PATCH', path, { token, rawBody: JSON.stringify(body), headers: { 'content-type': contentType } });
}

// Every content:* key in the test Redis with its value(s) as text (tests may SCAN; the services never do).
export async function contentCacheDump(redis: Redis): Promise<Map<string, string>> {
  const dump = new Map<string, string>();
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', 'content:*', 'COUNT', 500);
    cursor = next;
    for (const key of keys) {
      const type = await redis.type(key);
      if (type === 'hash') dump.set(key, JSON.stringify(await redis.hgetall(key)));
      else if (type === 'string') dump.set(key, (await redis.get(key)) ?? '');
    }
  } while (cursor !== '0');
  return dump;
}

// Database reads core made for content reads, summed over every core replica given.
export async function contentDatabaseReads(coreUrls: string[], kind: 'item' | 'list'): Promise<number> {
  let total = 0;
  for (const url of coreUrls) {
    const text = await scrape(url);
    for (const reason of ['fill', 'bypass', 'fallback']) total += sample(text, 'content_database_reads_total', { kind, reason }) ?? 0;
  }
  return total;
}
