import { CONTENT_SORT_FIELDS, ListContentPayload } from '@app/contracts';
import { CONTENT_GENERATION_KEY, contentItemKey, contentListKey, contentListSuffix } from '../libs/contracts/src/content/content-cache';
import type Redis from 'ioredis';
import type { Target } from './results.util';
import type { Scenario, ScenarioContext } from './scenario.types';

// The content reads (issue 10): the cached item (200 and 304) and the cached first page against the floor's same
// scripts (floor-content.ts), and the miss path of both, project only. In a miss round each connection reads its
// own entries in turn; as it asks for one it drops the cache entry of the one it asks for next (a whole request
// earlier, so the drop has long landed), so core answers every request from PostgreSQL and fills the cache again
// (X-Cache: MISS, counted on every answer). Each connection's position carries over between rounds, so a request a
// round cut off (core still answering it) fills an entry that connection reads again only several requests later,
// by which time it is dropped once more.

// A miss is an RPC to core and a query, so fewer connections than the hit reads already keep both busy.
export const MISS_CONNECTIONS = 20;
export const LIST_PAGE_SIZE = 20;
const MISS_ITEMS_PER_CONNECTION = 20;
// The item miss's items; they also make MISS_CONNECTIONS full pages for the list miss.
export const CONTENT_ITEMS = MISS_CONNECTIONS * MISS_ITEMS_PER_CONNECTION + 1;
// The list miss's orders: every sort field has an index.
const LIST_ORDERS = CONTENT_SORT_FIELDS.flatMap((sortBy) => (['asc', 'desc'] as const).map((order) => ({ sortBy, order })));

const headerValue = (headers: Record<string, string>, name: string) => Object.entries(headers).find(([key]) => key.toLowerCase() === name)?.[1];

// Each miss connection's position, kept across rounds, and the X-Cache of every answer of the current round.
// `next` gives the entry to ask for now and drops the cache entry of the one after it; before a round, the entry
// each connection asks for first is dropped (and the drop awaited).
function missRounds(label: string, redis: Redis, keysPerConnection: number, keyOf: (connection: number, entry: number) => string) {
  const cursors = new Map<number, number>();
  let answers = new Map<string, number>();
  return {
    next: (connection: number) => {
      const at = cursors.get(connection) ?? 0;
      cursors.set(connection, at + 1);
      void redis.del(keyOf(connection, (at + 1) % keysPerConnection)).catch(() => undefined); // a failed drop shows as a HIT
      return at % keysPerConnection;
    },
    beforeRound: async () => {
      answers = new Map();
      const first = Array.from({ length: MISS_CONNECTIONS }, (_, connection) => keyOf(connection, (cursors.get(connection) ?? 0) % keysPerConnection));
      await redis.del(...first);
    },
    onResponse: (_status: number, headers: Record<string, string>) => {
      const cache = headerValue(headers, 'x-cache') ?? 'none';
      answers.set(cache, (answers.get(cache) ?? 0) + 1);
    },
    afterRound: (target: Target) => {
      const others = [...answers].filter(([cache]) => cache !== 'MISS');
      if (others.length > 0) {
        throw new Error(`${label} @ ${target}: not every answer was a miss: ${others.map(([cache, count]) => `${count} x X-Cache: ${cache}`).join(', ')}`);
      }
    },
  };
}

