import { DataSource } from 'typeorm';
import { TEST_ENV } from '../../../../test/support/test-env';
import { dataSourceOptions } from '../data-source.options';
import { ProviderSyncLockRepository } from './provider-sync-lock.repository';
import { ProviderSyncRunsRepository } from './provider-sync-runs.repository';
import { ProviderSyncStateRepository } from './provider-sync-state.repository';

const T0 = new Date('2026-12-01T10:00:00.000Z');
const later = (seconds: number) => new Date(T0.getTime() + seconds * 1000);

describe('provider sync repositories (Postgres)', () => {
  let dataSource: DataSource;
  let otherReplica: DataSource;
  let runs: ProviderSyncRunsRepository;
  let states: ProviderSyncStateRepository;

  beforeAll(async () => {
    dataSource = await new DataSource(dataSourceOptions(TEST_ENV.DATABASE_URL, 'int-test-sync-repos')).initialize();
    otherReplica = await new DataSource(dataSourceOptions(TEST_ENV.DATABASE_URL, 'int-test-sync-repos-2')).initialize();
    runs = new ProviderSyncRunsRepository(dataSource);
    states = new ProviderSyncStateRepository(dataSource);
  });

  beforeEach(async () => {
    await dataSource.query(`DELETE FROM provider_sync_runs`);
    await dataSource.query(
      `UPDATE provider_sync_state SET etag = NULL, last_modified = NULL, content_hash = NULL, plan_count = 0, snapshot_at = NULL,
              last_synced_at = NULL, last_changed_at = NULL, catalog_version = 0, breaker = NULL WHERE provider = 'default'`,
    );
  });

  afterAll(async () => {
    await Promise.all([dataSource.destroy(), otherReplica.destroy()]);
  });

  describe('ProviderSyncStateRepository', () => {
    const snapshot = { etag: '"v1"', lastModified: 'Tue, 01 Dec 2026 09:00:00 GMT', contentHash: 'a'.repeat(64), planCount: 10, snapshotAt: T0 };

    it('should move the catalog version and last_changed_at only when the snapshot changed something', async () => {
      const changed = await states.recordApplied(dataSource.manager, { ...snapshot, syncedAt: later(1), catalogChanged: true });
      const same = await states.recordApplied(dataSource.manager, { ...snapshot, contentHash: 'b'.repeat(64), syncedAt: later(2), catalogChanged: false });

      expect(changed).toEqual({ catalogVersion: '1', lastSyncedAt: later(1) });
      expect(same).toEqual({ catalogVersion: '1', lastSyncedAt: later(2) });
      expect(await states.read()).toMatchObject({ contentHash: 'b'.repeat(64), planCount: 10, lastChangedAt: later(1), lastSyncedAt: later(2), etag: '"v1"' });
    });

    it('should never move snapshot_at back when an older snapshot is applied late', async () => {
      await states.recordApplied(dataSource.manager, { ...snapshot, snapshotAt: later(60), syncedAt: later(61), catalogChanged: true });
      await states.recordApplied(dataSource.manager, { ...snapshot, snapshotAt: later(30), syncedAt: later(62), catalogChanged: false });

      expect((await states.read()).snapshotAt).toEqual(later(60));
    });

    it('should touch only the freshness (and validators it is given) when the feed is unchanged', async () => {
      await states.recordApplied(dataSource.manager, { ...snapshot, syncedAt: later(1), catalogChanged: true });
      const before = await states.read();

      await states.recordUnchanged(dataSource.manager, { syncedAt: later(5) });
      const unchanged = await states.read();
      await states.recordUnchanged(dataSource.manager, { syncedAt: later(6), etag: '"v1b"' });

      expect(unchanged).toEqual({ ...before, lastSyncedAt: later(5) });
      expect(await states.read()).toEqual({ ...before, lastSyncedAt: later(6), etag: '"v1b"' });
    });

    it('should keep the breaker state as saved, for any replica to load', async () => {
      const saved = { ownState: { value: 1, openedAt: T0.getTime(), attemptNo: 1 }, breakerState: 3 };

      await states.saveBreaker(dataSource.manager, saved);

      expect(await new ProviderSyncStateRepository(otherReplica).loadBreaker()).toEqual(saved);
    });
  });

  describe('ProviderSyncRunsRepository', () => {
    it('should finish a running run once, and list runs newest first within the limit', async () => {
      const first = await runs.insertRunning(dataSource.manager, { trigger: 'startup', startedAt: T0 });
      const finished = await runs.finish(dataSource.manager, first.id, { status: 'succeeded', finishedAt: later(1), new: 3, invalid: 1, details: { plans: 3 } });
      const again = await runs.finish(dataSource.manager, first.id, { status: 'failed', finishedAt: later(2), error: 'late' });
      const second = await runs.insertSkipped(dataSource.manager, { trigger: 'schedule', startedAt: later(10), error: 'skipped: open', details: {} });
      const third = await runs.insertRunning(dataSource.manager, { trigger: 'admin', startedAt: later(20) });

      expect(finished).toMatchObject({ status: 'succeeded', finishedAt: later(1), new: 3, changed: 0, unchanged: 0, invalid: 1, error: null, details: { plans: 3 } });
      expect(again).toBeNull();
      expect((await runs.listNewest(2)).map((run) => run.id)).toEqual([third.id, second.id]);
      expect(second).toMatchObject({ status: 'skipped', finishedAt: later(10) });
      expect((await runs.findRunning())?.id).toBe(third.id);
    });

    it('should mark every running run abandoned and leave finished ones alone', async () => {
      const dead = await runs.insertRunning(dataSource.manager, { trigger: 'schedule', startedAt: T0 });
      const done = await runs.insertSkipped(dataSource.manager, { trigger: 'schedule', startedAt: later(1), error: 'skipped', details: {} });

      const marked = await runs.markAbandoned(dataSource.manager, later(2), 'abandoned');

      expect(marked).toEqual([dead.id]);
      expect(await runs.findById(dead.id)).toMatchObject({ status: 'failed', finishedAt: later(2), error: 'abandoned' });
      expect(await runs.findById(done.id)).toMatchObject({ status: 'skipped', error: 'skipped' });
      expect(await runs.findRunning()).toBeNull();
    });
  });

  describe('ProviderSyncLockRepository', () => {
    it('should let one session hold the lock across replicas until it is released', async () => {
      const mine = new ProviderSyncLockRepository(dataSource);
      const theirs = new ProviderSyncLockRepository(otherReplica);

      const lease = await mine.tryAcquire();
      expect(lease).not.toBeNull();
      expect(await theirs.tryAcquire()).toBeNull();
      expect(await mine.tryAcquire()).toBeNull(); // another connection of the same process is another session
      await lease!.release();
      const next = await theirs.tryAcquire();

      expect(next).not.toBeNull();
      await next!.release();
    });

    it('should roll the lease transaction back when its work throws, and commit it when it resolves', async () => {
      const lease = (await new ProviderSyncLockRepository(dataSource).tryAcquire())!;
      try {
        await expect(
          lease.transaction(async (manager) => {
            await runs.insertRunning(manager, { trigger: 'admin', startedAt: T0 });
            throw new Error('processing failed');
          }),
        ).rejects.toThrow('processing failed');
        const kept = await lease.transaction((manager) => runs.insertRunning(manager, { trigger: 'admin', startedAt: later(1) }));

        expect((await runs.listNewest(10)).map((run) => run.id)).toEqual([kept.id]);
      } finally {
        await lease.release();
      }
    });
  });
});
