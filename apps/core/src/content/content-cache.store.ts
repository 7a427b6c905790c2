import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import Redis, { ChainableCommander } from 'ioredis';
import { MetricsService, OutageLog, REDIS } from '@app/common';
import {
  CONTENT_AUTHOR_PREFIX,
  CONTENT_GENERATION_KEY,
  CONTENT_LIST_PREFIX,
  CONTENT_READ_COMMANDS,
  contentAuthorKey,
  contentEtag,
  contentItemKey,
  contentListKey,
  ContentReply,
  freshContentGeneration,
} from '@app/contracts';
import { ContentAuthor, ContentItemEntity } from '@app/persistence';
import { CORE_CONFIG, CoreConfig } from '../config/core.config';
import { itemJsonParts } from './content.mapper';

// Each write replaces the entry only over an older version (a tombstone counts), so whatever order a fill and a
// write land in, the newest version stays.
export const ITEM_WRITE_LUA = `
local current = redis.call('HGET', KEYS[1], 'v')
if current and tonumber(current) >= tonumber(ARGV[1]) then return 0 end
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], 'v', ARGV[1], 'd', ARGV[2], 'a', ARGV[3], 'h', ARGV[4], 'z', ARGV[5], 't', ARGV[6])
redis.call('EXPIRE', KEYS[1], ARGV[6])
return 1`;

const AUTHOR_WRITE_LUA = `
local current = redis.call('HGET', KEYS[1], 'v')
if current and tonumber(current) >= tonumber(ARGV[1]) then return 0 end
redis.call('HSET', KEYS[1], 'v', ARGV[1], 'n', ARGV[2], 't', ARGV[3])
redis.call('EXPIRE', KEYS[1], ARGV[3])
return 1`;

// A missing generation restarts from the clock (see freshContentGeneration), never from 1.
const GENERATION_BUMP_LUA = `
if redis.call('EXISTS', KEYS[1]) == 1 then return redis.call('INCR', KEYS[1]) end
redis.call('SET', KEYS[1], ARGV[1])
return 0`;

const UNLOCK_LUA = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

type ContentRedis = Redis & {
  contentItemRead(key: string, authorPrefix: string): Promise<string[] | null>;
  contentListRead(generationKey: string, listPrefix: string, suffix: string, fresh: string): Promise<[string, string]>;
  contentItemWrite(key: string, version: number, deleted: string, authorId: string, head: string, tail: string, ttl: number): Promise<number>;
  contentAuthorWrite(key: string, version: number, nameJson: string, ttl: number): Promise<number>;
  contentGenerationBump(key: string, fresh: string): Promise<number>;
  contentUnlock(key: string, token: string): Promise<number>;
};

type ContentPipeline = ChainableCommander & { contentItemRead(key: string, authorPrefix: string): ChainableCommander };

export type CachedItem = ContentReply | 'deleted' | null;
const REPAIR_INTERVAL_MS = 1000;

// Core's side of the content caches (layout in @app/contracts content-cache). Reads throw when Redis is unreachable,
// so callers answer BYPASS from the database. Writes after a commit never fail the request: one that Redis refuses is
// kept and retried every second until it lands (each is guarded or idempotent, so a late one is still right).
@Injectable()
export class ContentCacheStore implements OnModuleDestroy {
  private readonly redis: ContentRedis;
  private readonly repairs = new Map<string, { order: number; run: () => Promise<unknown> }>();
  private repairTimer?: NodeJS.Timeout;
  readonly ttlSeconds: number;

  private readonly redisOutage: OutageLog;

  constructor(@Inject(REDIS) redis: Redis, @Inject(CORE_CONFIG) config: Pick<CoreConfig, 'contentCacheTtlSeconds'>, metrics: MetricsService) {
    this.redisOutage = metrics.outage('redis');
    this.ttlSeconds = config.contentCacheTtlSeconds;
    for (const command of Object.values(CONTENT_READ_COMMANDS)) redis.defineCommand(command.name, { numberOfKeys: command.numberOfKeys, lua: command.lua });
    redis.defineCommand('contentItemWrite', { numberOfKeys: 1, lua: ITEM_WRITE_LUA });
    redis.defineCommand('contentAuthorWrite', { numberOfKeys: 1, lua: AUTHOR_WRITE_LUA });
    redis.defineCommand('contentGenerationBump', { numberOfKeys: 1, lua: GENERATION_BUMP_LUA });
    redis.defineCommand('contentUnlock', { numberOfKeys: 1, lua: UNLOCK_LUA });
    this.redis = redis as ContentRedis;
  }

  onModuleDestroy(): void {
    clearTimeout(this.repairTimer);
  }

  // The item (renewing its TTL) and the list generation, in one round trip.
  async lookupItem(id: string): Promise<{ item: CachedItem; generation: string }> {
    const pipeline = this.redis.pipeline() as ContentPipeline;
    const results = await pipeline.contentItemRead(contentItemKey(id), CONTENT_AUTHOR_PREFIX).get(CONTENT_GENERATION_KEY).exec();
    const [[itemError, item], [generationError, generation]] = results as [[Error | null, string[] | null], [Error | null, string | null]];
    const error = itemError ?? generationError;
    if (error) throw error;
    return { item: parseItem(item), generation: generation ?? '0' };
  }

  async readItem(id: string): Promise<CachedItem> {
    return parseItem(await this.redis.contentItemRead(contentItemKey(id), CONTENT_AUTHOR_PREFIX));
  }

