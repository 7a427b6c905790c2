import { randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import { Client } from 'pg';
import { ApiClient } from './api-client';
import { TEST_ENV } from './test-env';

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function order(overrides: Record<string, unknown> = {}) {
  return { product_name: `Mug ${randomUUID().slice(0, 8)}`, amount: 12.5, ...overrides };
}

// Direct looks at the stores, to check what a user cannot see through the API: rows and cache entries.
export class OrderStores {
  readonly db = new Client({ connectionString: TEST_ENV.DATABASE_URL });
  readonly redis: Redis;

  constructor(redisUrl = TEST_ENV.REDIS_URL) {
    this.redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1, enableOfflineQueue: false });
  }

  async open(): Promise<this> {
    await this.db.connect();
    await this.redis.connect().catch(() => undefined);
    return this;
  }

  async rows(ids: string[]): Promise<Array<{ id: string; user_id: string; amount: string; request_hash: string; idempotency_key: string | null }>> {
    const { rows } = await this.db.query('SELECT id, user_id, amount::text AS amount, request_hash, idempotency_key FROM orders WHERE id = ANY($1::uuid[])', [ids]);
    return rows;
  }

  async countForUser(userId: string): Promise<number> {
    const { rows } = await this.db.query('SELECT count(*)::int AS n FROM orders WHERE user_id = $1', [userId]);
    return rows[0].n;
  }

  async close(): Promise<void> {
    await this.db.end().catch(() => undefined);
    this.redis.disconnect();
  }
}

// Posts `count` orders with `concurrency` in flight; resolves with every response's status and body.
export async function postMany(
  api: ApiClient,
  token: string,
  count: number,
  concurrency: number,
  body: (index: number) => unknown,
  onAccepted?: (accepted: number) => void,
) {
  const results: Array<{ status: number; id?: string }> = [];
  let next = 0;
  let accepted = 0;
  const worker = async () => {
    while (next < count) {
      const index = next++;
      try {
        const res = await api.post('/api/v1/orders', body(index), { token });
        results[index] = { status: res.status, id: res.body?.id };
        if (res.status === 202) onAccepted?.(++accepted);
      } catch {
        results[index] = { status: 0 };
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return results;
}
