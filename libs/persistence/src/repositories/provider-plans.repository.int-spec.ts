import { createHash } from 'node:crypto';
import { DataSource } from 'typeorm';
import { providerEventId } from '@app/contracts';
import { countRowWrites } from '../../../../test/support/row-writes';
import { TEST_ENV } from '../../../../test/support/test-env';
import { dataSourceOptions } from '../data-source.options';
import { ProviderPlanEntity, ProviderZone } from '../entities/provider-plan.entity';
import { ProviderPlansRepository, ProviderPlanUpsert } from './provider-plans.repository';

const T1 = new Date('2026-12-01T10:00:00Z');
const T2 = new Date('2026-12-01T10:05:00Z');
const T3 = new Date('2026-12-01T10:10:00Z');
const zone = (overrides: Partial<ProviderZone> = {}): ProviderZone => ({ zone_id: '40', name: 'Platea', price: '20.00', capacity: 243, numbered: true, ...overrides });

function plan(overrides: Partial<Omit<ProviderPlanUpsert, 'contentHash'>> = {}): ProviderPlanUpsert {
  const content: Omit<ProviderPlanUpsert, 'contentHash'> = {
    basePlanId: '291',
    planId: '291',
    title: 'Camela en concierto',
    sellMode: 'online',
    organizerCompanyId: null,
    startsAt: new Date('2021-06-30T19:00:00Z'),
    endsAt: new Date('2021-06-30T20:00:00Z'),
    startLocal: '2021-06-30T21:00:00',
    endLocal: '2021-06-30T22:00:00',
    sellFrom: null,
    sellTo: new Date('2021-06-30T18:00:00Z'),
    soldOut: false,
    zones: [zone()],
    ...overrides,
  };
  return { ...content, contentHash: createHash('sha256').update(JSON.stringify(content)).digest('hex') };
}