  // The current generation (started when missing) and the page cached under it, if any.
  async readList(suffix: string): Promise<{ generation: string; body: string | null }> {
    const [generation, body] = await this.redis.contentListRead(CONTENT_GENERATION_KEY, CONTENT_LIST_PREFIX, suffix, freshContentGeneration());
    return { generation, body: body || null };
  }

  async readListAt(generation: string, suffix: string): Promise<string | null> {
    return this.redis.get(contentListKey(generation, suffix));
  }

  // A fill's writes: guarded like every write; a failure only costs the next reader a miss.
  async fillItem(item: ContentItemEntity, author: ContentAuthor): Promise<void> {
    await Promise.all([this.writeItem(item), this.writeAuthor(author)]).then(
      () => this.redisOutage.recovered(),
      (error: Error) => this.redisOutage.failed('content-fill', error),
    );
  }

  async fillList(generation: string, suffix: string, body: string): Promise<void> {
    await this.redis.set(contentListKey(generation, suffix), body, 'EX', this.ttlSeconds).then(
      () => this.redisOutage.recovered(),
      (error: Error) => this.redisOutage.failed('content-fill', error),
    );
  }

  // After a committed create or update: the new version written through, and every cached page retired.
  async itemWritten(item: ContentItemEntity, author: ContentAuthor): Promise<void> {
    await Promise.all([
      this.durably(`item:${item.id}`, item.version, () => this.writeItem(item)),
      this.durably(`author:${author.id}`, author.version, () => this.writeAuthor(author)),
      this.retirePages(),
    ]);
  }

  // After a committed delete: a tombstone one version above the deleted row, so no slow fill resurrects it.
  async itemDeleted(id: string, deletedVersion: number): Promise<void> {
    const tombstone = deletedVersion + 1;
    await Promise.all([
      this.durably(`item:${id}`, tombstone, () => this.redis.contentItemWrite(contentItemKey(id), tombstone, '1', '', '', '', this.ttlSeconds)),
      this.retirePages(),
    ]);
  }

  // After a committed rename: every item shows the new name through the author entry, every page is rebuilt.
  async authorRenamed(author: ContentAuthor): Promise<void> {
    await Promise.all([this.durably(`author:${author.id}`, author.version, () => this.writeAuthor(author)), this.retirePages()]);
  }

  // After an erasure: the author entry shows the erased name, and every cached page that still embeds the author is
  // deleted now rather than left to expire under an old generation (they hold the old name). The one SCAN of the
  // content caches: an erasure is rare, and pages are few (one per query shape and generation).
  async authorErased(author: ContentAuthor): Promise<void> {
    await this.authorRenamed(author);
    const needle = `"author":{"id":${JSON.stringify(author.id)},`;
    let cursor = '0';
    do {
      const [next, keys] = await this.redis.scan(cursor, 'MATCH', `${CONTENT_LIST_PREFIX}*`, 'COUNT', 500);
      cursor = next;
      if (keys.length === 0) continue;
      const pages = await this.redis.mget(...keys);
      const stale = keys.filter((_key, index) => pages[index]?.includes(needle));
      if (stale.length > 0) await this.redis.del(...stale);
    } while (cursor !== '0');
  }

  // A short lock that makes one replica the filler of `key`; the others wait for its entry.
  async tryLock(key: string, token: string, ttlMs: number): Promise<boolean> {
    return (await this.redis.set(`content:lock:${key}`, token, 'PX', ttlMs, 'NX')) === 'OK';
  }

  async unlock(key: string, token: string): Promise<void> {
    await this.redis.contentUnlock(`content:lock:${key}`, token).catch((error: Error) => this.redisOutage.failed('content-unlock', error));
  }

  private retirePages(): Promise<void> {
    return this.durably('generation', Date.now(), () => this.redis.contentGenerationBump(CONTENT_GENERATION_KEY, freshContentGeneration()));
  }

  private writeItem(item: ContentItemEntity): Promise<number> {
    const { head, tail } = itemJsonParts(item);
    return this.redis.contentItemWrite(contentItemKey(item.id), item.version, '0', item.authorId, head, tail, this.ttlSeconds);
  }

  private writeAuthor(author: ContentAuthor): Promise<number> {
    return this.redis.contentAuthorWrite(contentAuthorKey(author.id), author.version, JSON.stringify(author.name), this.ttlSeconds);
  }

  // Runs a post-commit write; when Redis refuses it, keeps it (the newest per key) for the repair loop.
  private async durably(key: string, order: number, run: () => Promise<unknown>): Promise<void> {
    try {
      await run();
    } catch (error) {
      this.redisOutage.failed('content-write', error); // kept and retried until it lands
      const pending = this.repairs.get(key);
      if (!pending || pending.order <= order) this.repairs.set(key, { order, run });
      this.scheduleRepairs();
    }
  }

  private scheduleRepairs(): void {
    if (this.repairTimer || this.repairs.size === 0) return;
    this.repairTimer = setTimeout(() => void this.repair(), REPAIR_INTERVAL_MS);
    this.repairTimer.unref();
  }

  private async repair(): Promise<void> {
    this.repairTimer = undefined;
    for (const [key, pending] of [...this.repairs]) {
      try {
        await pending.run();
        this.redisOutage.recovered();
        if (this.repairs.get(key) === pending) this.repairs.delete(key);
      } catch {
        break; // Redis is still away; try again later
      }
    }
    this.scheduleRepairs();
  }
}

function parseItem(reply: string[] | null): CachedItem {
  if (!reply) return null;
  const [version, deleted, body, authorVersion] = reply;
  return deleted === '1' ? 'deleted' : { body, etag: contentEtag(version, authorVersion) };
}
