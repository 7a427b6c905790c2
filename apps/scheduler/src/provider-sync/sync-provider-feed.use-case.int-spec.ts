import { createHash } from 'node:crypto';
import { connectRedis } from '@app/common';
import { PROVIDER_CATALOG_STATE_KEY } from '@app/contracts';
import { FEED_V1, FEED_V2, useSyncHarness } from '../../../../test/support/provider-sync-harness';
import { TEST_ENV } from '../../../../test/support/test-env';
import { SuspiciousSnapshotError } from './feed-processor.port';

// What one sync writes, against real Postgres and Redis and a local provider: nothing at all for an unchanged
// feed (hash or 304), one transaction for a changed one, nothing for a suspicious one.
describe('SyncProviderFeedUseCase through the sync service (Postgres, Redis, a local provider)', () => {
  const h = useSyncHarness();

  it('should apply a changed feed once and then cost zero catalog writes when the same bytes come back without validators', async () => {
    expect(await h.a.service.run('schedule')).toMatchObject({ status: 'succeeded', new: 1, unchanged: 0 });
    const after = await h.syncState();
    const fingerprint = await h.catalogFingerprint();
    expect(after.catalog_version).toBe('1');
    expect(after.content_hash).toBe(createHash('sha256').update(FEED_V1).digest('hex'));

    const again = await h.b.service.run('schedule');

    expect(again).toMatchObject({ status: 'succeeded', new: 0, changed: 0, unchanged: 1, invalid: 0 });
    expect(h.processor.calls).toBe(1);
    expect(await h.catalogFingerprint()).toBe(fingerprint);
    const state = await h.syncState();
    expect(state.catalog_version).toBe('1');
    expect(state.last_synced_at!.getTime()).toBeGreaterThan(after.last_synced_at!.getTime());
  });

  it('should send the validators it was given and cost zero catalog writes when the provider answers 304', async () => {
    const seen: Array<string | undefined> = [];
    h.respond((req, res) => {
      seen.push(req.headers['if-none-match']);
      if (req.headers['if-none-match'] === '"v1"') return res.writeHead(304, { etag: '"v1"' }).end();
      res.writeHead(200, { etag: '"v1"', 'last-modified': 'Tue, 01 Dec 2026 09:00:00 GMT' }).end(FEED_V1);
    });
    await h.a.service.run('schedule');
    const fingerprint = await h.catalogFingerprint();

    const again = await h.b.service.run('schedule');

    expect(seen).toEqual([undefined, '"v1"']);
    expect(again).toMatchObject({ status: 'succeeded', new: 0, changed: 0, unchanged: 1 });
    expect(h.processor.calls).toBe(1);
    expect(await h.catalogFingerprint()).toBe(fingerprint);
    expect((await h.syncState()).catalog_version).toBe('1');
  });

  it('should apply a feed that changed and move the catalog version, telling readers through Redis', async () => {
    await h.a.service.run('schedule');
    const first = JSON.parse((await h.redis.get(PROVIDER_CATALOG_STATE_KEY))!);
    h.respond((_req, res) => res.writeHead(200).end(FEED_V2));

    expect(await h.b.service.run('schedule')).toMatchObject({ status: 'succeeded', new: 1 });

    expect(h.processor.bodies).toEqual([FEED_V1, FEED_V2]);
    const second = JSON.parse((await h.redis.get(PROVIDER_CATALOG_STATE_KEY))!);
    expect(first).toEqual({ catalog_version: '1', synced_at: expect.any(String) });
    expect(second.catalog_version).toBe('2');
    expect(second.synced_at).toBe((await h.syncState()).last_synced_at!.toISOString());
  });

  it('should record a suspicious snapshot as a failed run that changed nothing, with its detail', async () => {
    await h.a.service.run('schedule');
    const fingerprint = await h.catalogFingerprint();
    const before = await h.syncState();
    h.respond((_req, res) => res.writeHead(200).end(FEED_V2));
    h.processor.failWith = new SuspiciousSnapshotError('the feed lists 0 plans where the last one had 1', 0, 1);

    const run = await h.a.service.run('schedule');

    expect(run).toMatchObject({ status: 'failed', error: 'suspicious snapshot ignored, nothing changed: the feed lists 0 plans where the last one had 1' });
    const { rows } = await h.db.query(`SELECT details FROM provider_sync_runs WHERE id = $1`, [run!.id]);
    expect(rows[0].details).toEqual({ failure: 'suspicious_snapshot', plans: 0, previous_plan_count: 1 });
    expect(await h.catalogFingerprint()).toBe(fingerprint); // the processor's write was rolled back
    expect(await h.syncState()).toEqual(before);
  });

  it('should still succeed when Redis is down, the catalog state being best effort', async () => {
    const deadRedis = await connectRedis(TEST_ENV.REDIS_URL, 'sync-spec-dead');
    deadRedis.disconnect();
    const offline = await h.replica('sync-replica-no-redis', deadRedis);

    expect(await offline.service.run('schedule')).toMatchObject({ status: 'succeeded', new: 1 });
    expect(await h.redis.get(PROVIDER_CATALOG_STATE_KEY)).toBeNull();
    expect((await h.syncState()).catalog_version).toBe('1');
  });
});
