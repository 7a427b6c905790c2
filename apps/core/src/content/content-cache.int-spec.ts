import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import Redis from 'ioredis';
import { DataSource } from 'typeorm';
import { MetricsService, PrincipalCache } from '@app/common';
import { Actor, contentItemKey, ListContentPayload } from '@app/contracts';
import { AuditRepository, ContentItemsRepository, dataSourceOptions, OutboxRepository, RefreshTokensRepository, UserEntity, UsersRepository } from '@app/persistence';
import { TEST_ENV } from '../../../../test/support/test-env';
import { PasswordHasher } from '../auth/password.hasher';
import { PrincipalCacheWriter } from '../cache/principal-cache.writer';
import { CoreConfig } from '../config/core.config';
import { UpdateUserUseCase } from '../users/update-user.use-case';
import { UserCommitHook } from '../users/user-commit.hook';
import { ContentCacheFiller, ContentFillHooks } from './content-cache.filler';
import { ContentCacheStore } from './content-cache.store';
import { ContentMetrics } from './content.metrics';
import { ContentQueryService } from './content-query.service';
import { ContentWriteSupport } from './content-write.support';
import { CreateContentUseCase } from './create-content.use-case';
import { DeleteContentUseCase } from './delete-content.use-case';
import { ReplaceContentUseCase } from './replace-content.use-case';

// A cache fill raced against writes with barriers in the fill path (no timing), and concurrent misses counted at the
// repository, against the real PostgreSQL and Redis. Two "replicas" are two sets of services on their own Redis
// connections, sharing nothing in process.
function barrier() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { open, opened };
}

interface Replica {
  redis: Redis;
  query: ContentQueryService;
  create: CreateContentUseCase;
  replace: ReplaceContentUseCase;
  remove: DeleteContentUseCase;
  updateUser: UpdateUserUseCase;
}

