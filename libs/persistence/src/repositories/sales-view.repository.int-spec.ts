import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { advisoryLockFilter } from '../../../../test/support/advisory-lock';
import { eventually } from '../../../../test/support/eventually';
import { insertOrders, SeedOrder, utcDay } from '../../../../test/support/seed-orders';
import { TEST_ENV } from '../../../../test/support/test-env';
import { dataSourceOptions } from '../data-source.options';
import { SALES_CACHE_FILL_LOCK_KEY, SALES_VIEW_LOCK_KEY, SalesViewRepository, SalesViewSnapshot } from './sales-view.repository';

// What the view should say, computed from the orders in plain JS: per UTC date of created_at.
function expectedDays(orders: SeedOrder[], from: string, to: string) {
  const byDay = new Map<string, { cents: number; count: number }>();
  for (const order of orders) {
    const day = new Date(order.createdAt).toISOString().slice(0, 10);
    if (day < from || day > to) continue;
    const entry = byDay.get(day) ?? { cents: 0, count: 0 };
    entry.cents += Math.round(Number(order.amount) * 100);
    entry.count += 1;
    byDay.set(day, entry);
  }
  return [...byDay.entries()]
    .sort(([a], [b]) => (a < b ? 1 : -1))
    .map(([saleDate, { cents, count }]) => ({ saleDate, totalRevenue: (cents / 100).toFixed(2), orderCount: String(count) }));
}

// The advisory locks as pg_locks shows them (this database only: other test workers hold the same keys).
const LOCK_ROWS = `SELECT granted FROM pg_locks WHERE ${advisoryLockFilter(SALES_VIEW_LOCK_KEY)}`;
const FILL_LOCK_ROWS = `SELECT granted FROM pg_locks WHERE ${advisoryLockFilter(SALES_CACHE_FILL_LOCK_KEY)}`;

