import type { ListContentPayload } from './content.payloads';

// Redis layout of the content caches. Core fills and invalidates them; the gateway (cache fast path) and core read
// them with the two scripts below. Nothing here holds personal data: an author is an id and a name.
//
// - content:item:{id}    hash {v: row version, d: 0|1 (tombstone), a: author id, h/z: the item's JSON before and
//                         after the author's name, t: TTL seconds}. Written only over an older version, so a fill that
//                         read the row before a write can never put it back; a delete leaves a tombstone.
// - content:author:{id}  hash {v: user version, n: the name as a JSON string, t: TTL seconds}; the item read joins it,
//                         so a rename (written over the older version) shows in every item at once.
// - content:gen          the list generation: bumped after every content write and every author rename.
// - content:list:{gen}:{sort_by}:{order}:{page}:{page_size}  a page's JSON. A fill keys its page by the generation
//                         it read before its database query, so a page read before a write lands under an old
//                         generation nobody reads any more (it expires). No KEYS or SCAN anywhere.
export const CONTENT_ITEM_PREFIX = 'content:item:';
export const CONTENT_AUTHOR_PREFIX = 'content:author:';
export const CONTENT_LIST_PREFIX = 'content:list:';
export const CONTENT_GENERATION_KEY = 'content:gen';

export const contentItemKey = (id: string) => `${CONTENT_ITEM_PREFIX}${id}`;
export const contentAuthorKey = (userId: string) => `${CONTENT_AUTHOR_PREFIX}${userId}`;
export const contentListSuffix = (query: ListContentPayload) => `${query.sort_by}:${query.order}:${query.page}:${query.page_size}`;
export const contentListKey = (generation: string, suffix: string) => `${CONTENT_LIST_PREFIX}${generation}:${suffix}`;

// A generation for a missing content:gen (first use, or Redis lost it): the clock in microseconds, far above any
// generation counted up from an earlier start unless over a million writes a second were sustained since.
export const freshContentGeneration = (nowMs = Date.now()) => String(nowMs * 1000);

// KEYS[1] item key, ARGV[1] author key prefix. Returns nil on a miss (no entry, or its author entry is gone),
// {v, '1'} for a tombstone, else {v, '0', body, author version}; a hit renews both entries' TTL.
export const CONTENT_ITEM_READ_LUA = `
local item = redis.call('HMGET', KEYS[1], 'v', 'd', 'a', 'h', 'z', 't')
if not item[1] then return false end
if item[2] == '1' then return {item[1], '1'} end
local authorKey = ARGV[1] .. item[3]
local author = redis.call('HMGET', authorKey, 'v', 'n', 't')
if not author[1] then return false end
redis.call('EXPIRE', KEYS[1], item[6])
redis.call('EXPIRE', authorKey, author[3])
return {item[1], '0', item[4] .. author[2] .. item[5], author[1]}`;

// KEYS[1] the generation key, ARGV[1] list key prefix, ARGV[2] the page's suffix, ARGV[3] a fresh generation to
// start from when there is none. Returns {generation, page JSON or ''}.
export const CONTENT_LIST_READ_LUA = `
local generation = redis.call('GET', KEYS[1])
if not generation then
  generation = ARGV[3]
  redis.call('SET', KEYS[1], generation)
end
return {generation, redis.call('GET', ARGV[1] .. generation .. ':' .. ARGV[2]) or ''}`;

export const CONTENT_READ_COMMANDS = {
  item: { name: 'contentItemRead', numberOfKeys: 1, lua: CONTENT_ITEM_READ_LUA },
  list: { name: 'contentListRead', numberOfKeys: 1, lua: CONTENT_LIST_READ_LUA },
} as const;

// The item's entity tag: the representation is fixed by the row's version and its author's (the name).
export const contentEtag = (version: string | number, authorVersion: string | number) => `"${version}.${authorVersion}"`;