describe('ProviderPlansRepository (Postgres)', () => {
  let dataSource: DataSource;
  const sut = new ProviderPlansRepository();

  beforeAll(async () => {
    dataSource = await new DataSource(dataSourceOptions(TEST_ENV.DATABASE_URL, 'int-test')).initialize();
  });
  beforeEach(() => dataSource.query('DELETE FROM provider_plans'));
  afterAll(async () => {
    await dataSource.query('DELETE FROM provider_plans');
    await dataSource.destroy();
  });

  const upsert = (plans: ProviderPlanUpsert[], snapshotAt: Date) => dataSource.transaction((tx) => sut.upsertBatch(tx, plans, snapshotAt));
  const stored = (basePlanId = '291', planId = '291') => dataSource.getRepository(ProviderPlanEntity).findOneByOrFail({ basePlanId, planId });
  const count = async () => (await dataSource.query<Array<{ n: number }>>('SELECT count(*)::int AS n FROM provider_plans'))[0].n;

  it('should insert a new plan with its id, price range, zones and times when it is first seen', async () => {
    const zones = [
      zone({ zone_id: '186', price: '75.00', capacity: 2 }),
      zone({ zone_id: '186', price: '65.00', capacity: 16, numbered: false }),
      zone({ price: '100.50' }),
    ];

    expect(await upsert([plan({ zones, organizerCompanyId: '1' })], T1)).toEqual({ new: 1, changed: 0, unchanged: 0 });

    const row = await stored();
    expect(row).toEqual(
      expect.objectContaining({ id: providerEventId('291', '291'), title: 'Camela en concierto', sellMode: 'online', everOnline: true, organizerCompanyId: '1' }),
    );
    expect(row).toEqual(expect.objectContaining({ zones, minPrice: '65.00', maxPrice: '100.50', soldOut: false, sellFrom: null }));
    expect([row.startsAt, row.endsAt, row.sellTo]).toEqual([new Date('2021-06-30T19:00:00Z'), new Date('2021-06-30T20:00:00Z'), new Date('2021-06-30T18:00:00Z')]);
    expect([row.firstSeenAt, row.lastSeenAt, row.changedAt, row.snapshotAt]).toEqual([T1, T1, T1, T1]);
    const [local] = await dataSource.query(
      `SELECT to_char(start_local, 'YYYY-MM-DD"T"HH24:MI:SS') AS s, to_char(end_local, 'YYYY-MM-DD"T"HH24:MI:SS') AS e FROM provider_plans`,
    );
    expect(local).toEqual({ s: '2021-06-30T21:00:00', e: '2021-06-30T22:00:00' });
  });

  it('should keep plans apart when the same plan_id belongs to different base plans', async () => {
    expect(await upsert([plan({ basePlanId: '322', planId: '1642' }), plan({ basePlanId: '1591', planId: '1642' })], T1)).toEqual({ new: 2, changed: 0, unchanged: 0 });

    expect((await stored('322', '1642')).id).not.toBe((await stored('1591', '1642')).id);
    expect(await count()).toBe(2);
  });

  it('should write no row when the same snapshot is applied again, and one per plan (last_seen_at) when a newer snapshot holds the same content', async () => {
    const plans = [plan(), plan({ planId: '292' })];
    await upsert(plans, T1);

    const replay = await countRowWrites(dataSource, 'provider_plans', (tx) => sut.upsertBatch(tx, plans, T1));
    const newer = await countRowWrites(dataSource, 'provider_plans', (tx) => sut.upsertBatch(tx, plans, T2));

    expect(replay).toEqual({ result: { new: 0, changed: 0, unchanged: 2 }, writes: 0 });
    // The measure itself: a newer snapshot moves last_seen_at, a write per plan.
    expect(newer).toEqual({ result: { new: 0, changed: 0, unchanged: 2 }, writes: 2 });
  });

  it('should move last_seen_at but keep first_seen_at and changed_at when a newer snapshot holds the same content', async () => {
    await upsert([plan()], T1);

    expect(await upsert([plan()], T2)).toEqual({ new: 0, changed: 0, unchanged: 1 });

    expect(await stored()).toEqual(expect.objectContaining({ firstSeenAt: T1, lastSeenAt: T2, changedAt: T1, snapshotAt: T2 }));
  });

  it('should replace the zones, the price range and changed_at when a newer snapshot changes the plan', async () => {
    await upsert([plan({ zones: [zone({ price: '10.00' }), zone({ zone_id: '41', price: '90.00' }), zone({ zone_id: '42', price: '50.00' })] })], T1);
    const zones = [zone({ zone_id: '41', price: '35.00', capacity: 0 })];

    expect(await upsert([plan({ zones, endsAt: new Date('2021-06-30T20:30:00Z'), endLocal: '2021-06-30T22:30:00' })], T2)).toEqual({ new: 0, changed: 1, unchanged: 0 });

    expect(await stored()).toEqual(
      expect.objectContaining({ zones, minPrice: '35.00', maxPrice: '35.00', endsAt: new Date('2021-06-30T20:30:00Z'), firstSeenAt: T1, lastSeenAt: T2, changedAt: T2 }),
    );
  });

  it('should change nothing when an older snapshot is processed after a newer one', async () => {
    await upsert([plan({ zones: [zone({ capacity: 5 })] })], T2);

    expect(await upsert([plan({ zones: [zone({ capacity: 99 })], title: 'Old title' })], T1)).toEqual({ new: 0, changed: 0, unchanged: 1 });

    expect(await stored()).toEqual(
      expect.objectContaining({ title: 'Camela en concierto', zones: [zone({ capacity: 5 })], lastSeenAt: T2, changedAt: T2, snapshotAt: T2 }),
    );
  });

  it('should keep ever_online when a plan turns offline, and never set it for a plan only seen offline', async () => {
    await upsert([plan(), plan({ planId: 'offline-only', sellMode: 'offline' })], T1);

    expect(await upsert([plan({ sellMode: 'offline' }), plan({ planId: 'offline-only', sellMode: 'offline' })], T2)).toEqual({ new: 0, changed: 1, unchanged: 1 });
    await upsert([plan({ sellMode: 'offline', soldOut: true })], T3);

    expect(await stored()).toEqual(expect.objectContaining({ sellMode: 'offline', everOnline: true, soldOut: true }));
    expect(await stored('291', 'offline-only')).toEqual(expect.objectContaining({ sellMode: 'offline', everOnline: false }));
  });

  it('should keep a plan, as last seen, when a later snapshot no longer lists it', async () => {
    await upsert([plan(), plan({ planId: 'gone' })], T1);

    await upsert([plan()], T2);

    expect(await count()).toBe(2);
    expect(await stored('291', 'gone')).toEqual(expect.objectContaining({ firstSeenAt: T1, lastSeenAt: T1, everOnline: true }));
  });

  it('should store the last occurrence when a key repeats within one batch', async () => {
    expect(await upsert([plan({ title: 'First' }), plan({ planId: 'other' }), plan({ title: 'Last' })], T1)).toEqual({ new: 2, changed: 0, unchanged: 0 });

    expect((await stored()).title).toBe('Last');
  });

  it('should let a later batch of the same snapshot rewrite a plan when it repeats a key with other content', async () => {
    await upsert([plan({ title: 'Earlier batch' })], T1);

    expect(await upsert([plan({ title: 'Later batch' })], T1)).toEqual({ new: 0, changed: 1, unchanged: 0 });

    expect((await stored()).title).toBe('Later batch');
  });

  it('should send one statement for a batch of 1000 plans, and none for an empty batch', async () => {
    const plans = Array.from({ length: 1000 }, (_, i) => plan({ planId: `p${i}`, zones: [zone({ price: `${i}.00` }), zone({ zone_id: '2' })] }));

    const statements = await dataSource.transaction(async (tx) => {
      const query = jest.spyOn(tx.queryRunner!, 'query');
      const counts = await sut.upsertBatch(tx, plans, T1);
      await sut.upsertBatch(tx, [], T1);
      expect(counts).toEqual({ new: 1000, changed: 0, unchanged: 0 });
      return query.mock.calls.length;
    });

    expect(statements).toBe(1);
    expect(await count()).toBe(1000);
    expect(await stored('291', 'p999')).toEqual(expect.objectContaining({ minPrice: '20.00', maxPrice: '999.00' }));
  });

  it('should leave the table as it was when the caller rolls the transaction back', async () => {
    await upsert([plan()], T1);

    await expect(
      dataSource.transaction(async (tx) => {
        await sut.upsertBatch(tx, [plan({ title: 'Rolled back' }), plan({ planId: 'new' })], T2);
        throw new Error('suspicious snapshot');
      }),
    ).rejects.toThrow('suspicious snapshot');

    expect(await count()).toBe(1);
    expect(await stored()).toEqual(expect.objectContaining({ title: 'Camela en concierto', lastSeenAt: T1 }));
  });
});