describe('SalesViewRepository (Postgres)', () => {
  let dataSource: DataSource;
  let otherReplica: DataSource;
  let sut: SalesViewRepository;
  let other: SalesViewRepository;
  let locker: Client;

  // LOCK TABLE refuses materialized views; a plain (not concurrent) REFRESH in an open transaction holds the
  // view's ACCESS EXCLUSIVE lock until it ends, as a refresh run by hand would.
  async function holdViewLock(): Promise<() => Promise<void>> {
    await locker.query('BEGIN');
    await locker.query('REFRESH MATERIALIZED VIEW daily_sales_mv');
    return async () => {
      await locker.query('ROLLBACK');
    };
  }

  async function advisoryLocks(): Promise<boolean[]> {
    const { rows } = await locker.query<{ granted: boolean }>(LOCK_ROWS);
    return rows.map((row) => row.granted).sort();
  }

  beforeAll(async () => {
    dataSource = await new DataSource(dataSourceOptions(TEST_ENV.DATABASE_URL, 'int-test')).initialize();
    otherReplica = await new DataSource(dataSourceOptions(TEST_ENV.DATABASE_URL, 'int-test-replica')).initialize();
    locker = new Client({ connectionString: TEST_ENV.DATABASE_URL });
    await locker.connect();
    sut = new SalesViewRepository(dataSource);
    other = new SalesViewRepository(otherReplica);
  });

  beforeEach(async () => {
    // The view sums every order, so each test starts from none (no other spec writes orders).
    await dataSource.query(`DELETE FROM orders`);
    await dataSource.query(`UPDATE materialized_view_refreshes SET last_tick_at = NULL`);
    await sut.refresh({ wait: true, timeoutMs: 10_000 });
  });

  afterAll(async () => {
    await dataSource.query(`DELETE FROM orders`);
    await sut.refresh({ wait: true, timeoutMs: 10_000 });
    await Promise.all([dataSource.destroy(), otherReplica.destroy(), locker.end()]);
  });

  it('should sum each UTC day apart, newest first, when orders fall just before and just after midnight', async () => {
    const orders: SeedOrder[] = [
      { createdAt: `${utcDay(-1)}T23:59:59.999Z`, amount: '10.00' },
      { createdAt: `${utcDay(0)}T00:00:00.000Z`, amount: '2.50' },
      { createdAt: `${utcDay(0)}T00:00:01.000Z`, amount: '0.25' },
      { createdAt: `${utcDay(-5)}T12:00:00.000Z`, amount: '99999999.99' },
      { createdAt: `${utcDay(-5)}T12:30:00.000Z`, amount: '0.01' },
    ];
    await insertOrders(dataSource, orders);
    await sut.refresh({ wait: true, timeoutMs: 10_000 });

    const rows = await sut.dailySales(30, 2000);

    expect(rows).toEqual(expectedDays(orders, utcDay(-29), utcDay(0)));
    expect(rows.map((row) => row.saleDate)).toEqual([utcDay(0), utcDay(-1), utcDay(-5)]);
    expect(rows[0]).toEqual({ saleDate: utcDay(0), totalRevenue: '2.75', orderCount: '2' });
  });

  it('should count today and the days - 1 days before it when asked for the last N days', async () => {
    const orders: SeedOrder[] = [0, -1, -29, -30, -365, -366].map((offset) => ({ createdAt: `${utcDay(offset)}T08:00:00.000Z`, amount: '1.00' }));
    await insertOrders(dataSource, orders);
    await sut.refresh({ wait: true, timeoutMs: 10_000 });

    const days = async (n: number) => (await sut.dailySales(n, 2000)).map((row) => row.saleDate);

    expect(await days(1)).toEqual([utcDay(0)]);
    expect(await days(2)).toEqual([utcDay(0), utcDay(-1)]);
    expect(await days(30)).toEqual([utcDay(0), utcDay(-1), utcDay(-29)]);
    expect(await days(366)).toEqual([utcDay(0), utcDay(-1), utcDay(-29), utcDay(-30), utcDay(-365)]);
  });

  it('should keep answering the last refresh until the next one when new orders arrive', async () => {
    await insertOrders(dataSource, [{ createdAt: new Date(), amount: '5.00' }]);
    expect(await sut.dailySales(1, 2000)).toEqual([]);

    const outcome = await sut.refresh({ wait: true, timeoutMs: 10_000 });

    expect(outcome).toMatchObject({ status: 'refreshed', durationMs: expect.any(Number) });
    expect(await sut.dailySales(1, 2000)).toEqual([{ saleDate: utcDay(0), totalRevenue: '5.00', orderCount: '1' }]);
    expect(await sut.lastRefreshedAt(1000)).toEqual(outcome.status === 'refreshed' ? outcome.refreshedAt : null);
  });

  it('should refuse a days value outside 1..366 before it reaches SQL', async () => {
    for (const days of [0, 367, 1.5, Number.NaN]) await expect(sut.dailySales(days, 2000)).rejects.toThrow(RangeError);
  });

  it("should leave the pooled connection's own statement_timeout as it was after a read", async () => {
    const options = dataSourceOptions(TEST_ENV.DATABASE_URL, 'int-test-single');
    const single = await new DataSource({ ...options, extra: { ...(options.extra as object), max: 1 } }).initialize();
    try {
      await new SalesViewRepository(single).dailySales(30, 1234);
      expect(await single.query(`SELECT current_setting('statement_timeout') AS timeout`)).toEqual([{ timeout: '10s' }]);
    } finally {
      await single.destroy();
    }
  });

  it('should fail the read with a statement timeout within its bound when a lock on the view blocks it', async () => {
    const release = await holdViewLock();
    try {
      const started = Date.now();
      await expect(sut.dailySales(30, 300)).rejects.toMatchObject({ code: '57014' });
      expect(Date.now() - started).toBeLessThan(1500);
    } finally {
      await release();
    }
    expect(await sut.dailySales(30, 2000)).toEqual([]);
  });

  it('should fail the refresh within its bound, and free the lock, when a lock on the view blocks it', async () => {
    const release = await holdViewLock();
    try {
      const started = Date.now();
      await expect(sut.refresh({ wait: true, timeoutMs: 400 })).rejects.toMatchObject({ driverError: { code: expect.stringMatching(/^(57014|55P03)$/) } });
      expect(Date.now() - started).toBeLessThan(2000);
      expect(await advisoryLocks()).toEqual([]);
    } finally {
      await release();
    }
  });

  it('should run one refresh at a time across replicas: a try skips, a waiter starts only after the holder commits', async () => {
    const release = await holdViewLock();
    let holder: Promise<unknown> | undefined;
    let waiter: Promise<unknown> | undefined;
    try {
      // The holder takes the refresh lock, then blocks on the view until the test lets go.
      holder = sut.refresh({ wait: true, timeoutMs: 20_000 });
      await eventually(async () => expect(await advisoryLocks()).toEqual([true]));

      await expect(other.refresh({ wait: false, timeoutMs: 20_000, tickAt: new Date() })).resolves.toEqual({ status: 'skipped', reason: 'running' });
      waiter = other.refresh({ wait: true, timeoutMs: 20_000 });
      await eventually(async () => expect(await advisoryLocks()).toEqual([false, true]));
    } finally {
      await release();
    }
    const first = (await holder) as { status: string; refreshedAt: Date };
    const second = (await waiter) as { status: string; startedAt: Date };

    expect([first.status, second.status]).toEqual(['refreshed', 'refreshed']);
    expect(second.startedAt.getTime()).toBeGreaterThanOrEqual(first.refreshedAt.getTime());
    expect(await advisoryLocks()).toEqual([]);
  });

  it('should refresh a scheduler tick once however many replicas publish it, and the next tick again', async () => {
    const tick = new Date(Math.floor(Date.now() / 1000) * 1000);
    const nextTick = new Date(tick.getTime() + 1000);

    const first = await sut.refresh({ wait: false, timeoutMs: 10_000, tickAt: tick });
    const copies = await Promise.all([other.refresh({ wait: false, timeoutMs: 10_000, tickAt: tick }), sut.refresh({ wait: false, timeoutMs: 10_000, tickAt: tick })]);
    await sut.refresh({ wait: true, timeoutMs: 10_000 }); // an admin refresh in between does not serve a tick
    const late = await other.refresh({ wait: false, timeoutMs: 10_000, tickAt: tick });
    const next = await other.refresh({ wait: false, timeoutMs: 10_000, tickAt: nextTick });

    expect(first.status).toBe('refreshed');
    for (const copy of copies) expect(copy).toEqual({ status: 'skipped', reason: expect.stringMatching(/^(tick-already-served|running)$/) });
    expect(late).toEqual({ status: 'skipped', reason: 'tick-already-served' });
    expect(next.status).toBe('refreshed');
  });

  describe('the dashboard cache protocol', () => {
    async function fillLocks(): Promise<boolean[]> {
      const { rows } = await locker.query<{ granted: boolean }>(FILL_LOCK_ROWS);
      return rows.map((row) => row.granted).sort();
    }

    it("should read every row from 365 days before today on, later days too, with the last refresh's refreshed_at in microseconds", async () => {
      const orders: SeedOrder[] = [1, 0, -365, -366].map((offset) => ({ createdAt: `${utcDay(offset)}T08:00:00.000Z`, amount: '1.50' }));
      await insertOrders(dataSource, orders);
      const refreshed = await sut.refresh({ wait: true, timeoutMs: 10_000 });
      const fill = jest.fn().mockResolvedValue(undefined);

      const snapshot = await sut.readForCache(2000, fill);

      expect(snapshot.today).toBe(utcDay(0));
      expect(snapshot.rows.map((row) => row.saleDate)).toEqual([utcDay(1), utcDay(0), utcDay(-365)]);
      const [{ micros }] = await dataSource.query<Array<{ micros: string }>>(
        `SELECT (extract(epoch FROM refreshed_at) * 1000000)::bigint::text AS micros FROM materialized_view_refreshes WHERE view_name = 'daily_sales_mv'`,
      );
      expect(snapshot.version).toBe(micros);
      expect(Math.floor(Number(micros) / 1000)).toBe(refreshed.status === 'refreshed' ? refreshed.refreshedAt.getTime() : -1);
      expect(fill).toHaveBeenCalledWith(snapshot);
    });

    it('should answer without filling while a refresh is committing (the fill lock taken)', async () => {
      await locker.query('BEGIN');
      await locker.query('SELECT pg_advisory_xact_lock($1)', [SALES_CACHE_FILL_LOCK_KEY]);
      const fill = jest.fn().mockResolvedValue(undefined);
      try {
        const snapshot = await sut.readForCache(2000, fill);
        expect(snapshot.rows).toEqual([]);
      } finally {
        await locker.query('ROLLBACK');
      }
      expect(fill).not.toHaveBeenCalled();
    });

    it("should hold a refresh's commit, and its fence, until a fill under way has written", async () => {
      const order: string[] = [];
      let releaseFill!: () => void;
      const fillBlocked = new Promise<void>((resolve) => (releaseFill = resolve));
      const filling = sut.readForCache(10_000, async () => {
        order.push('fill started');
        await fillBlocked;
        order.push('fill written');
      });
      await eventually(() => expect(order).toEqual(['fill started']));
      const refreshing = other.refresh({
        wait: true,
        timeoutMs: 10_000,
        beforeCommit: async (snapshot: SalesViewSnapshot) => {
          order.push(`fence at ${snapshot.version}`);
        },
      });
      // The refresh is waiting for the fill lock the fill holds shared.
      await eventually(async () => expect(await fillLocks()).toEqual([false, true]));
      expect(order).toEqual(['fill started']);

      releaseFill();
      const [, refreshed] = await Promise.all([filling, refreshing]);

      expect(refreshed).toMatchObject({ status: 'refreshed', snapshot: { today: utcDay(0) } });
      expect(order).toEqual(['fill started', 'fill written', `fence at ${(refreshed as { snapshot: SalesViewSnapshot }).snapshot.version}`]);
      expect(await fillLocks()).toEqual([]);
    });
  });
});
