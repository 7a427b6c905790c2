import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import type { OrderPlacement } from '@app/contracts';
import { TEST_ENV } from '../../../../test/support/test-env';
import { dataSourceOptions } from '../data-source.options';
import { withStatementTimeout } from '../statement-timeout.util';
import { OrdersRepository } from './orders.repository';

const placement = (userId: string, overrides: Partial<OrderPlacement> = {}): OrderPlacement => ({
  id: randomUUID(),
  user_id: userId,
  product_name: 'Int-spec widget',
  amount: '12.50',
  currency: 'EUR',
  plan_id: null,
  idempotency_key: null,
  request_hash: 'b'.repeat(64),
  created_at: new Date().toISOString(),
  ...overrides,
});

describe('OrdersRepository (Postgres)', () => {
  let dataSource: DataSource;
  let sut: OrdersRepository;
  const timeout = 3000;

  beforeAll(async () => {
    dataSource = await new DataSource(dataSourceOptions(TEST_ENV.DATABASE_URL, 'int-test')).initialize();
    sut = new OrdersRepository(dataSource);
  });
  afterAll(() => dataSource.destroy());

  const insert = (orders: OrderPlacement[]) => dataSource.transaction((tx) => sut.insertMany(tx, orders));

  it('should insert a batch in one statement and return exactly the ids it inserted when some are already stored', async () => {
    const userId = randomUUID();
    const first = [placement(userId), placement(userId)];
    const again = [first[1], placement(userId)];

    expect(await insert(first)).toEqual(new Set(first.map((order) => order.id)));
    expect(await insert(again)).toEqual(new Set([again[1].id]));

    const { total } = await sut.list({ ownerId: userId, page: 1, pageSize: 10, sortBy: 'created_at', order: 'desc' }, timeout);
    expect(total).toBe(3);
  });

  it('should store an order once when the same id is twice in one batch', async () => {
    const userId = randomUUID();
    const order = placement(userId);

    expect(await insert([order, { ...order }])).toEqual(new Set([order.id]));
    expect((await sut.list({ ownerId: userId, page: 1, pageSize: 10, sortBy: 'created_at', order: 'desc' }, timeout)).total).toBe(1);
  });

  it('should keep the exact amount and the gateway time when an order is read back', async () => {
    const userId = randomUUID();
    const order = placement(userId, { amount: '999999999999.99', created_at: '2024-02-29T23:59:59.123Z', plan_id: 'plan-x', idempotency_key: 'k-1' });
    await insert([order]);

    const stored = await sut.findById(order.id, timeout);

    expect(stored).toEqual(
      expect.objectContaining({ id: order.id, userId, amount: '999999999999.99', currency: 'EUR', planId: 'plan-x', idempotencyKey: 'k-1', requestHash: 'b'.repeat(64) }),
    );
    expect(stored!.createdAt.toISOString()).toBe('2024-02-29T23:59:59.123Z');
  });

  it("should page one owner's orders by amount then id, and every owner's when no owner is given", async () => {
    const userId = randomUUID();
    const orders = ['3.00', '1.00', '2.00'].map((amount) => placement(userId, { amount }));
    await insert(orders);

    const page = await sut.list({ ownerId: userId, page: 1, pageSize: 2, sortBy: 'amount', order: 'asc' }, timeout);
    const everyone = await sut.list({ page: 1, pageSize: 1, sortBy: 'created_at', order: 'desc' }, timeout);

    expect(page.items.map((order) => order.amount)).toEqual(['1.00', '2.00']);
    expect(page.total).toBe(3);
    expect(everyone.total).toBeGreaterThan(3);
  });

  it('should find orders by words of their product name, within one owner when given', async () => {
    const userId = randomUUID();
    const word = `zq${randomUUID().slice(0, 8)}`;
    const mine = [placement(userId, { product_name: `${word} blue mug` }), placement(userId, { product_name: `red ${word} mug` })];
    const others = placement(randomUUID(), { product_name: `${word} mug` });
    await insert([...mine, others]);

    expect((await sut.search({ q: `${word} mug`, ownerId: userId, page: 1, pageSize: 10, sortBy: 'created_at', order: 'asc' }, timeout)).total).toBe(2);
    expect((await sut.search({ q: `${word} -blue`, page: 1, pageSize: 10, sortBy: 'created_at', order: 'asc' }, timeout)).total).toBe(2);
    expect((await sut.search({ q: `"mug ${word}"`, page: 1, pageSize: 10, sortBy: 'created_at', order: 'asc' }, timeout)).ids).toEqual([]);
  });

  it('should cancel a statement with SQLSTATE 57014 when it runs past the timeout', async () => {
    await expect(withStatementTimeout(dataSource, 50, (manager) => manager.query('SELECT pg_sleep(1)'))).rejects.toMatchObject({ driverError: { code: '57014' } });
  });
});
