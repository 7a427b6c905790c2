import { createHash, randomUUID } from 'node:crypto';

// Orders written straight into Postgres, as core's order consumer will store them; the dashboard's tests need
// rows, not the write path.
export interface SeedOrder {
  createdAt: string | Date;
  amount: string; // numeric(14,2), e.g. "12.50"
  userId?: string;
}

interface Queryable {
  query(sql: string, params?: unknown[]): Promise<unknown>;
}

export async function insertOrders(db: Queryable, orders: SeedOrder[]): Promise<void> {
  if (orders.length === 0) return;
  const rows = orders.map((order) => {
    const id = randomUUID();
    return {
      id,
      user_id: order.userId ?? randomUUID(),
      amount: order.amount,
      created_at: new Date(order.createdAt).toISOString(),
      request_hash: createHash('sha256').update(id).digest('hex'),
    };
  });
  await db.query(
    `INSERT INTO orders (id, user_id, product_name, amount, currency, request_hash, created_at)
     SELECT r.id, r.user_id, 'dashboard test order', r.amount, 'USD', r.request_hash, r.created_at
       FROM jsonb_to_recordset($1::jsonb) AS r(id uuid, user_id uuid, amount numeric, request_hash text, created_at timestamptz)`,
    [JSON.stringify(rows)],
  );
}

// Bulk orders for load: `count` orders spread evenly over the `days` UTC days ending today, in one statement.
export async function seedOrders(db: Queryable, count: number, days: number): Promise<void> {
  await db.query(
    `INSERT INTO orders (id, user_id, product_name, amount, currency, request_hash, created_at)
     SELECT gen_random_uuid(), '00000000-0000-4000-8000-000000000001', 'seeded order', ((i % 10000) + 1) / 100.0, 'USD',
            md5(i::text) || md5(i::text),
            date_trunc('day', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' - ((i % $2) || ' days')::interval + ((i % 86400) || ' seconds')::interval
       FROM generate_series(1, $1) AS i`,
    [count, days],
  );
}

// Today's UTC date shifted by `offset` days, as YYYY-MM-DD.
export function utcDay(offset = 0): string {
  const now = new Date();
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + offset)).toISOString().slice(0, 10);
}