export function contentScenarios(
  { user, content, redis, ensureCached }: Pick<ScenarioContext, 'user' | 'content' | 'redis' | 'ensureCached'>,
  targets: { minRatio: number; maxCpuRatio: number },
): Scenario[] {
  const auth = { authorization: `Bearer ${user.accessToken}` };
  const itemPath = `/api/v1/content/${content.read.id}`;
  const listPath = `/api/v1/content?page=1&page_size=${LIST_PAGE_SIZE}`;
  const itemHeaders = ['etag', 'cache-control', 'content-type', 'x-cache', 'x-ratelimit-limit'];
  const missItem = (connection: number, entry: number) => content.items[connection * MISS_ITEMS_PER_CONNECTION + entry];
  // Connection n reads page n+1 of LIST_PAGE_SIZE in each of the six orders.
  const missPage = (connection: number, entry: number): ListContentPayload => {
    const { sortBy, order } = LIST_ORDERS[entry];
    return { page: connection + 1, page_size: LIST_PAGE_SIZE, sort_by: sortBy, order };
  };
  // The list generation the miss round's pages are keyed under (no content is written while the benches run).
  let generation = '';
  const itemMisses = missRounds('content item miss', redis, MISS_ITEMS_PER_CONNECTION, (connection, entry) => contentItemKey(missItem(connection, entry)));
  const listMisses = missRounds('content list miss', redis, LIST_ORDERS.length, (connection, entry) =>
    contentListKey(generation, contentListSuffix(missPage(connection, entry))),
  );
  return [
    {
      key: 'content-item',
      name: 'GET content item, cache hit (200)',
      kind: 'read',
      method: 'GET',
      path: itemPath,
      headers: auth,
      expectStatus: 200,
      expectHeaders: { 'x-cache': 'HIT', etag: content.read.etag, 'cache-control': 'private, no-cache', 'content-type': 'application/json; charset=utf-8' },
      sameHeaders: itemHeaders,
      floor: true,
      beforeRound: () => ensureCached(itemPath),
      ...targets,
    },
    {
      key: 'content-item-304',
      name: 'GET content item, conditional (304)',
      kind: 'read',
      method: 'GET',
      path: itemPath,
      headers: { ...auth, 'if-none-match': content.read.etag },
      expectStatus: 304,
      expectHeaders: { 'x-cache': 'HIT', etag: content.read.etag },
      sameHeaders: itemHeaders,
      floor: true,
      beforeRound: () => ensureCached(itemPath),
      ...targets,
    },
    {
      key: 'content-list',
      name: `GET content list (page 1 of ${LIST_PAGE_SIZE}), cache hit`,
      kind: 'read',
      method: 'GET',
      path: listPath,
      headers: auth,
      expectStatus: 200,
      expectHeaders: { 'x-cache': 'HIT', 'content-type': 'application/json; charset=utf-8' },
      sameHeaders: ['content-type', 'x-cache', 'x-ratelimit-limit'],
      floor: true,
      beforeRound: () => ensureCached(listPath),
      ...targets,
    },
    {
      key: 'content-item-miss',
      name: 'GET content item, cache miss every request (project only)',
      kind: 'read',
      method: 'GET',
      path: `/api/v1/content/${content.items[0]}`,
      headers: auth,
      expectStatus: 200,
      floor: false,
      connections: MISS_CONNECTIONS,
      // As if the entry had expired.
      connection: (_target, index) => ({
        path: () => `/api/v1/content/${missItem(index, itemMisses.next(index))}`,
        onResponse: itemMisses.onResponse,
      }),
      beforeRound: () => itemMisses.beforeRound(),
      afterRound: itemMisses.afterRound,
    },
    {
      key: 'content-list-miss',
      name: `GET content list (page n of ${LIST_PAGE_SIZE}, six orders), cache miss every request (project only)`,
      kind: 'read',
      method: 'GET',
      path: listPath,
      headers: auth,
      expectStatus: 200,
      floor: false,
      connections: MISS_CONNECTIONS,
      connection: (_target, index) => ({
        path: () => {
          const query = missPage(index, listMisses.next(index));
          return `/api/v1/content?page=${query.page}&page_size=${query.page_size}&sort_by=${query.sort_by}&order=${query.order}`;
        },
        onResponse: listMisses.onResponse,
      }),
      beforeRound: async () => {
        generation = (await redis.get(CONTENT_GENERATION_KEY)) ?? '';
        if (!generation) throw new Error('content list miss: no list generation in Redis (the list was never read?)');
        await listMisses.beforeRound();
      },
      afterRound: listMisses.afterRound,
    },
  ];
}
