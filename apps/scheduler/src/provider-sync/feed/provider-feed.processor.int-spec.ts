import { Test } from '@nestjs/testing';
import { DataSource } from 'typeorm';
import { dataSourceOptions, PersistenceModule, ProviderPlanEntity, ProviderPlansRepository } from '@app/persistence';
import { basePlanXml, chunked, feedXml, generatedFeed, planXml, sampleFeed, zoneXml } from '../../../../../test/support/provider-feed-builder';
import { countRowWrites } from '../../../../../test/support/row-writes';
import { TEST_ENV } from '../../../../../test/support/test-env';
import { loadSchedulerConfig } from '../../config/scheduler.config';
import { FeedProcessor, FeedSnapshot, MalformedFeedError, SuspiciousSnapshotError } from '../feed-processor.port';
import { FeedModule } from './feed.module';
import { ProviderFeedProcessor } from './provider-feed.processor';

const T1 = new Date('2026-12-01T10:00:00Z');
const T2 = new Date('2026-12-01T10:05:00Z');
const T3 = new Date('2026-12-01T10:10:00Z');

describe('ProviderFeedProcessor (Postgres)', () => {
  let dataSource: DataSource;
  let repository: ProviderPlansRepository;
  const config = (env: Record<string, string> = {}) => loadSchedulerConfig({ ...TEST_ENV, ...env });
  const makeSut = (env: Record<string, string> = {}) => new ProviderFeedProcessor(config(env), repository);
  const processIn = (sut: ProviderFeedProcessor, body: FeedSnapshot['body'], snapshotAt: Date, previousPlanCount = 0) =>
    dataSource.transaction((manager) => sut.process({ body, snapshotAt, previousPlanCount, manager }));
  const keys = async () =>
    (await dataSource.getRepository(ProviderPlanEntity).find({ order: { basePlanId: 'ASC', planId: 'ASC' } })).map(
      (row) => `${row.basePlanId}/${row.planId} ${row.sellMode}${row.everOnline ? ' ever-online' : ''}`,
    );
  const stored = (basePlanId: string, planId: string) => dataSource.getRepository(ProviderPlanEntity).findOneByOrFail({ basePlanId, planId });

  beforeAll(async () => {
    dataSource = await new DataSource(dataSourceOptions(TEST_ENV.DATABASE_URL, 'int-test')).initialize();
    repository = new ProviderPlansRepository();
  });
  beforeEach(() => dataSource.query('DELETE FROM provider_plans'));
  afterAll(async () => {
    await dataSource.query('DELETE FROM provider_plans');
    await dataSource.destroy();
  });

  it('should store the valid plans of the sample, each key apart and every zone kept, and skip the impossible date', async () => {
    const outcome = await processIn(makeSut(), chunked(sampleFeed(), 100), T1);

    expect(outcome).toEqual({ plans: 4, new: 4, changed: 0, unchanged: 0, invalid: 1, invalidReasons: { 'plan_start_date: not a calendar date': 1 } });
    expect(await keys()).toEqual(['1591/1642 online ever-online', '291/291 online ever-online', '322/1642 online ever-online', '322/1643 online ever-online']);
    expect(await stored('1591', '1642')).toEqual(
      expect.objectContaining({
        zones: [
          { zone_id: '186', name: 'Amfiteatre', price: '75.00', capacity: 2, numbered: true },
          { zone_id: '186', name: 'Amfiteatre', price: '65.00', capacity: 16, numbered: false },
        ],
        minPrice: '65.00',
        maxPrice: '75.00',
        startsAt: new Date('2021-07-31T18:00:00Z'),
      }),
    );
  });

  it('should count every plan unchanged and write no row when the same snapshot is processed again', async () => {
    await processIn(makeSut(), chunked(sampleFeed(), 1000), T1);

    const repeat = await countRowWrites(dataSource, 'provider_plans', (manager) =>
      makeSut().process({ body: chunked(sampleFeed(), 1000), snapshotAt: T1, previousPlanCount: 4, manager }),
    );

    expect(repeat.writes).toBe(0);
    expect(repeat.result).toEqual(expect.objectContaining({ plans: 4, new: 0, changed: 0, unchanged: 4 }));
  });

  it('should keep serving data for a plan that turns offline or disappears, and change nothing for an older snapshot', async () => {
    const feed = (sellMode: string, plans: string[]) => chunked(feedXml([basePlanXml({ base_plan_id: 'b', sell_mode: sellMode }, plans)]), 64);
    await processIn(makeSut(), feed('online', [planXml({ plan_id: 'stays' }), planXml({ plan_id: 'vanishes' })]), T1);

    expect(await processIn(makeSut(), feed('offline', [planXml({ plan_id: 'stays' })]), T2, 2)).toEqual(expect.objectContaining({ new: 0, changed: 1 }));
    expect(await processIn(makeSut(), feed('online', [planXml({ plan_id: 'stays' }, [zoneXml({ capacity: '1' })])]), T1, 1)).toEqual(
      expect.objectContaining({ new: 0, changed: 0, unchanged: 1 }),
    );

    expect(await keys()).toEqual(['b/stays offline ever-online', 'b/vanishes online ever-online']);
    expect(await stored('b', 'vanishes')).toEqual(expect.objectContaining({ firstSeenAt: T1, lastSeenAt: T1 }));
    expect(await stored('b', 'stays')).toEqual(
      expect.objectContaining({ firstSeenAt: T1, lastSeenAt: T2, changedAt: T2, zones: [expect.objectContaining({ capacity: 10 })] }),
    );
  });

  it('should change nothing when a sharply shrunken snapshot is refused after its batches were written', async () => {
    await processIn(makeSut(), chunked(sampleFeed(), 1000), T1);
    const shrunk = feedXml([basePlanXml({ base_plan_id: '291', title: 'Renamed' }, [planXml({ plan_id: '291' })])]);

    await expect(processIn(makeSut({ PROVIDER_BATCH_SIZE: '1' }), chunked(shrunk, 64), T2, 4)).rejects.toBeInstanceOf(SuspiciousSnapshotError);

    expect((await stored('291', '291')).title).toBe('Camela en concierto');
    expect((await stored('291', '291')).lastSeenAt).toEqual(T1);
  });

  it('should change nothing when the feed breaks off after a first batch was written', async () => {
    const truncated = sampleFeed().slice(0, sampleFeed().indexOf('<base_plan base_plan_id="1591"') + 40);

    await expect(processIn(makeSut({ PROVIDER_BATCH_SIZE: '1' }), chunked(truncated, 64), T1)).rejects.toBeInstanceOf(MalformedFeedError);

    expect(await keys()).toEqual([]);
  });

  it('should sync a 10k-plan feed in one statement per batch with a bounded read-ahead, then cost no writes on a repeat', async () => {
    const sut = makeSut({ PROVIDER_BATCH_SIZE: '1000' });
    // Every tenth base plan (three plans each) is offline: base plans 0, 10, ..., 3330 of 3334, 1002 plans.
    const online = (basePlan: number) => basePlan % 10 !== 0;
    const feed = generatedFeed(10_000, 0, online);
    const producedAtBatch: number[] = [];
    const heapAtBatch: number[] = [];
    const upsert = jest.spyOn(repository, 'upsertBatch');
    upsert.mockImplementation(async function (this: ProviderPlansRepository, ...args) {
      producedAtBatch.push(feed.produced());
      heapAtBatch.push(process.memoryUsage().heapUsed);
      return ProviderPlansRepository.prototype.upsertBatch.apply(this, args);
    });
    const heapBefore = process.memoryUsage().heapUsed;
    const started = performance.now();
    const cpuBefore = process.cpuUsage();

    const { outcome, statements } = await dataSource.transaction(async (manager) => {
      const query = jest.spyOn(manager.queryRunner!, 'query');
      const result = await sut.process({ body: feed.body, snapshotAt: T1, previousPlanCount: 0, manager });
      return { outcome: result, statements: query.mock.calls.length };
    });
    const elapsed = performance.now() - started;
    const cpu = process.cpuUsage(cpuBefore);
    upsert.mockRestore();

    expect(outcome).toEqual({ plans: 10_000, new: 10_000, changed: 0, unchanged: 0, invalid: 0, invalidReasons: {} });
    expect(statements).toBe(10);
    producedAtBatch.forEach((produced, k) => expect(produced).toBeLessThanOrEqual((k + 1) * 1000 + 20));
    const [everOnline] = await dataSource.query(
      `SELECT count(*) FILTER (WHERE ever_online)::int AS yes, count(*) FILTER (WHERE NOT ever_online)::int AS no FROM provider_plans`,
    );
    expect(everOnline).toEqual({ yes: 8998, no: 1002 });

    const replay = await countRowWrites(dataSource, 'provider_plans', (manager) =>
      sut.process({ body: generatedFeed(10_000, 0, online).body, snapshotAt: T1, previousPlanCount: 10_000, manager }),
    );
    const changed = await countRowWrites(dataSource, 'provider_plans', (manager) =>
      sut.process({ body: generatedFeed(10_000, 1, online).body, snapshotAt: T3, previousPlanCount: 10_000, manager }),
    );
    expect(replay).toEqual({ result: expect.objectContaining({ new: 0, changed: 0, unchanged: 10_000 }), writes: 0 });
    expect(changed).toEqual({ result: expect.objectContaining({ new: 0, changed: 10_000, unchanged: 0 }), writes: 10_000 });

    // Timing is printed, not asserted: this machine is shared (the bench records the figures). The bounds above
    // (statements, read-ahead, writes) are what must hold.
    const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);
    console.log(
      `10k-plan feed: ${elapsed.toFixed(0)} ms (scheduler CPU ${((cpu.user + cpu.system) / 1000).toFixed(0)} ms), ${statements} statements; ` +
        `heap ${mb(heapBefore)} MB before, at most ${mb(Math.max(...heapAtBatch))} MB at a batch; ` +
        `replay of the same snapshot: ${replay.writes} row writes; a changed snapshot: ${changed.writes}`,
    );
  });

  it('should provide the processor through FeedModule with the repository of PersistenceModule', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [PersistenceModule.forRoot(TEST_ENV.DATABASE_URL, 'int-test-feed-module'), FeedModule.forRoot(config({ PROVIDER_BATCH_SIZE: '2' }))],
    }).compile();
    try {
      const sut = moduleRef.get(FeedProcessor);
      expect(sut).toBeInstanceOf(ProviderFeedProcessor);

      const outcome = await moduleRef
        .get(DataSource)
        .transaction((manager) => sut.process({ body: chunked(sampleFeed(), 512), snapshotAt: T1, previousPlanCount: 0, manager }));

      expect(outcome).toEqual(expect.objectContaining({ plans: 4, new: 4 }));
    } finally {
      await moduleRef.close();
    }
  });
});