describe('content cache fills (PostgreSQL + Redis)', () => {
  let dataSource: DataSource;
  let contents: ContentItemsRepository;
  let replicas: Replica[];
  let hooks: ContentFillHooks;
  let author: Actor;
  let authorName: string;

  function replica(): Replica {
    const redis = new Redis(TEST_ENV.REDIS_URL);
    const metrics = new ContentMetrics(new MetricsService());
    const store = new ContentCacheStore(redis, { contentCacheTtlSeconds: 600 }, new MetricsService());
    const filler = new ContentCacheFiller(store, metrics, hooks);
    const outbox = new OutboxRepository(dataSource);
    const audit = new AuditRepository(dataSource);
    const support = new ContentWriteSupport(dataSource, contents, outbox, audit, store);
    const users = new UsersRepository(dataSource);
    const principals = new PrincipalCacheWriter(new PrincipalCache(redis), new MetricsService());
    return {
      redis,
      query: new ContentQueryService(contents, store, filler, metrics),
      create: new CreateContentUseCase(dataSource, contents, outbox, audit, store),
      replace: new ReplaceContentUseCase(support),
      remove: new DeleteContentUseCase(dataSource, contents, outbox, audit, store),
      updateUser: new UpdateUserUseCase(
        dataSource,
        users,
        new RefreshTokensRepository(dataSource),
        outbox,
        audit,
        new PasswordHasher(),
        principals,
        store,
        new UserCommitHook({ crashAfterUserCommit: false } as CoreConfig),
      ),
    };
  }

  beforeAll(async () => {
    dataSource = await new DataSource(dataSourceOptions(TEST_ENV.DATABASE_URL, 'content-cache-int')).initialize();
    contents = new ContentItemsRepository(dataSource);
    hooks = {};
    replicas = [replica(), replica()];
    const now = new Date();
    const user: UserEntity = {
      ...{ id: randomUUID(), name: 'First Name', email: `cache-${randomUUID()}@example.com`, phoneNumber: null, country: null, state: null },
      ...{ role: 'user', passwordHash: 'x', version: 1, createdAt: now, updatedAt: now, deletedAt: null },
    };
    await dataSource.transaction((tx) => new UsersRepository(dataSource).insert(tx, user));
    author = { id: user.id, role: 'user' };
    authorName = user.name;
  });
  afterEach(() => {
    hooks.afterLoad = undefined;
    hooks.onShare = undefined;
    jest.restoreAllMocks();
  });
  afterAll(async () => {
    for (const { redis } of replicas ?? []) redis.disconnect();
    await dataSource?.destroy();
  });

  const newItem = async () =>
    JSON.parse((await replicas[0].create.execute(author, { title: `Item ${randomUUID()}`, content: 'Long enough content.' })).body) as { id: string; title: string };
  // Pauses the first fill whose key starts with `prefix` after its database read, until `release` opens.
  function pauseFill(prefix: string) {
    const loaded = barrier();
    const release = barrier();
    let paused = false;
    hooks.afterLoad = async (key) => {
      if (paused || !key.startsWith(prefix)) return;
      paused = true;
      loaded.open();
      await release.opened;
    };
    return { loaded: loaded.opened, release: release.open };
  }

  it('should keep the new version when a fill that read the old row lands after an update', async () => {
    const { id, title } = await newItem();
    const { query, replace, redis } = replicas[0];
    await redis.del(contentItemKey(id));
    const fill = pauseFill(`item:${id}`);

    const slowRead = query.get(id);
    await fill.loaded;
    const written = await replace.execute(author, id, { title: 'Updated while a fill was out', content: 'Long enough content.' });
    fill.release();

    expect(JSON.parse((await slowRead).body).title).toBe(title); // it read before the write; that answer may be old
    expect(await query.get(id)).toEqual({ body: written.body, etag: written.etag, cache: 'HIT' });
  });

  it('should keep the item deleted when a fill that read it lands after the delete', async () => {
    const { id } = await newItem();
    const { query, remove, redis } = replicas[0];
    await redis.del(contentItemKey(id));
    const fill = pauseFill(`item:${id}`);

    const slowRead = query.get(id);
    await fill.loaded;
    await remove.execute(author, id);
    fill.release();
    await slowRead;

    await expect(query.get(id)).rejects.toMatchObject({ code: 'CONTENT_NOT_FOUND' });
    expect(await redis.hget(contentItemKey(id), 'd')).toBe('1');
  });

  it('should show a new item in a page whose fill read the table before the create', async () => {
    const page: ListContentPayload = { page: 1, page_size: 3, sort_by: 'created_at', order: 'desc' };
    await newItem(); // a write: the page is cold
    const { query, create } = replicas[0];
    const fill = pauseFill('list:');

    const slowPage = query.list(page);
    await fill.loaded;
    const created = JSON.parse((await create.execute(author, { title: 'Created during a page fill', content: 'Long enough content.' })).body);
    fill.release();
    await slowPage;

    const after = await query.list(page);
    expect(after.cache).toBe('MISS');
    expect(JSON.parse(after.body).data[0].id).toBe(created.id);
  });

  it("should show the author's new name when a fill that read the old one lands after the rename", async () => {
    const { id } = await newItem();
    const { query, updateUser, redis } = replicas[0];
    await redis.del(contentItemKey(id));
    const fill = pauseFill(`item:${id}`);

    const slowRead = query.get(id);
    await fill.loaded;
    const renamed = `${authorName} Renamed`;
    await updateUser.execute(author, author.id, { name: renamed, email: `cache-${randomUUID()}@example.com` });
    authorName = renamed;
    fill.release();
    await slowRead;

    const after = await query.get(id);
    expect([after.cache, JSON.parse(after.body).author]).toEqual(['HIT', { id: author.id, name: renamed }]);
  });

  it('should not hand a miss that starts after a write the result of a fill that started before it', async () => {
    const { id } = await newItem();
    const { query, replace, redis } = replicas[0];
    await redis.del(contentItemKey(id));
    const fill = pauseFill(`item:${id}`);

    const slowRead = query.get(id);
    await fill.loaded;
    const written = await replace.execute(author, id, { title: 'Written after the first miss', content: 'Long enough content.' });
    await redis.del(contentItemKey(id)); // as if evicted: the next read misses too, while the old fill is still out
    // Bounded: had it joined the paused fill, it would wait for that fill's (old) answer.
    const fresh = await Promise.race([query.get(id), sleep(2000).then(() => ({ body: 'joined the fill that started before the write' }))]);
    fill.release();
    await slowRead;

    expect(fresh.body).toBe(written.body);
  });

  it.each([
    ['an item', 'item'],
    ['a page', 'list'],
  ] as const)('should query PostgreSQL once for 30 concurrent misses of %s on two replicas', async (_, kind) => {
    const { id } = await newItem(); // also a new generation: every page is cold
    await replicas[0].redis.del(contentItemKey(id));
    const queries = jest.spyOn(contents, kind === 'item' ? 'findWithAuthor' : 'listPage');
    const everyoneWaits = barrier();
    let shared = 0;
    hooks.onShare = () => void (++shared === 29 && everyoneWaits.open());
    // The one query answers only once all 29 others wait for it (bounded, so that without single flight the count fails).
    hooks.afterLoad = () => Promise.race([everyoneWaits.opened, sleep(2000)]);
    const page: ListContentPayload = { page: 1, page_size: 4, sort_by: 'title', order: 'asc' };

    const answers = await Promise.all(Array.from({ length: 30 }, (_, i) => (kind === 'item' ? replicas[i % 2].query.get(id) : replicas[i % 2].query.list(page))));

    expect(queries).toHaveBeenCalledTimes(1);
    expect(new Set(answers.map((answer) => answer.body)).size).toBe(1);
    expect(answers.filter((answer) => answer.cache === 'MISS').length + answers.filter((answer) => answer.cache === 'HIT').length).toBe(30);
  });
});
