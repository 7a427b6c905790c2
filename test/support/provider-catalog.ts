import Redis from 'ioredis';
import { Client } from 'pg';
import { PROVIDER_CATALOG_STATE_KEY, providerEventId, ProviderEventView, ProviderSyncStatusReply, SyncRunView } from '@app/contracts';
import { ApiClient, ApiResponse } from './api-client';
import { eventually } from './eventually';

// The provider sync from scratch, before a scheduler boots: no plans, no runs, no validators or content hash,
// a closed circuit and no catalog state in Redis.
export async function resetProviderSync(db: Client, redis: Redis): Promise<void> {
  await db.query(`DELETE FROM provider_plans`);
  await db.query(`DELETE FROM provider_sync_runs`);
  await db.query(
    `UPDATE provider_sync_state SET etag = NULL, last_modified = NULL, content_hash = NULL, plan_count = 0, snapshot_at = NULL,
            last_synced_at = NULL, last_changed_at = NULL, catalog_version = 0, breaker = NULL WHERE provider = 'default'`,
  );
  await redis.del(PROVIDER_CATALOG_STATE_KEY);
}

// One event as GET /events/search must answer it for a plan of the simulator's fixtures (Madrid wall-clock times).
export function feedEvent(basePlanId: string, planId: string, title: string, start: string, end: string, minPrice: number, maxPrice: number): ProviderEventView {
  return {
    id: providerEventId(basePlanId, planId),
    title,
    start_date: start.slice(0, 10),
    start_time: start.slice(11),
    end_date: end.slice(0, 10),
    end_time: end.slice(11),
    min_price: minPrice,
    max_price: maxPrice,
  };
}

export type RunCounts = Pick<SyncRunView, 'status' | 'new' | 'changed' | 'unchanged' | 'invalid'>;

export const countsOf = (run: SyncRunView): RunCounts => ({
  status: run.status,
  new: run.new,
  changed: run.changed,
  unchanged: run.unchanged,
  invalid: run.invalid,
});

export const eventsOf = (response: ApiResponse): ProviderEventView[] => response.body.data.events;

// Drives the provider sync the way an operator does (the gateway's admin routes) and reads the catalog the way a
// client does (GET /events/search), waiting on conditions, never on time.
export class CatalogDriver {
  constructor(
    private readonly api: ApiClient,
    private readonly adminToken: string,
    private readonly db: Client,
  ) {}

  async status(): Promise<ProviderSyncStatusReply> {
    const response = await this.api.get<ProviderSyncStatusReply>('/api/v1/admin/sync/status', { token: this.adminToken });
    if (response.status !== 200) throw new Error(`GET /admin/sync/status: ${response.status} ${response.text}`);
    return response.body;
  }

  // POST /admin/sync: the 202's body.
  async start(): Promise<{ id: string; status: string; started_at: string }> {
    const response = await this.api.post('/api/v1/admin/sync', undefined, { token: this.adminToken });
    if (response.status !== 202) throw new Error(`POST /admin/sync: ${response.status} ${response.text}`);
    return response.body;
  }

  // The run once it is over, as GET /admin/sync/status shows it.
  finished(id: string, timeoutMs = 10_000): Promise<SyncRunView> {
    return eventually(
      async () => {
        const run = (await this.status()).runs.find((candidate) => candidate.id === id);
        expect(run?.status ?? 'absent').not.toMatch(/^(running|absent)$/);
        return run!;
      },
      timeoutMs,
      50,
    );
  }

  // A sync through the admin route, waited for; after a successful one, until the gateway serves its catalog.
  async sync(timeoutMs?: number): Promise<SyncRunView> {
    const run = await this.finished((await this.start()).id, timeoutMs);
    if (run.status === 'succeeded') await this.served(run.finished_at!);
    return run;
  }

  // Until GET /events/search says the catalog was synced at `syncedAt` (the gateway learns it within about 1 s).
  served(syncedAt: string): Promise<ApiResponse> {
    return eventually(
      async () => {
        const response = await this.search('');
        expect(response.headers.get('x-data-synced-at')).toBe(syncedAt);
        return response;
      },
      5000,
      50,
    );
  }

  search(query: string, path = '/api/v1/events/search'): Promise<ApiResponse> {
    return this.api.get(`${path}${query ? `?${query}` : ''}`);
  }

  // Changes with any insert, update or delete of provider_plans (an updated row gets a new xmin; a rolled-back
  // write leaves the old one), so "the same before and after" means zero rows written.
  async fingerprint(): Promise<string> {
    const { rows } = await this.db.query<{ rows: string }>(`SELECT coalesce(string_agg(id || ':' || xmin::text, ',' ORDER BY id), '') AS rows FROM provider_plans`);
    return rows[0].rows;
  }

  // How the run's fetch ended, from its stored details ('applied', 'not_modified' or 'same_content').
  async feedOutcome(id: string): Promise<string | undefined> {
    const { rows } = await this.db.query<{ feed?: string }>(`SELECT details->>'feed' AS feed FROM provider_sync_runs WHERE id = $1`, [id]);
    return rows[0]?.feed;
  }
}
