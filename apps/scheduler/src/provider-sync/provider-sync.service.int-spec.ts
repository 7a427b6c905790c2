import { PROVIDER_SYNC_LOCK_KEY } from '@app/persistence';
import { advisoryLockFilter } from '../../../../test/support/advisory-lock';
import { eventually } from '../../../../test/support/eventually';
import { FEED_V1, HARNESS_COOLDOWN_MS, useSyncHarness } from '../../../../test/support/provider-sync-harness';

// Two replicas (two DataSources, so two sets of Postgres sessions) and admin calls, against real Postgres and
// Redis and a local provider: the lock, abandoned runs, the shared breaker and the status.
describe('ProviderSyncService (Postgres, Redis, a local provider)', () => {
  const h = useSyncHarness();

  it('should run exactly one sync when two replicas tick and an admin calls at once, and give the admin the running id', async () => {
    for (let round = 0; round < 5; round++) {
      h.processor.hold();
      const calls = h.processor.calls;

      const [tickA, tickB, admin] = await Promise.all([h.a.service.begin('schedule'), h.b.service.begin('schedule'), h.b.service.start('admin')]);

      const running = (await h.runRows()).filter((row) => row.status === 'running');
      expect(running).toHaveLength(1);
      expect(admin).toEqual({ id: running[0].id, status: 'running', started_at: expect.any(String) });
      const winners = [tickA, tickB].filter((tick) => tick.outcome === 'started');
      expect(winners.length).toBeLessThanOrEqual(1);
      if (winners.length === 0) expect(running[0].trigger).toBe('admin');
      // A second admin call while it runs gets the same id.
      expect((await h.a.service.start('admin')).id).toBe(running[0].id);

      h.processor.release();
      await eventually(async () => expect((await h.runRows()).find((row) => row.id === running[0].id)?.status).toBe('succeeded'));
      expect(h.processor.calls - calls).toBeLessThanOrEqual(1);
      h.respond((_req, res) => res.writeHead(200).end(`${FEED_V1}<!-- round ${round} -->`));
    }
    expect(await h.runRows()).toHaveLength(5);
  });

  it('should mark the run of a sync whose process died as abandoned, its lock gone with its connection', async () => {
    const doomed = await h.replica('sync-replica-doomed');
    h.processor.hold();
    const begun = await doomed.service.begin('schedule');
    if (begun.outcome !== 'started') throw new Error('the doomed replica should have taken the lock');
    expect(await h.a.service.run('schedule')).toBeNull(); // the lock is held

    // The process "dies": Postgres loses its connection, and the lock with it.
    const { rowCount } = await h.db.query(`SELECT pg_terminate_backend(pid) FROM pg_locks WHERE ${advisoryLockFilter(PROVIDER_SYNC_LOCK_KEY)} AND granted`);
    expect(rowCount).toBe(1);
    h.processor.release();
    const next = await eventually(async () => {
      const run = await h.a.service.run('schedule');
      expect(run).not.toBeNull();
      return run!;
    });

    expect(next.status).toBe('succeeded');
    expect(await h.runRows()).toEqual([
      { id: begun.run.id, status: 'failed', trigger: 'schedule', error: 'abandoned: the scheduler running this sync stopped before it finished' },
      { id: next.id, status: 'succeeded', trigger: 'schedule', error: null },
    ]);
    await begun.done.catch(() => undefined);
  });

  it('should open the circuit on consecutive failed syncs across replicas, keep it through a restart, skip while open and close after a good trial', async () => {
    h.respond((_req, res) => res.writeHead(503).end());

    const first = await h.a.service.run('schedule');
    const second = await h.b.service.run('schedule');
    expect([first?.status, second?.status]).toEqual(['failed', 'failed']);
    expect(first?.error).toBe('the provider answered HTTP 503 Service Unavailable (2 attempts)');
    expect((await h.a.service.status()).circuit).toBe('open');

    // A replica started afresh reads the same open circuit, and skips without calling the provider.
    const restarted = await h.replica('sync-replica-restarted');
    const hitsBefore = h.hits();
    const skipped = await restarted.service.run('schedule');
    expect(skipped).toMatchObject({
      status: 'skipped',
      error: expect.stringMatching(/^skipped: the circuit is open after 2 consecutive failed syncs; it half-opens at /),
    });
    expect(await h.a.service.start('admin')).toMatchObject({ status: 'skipped' });
    expect(h.hits()).toBe(hitsBefore);

    // After the cool-down it reads half_open; a failed trial re-opens it ...
    await eventually(async () => expect((await h.b.service.status()).circuit).toBe('half_open'), 3 * HARNESS_COOLDOWN_MS);
    expect(await h.b.service.run('schedule')).toMatchObject({ status: 'failed' });
    expect((await restarted.service.status()).circuit).toBe('open');

    // ... and a good one closes it.
    h.respond((_req, res) => res.writeHead(200).end(FEED_V1));
    await eventually(async () => expect((await h.a.service.status()).circuit).toBe('half_open'), 3 * HARNESS_COOLDOWN_MS);
    expect(await h.a.service.run('schedule')).toMatchObject({ status: 'succeeded', new: 1 });
    expect((await h.b.service.status()).circuit).toBe('closed');
  });

  it('should report the circuit, the last sync and the newest runs first, in the contract shape', async () => {
    await h.a.service.run('startup');
    h.respond((_req, res) => res.writeHead(404).end());
    await h.b.service.run('schedule');

    const status = await h.a.service.status();

    const run = { id: expect.any(String), started_at: expect.any(String), finished_at: expect.any(String), changed: 0, unchanged: 0, invalid: 0 };
    expect(status).toEqual({
      circuit: 'closed',
      last_synced_at: (await h.syncState()).last_synced_at!.toISOString(),
      runs: [
        { ...run, status: 'failed', new: 0, error: 'the provider answered HTTP 404 Not Found' },
        { ...run, status: 'succeeded', new: 1, error: null },
      ],
    });
    expect(Date.parse(status.runs[0].started_at)).toBeGreaterThanOrEqual(Date.parse(status.runs[1].finished_at!));
  });
});
