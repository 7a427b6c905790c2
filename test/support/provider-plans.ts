import { createHash } from 'node:crypto';
import { providerEventId } from '../../libs/contracts/src/provider/provider-event.view';

export interface SeedProviderPlan {
  basePlanId: string;
  planId: string;
  title?: string;
  // Provider-local wall-clock times, 'YYYY-MM-DDTHH:MM:SS', read in `zone` (default Europe/Madrid) by Postgres.
  start: string;
  end: string;
  zone?: string;
  sellMode?: string;
  everOnline?: boolean;
  minPrice?: string;
  maxPrice?: string;
}

interface Queryable {
  query(sql: string, parameters?: unknown[]): Promise<unknown>;
}

// Rows of provider_plans as the sync would leave them, written with SQL (the tests own no entity for them).
export async function insertProviderPlans(db: Queryable, plans: SeedProviderPlan[]): Promise<string[]> {
  const ids: string[] = [];
  for (const plan of plans) {
    const id = providerEventId(plan.basePlanId, plan.planId);
    ids.push(id);
    const minPrice = plan.minPrice ?? '10.00';
    const zones = [{ zone_id: '1', capacity: 10, price: minPrice, name: 'Zone', numbered: false }];
    await db.query(
      `INSERT INTO provider_plans (id, base_plan_id, plan_id, title, sell_mode, ever_online, starts_at, ends_at, start_local, end_local,
                                   zones, min_price, max_price, content_hash, snapshot_at, first_seen_at, last_seen_at, changed_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7::timestamp AT TIME ZONE $9, $8::timestamp AT TIME ZONE $9, $7::timestamp, $8::timestamp,
               $10::jsonb, $11, $12, $13, now(), now(), now(), now())`,
      [
        id,
        plan.basePlanId,
        plan.planId,
        plan.title ?? `Plan ${plan.basePlanId}:${plan.planId}`,
        plan.sellMode ?? 'online',
        plan.everOnline ?? (plan.sellMode ?? 'online') === 'online',
        plan.start,
        plan.end,
        plan.zone ?? 'Europe/Madrid',
        JSON.stringify(zones),
        minPrice,
        plan.maxPrice ?? minPrice,
        createHash('sha256').update(id).digest('hex'),
      ],
    );
  }
  return ids;
}

// The catalog's state as the scheduler leaves it after a sync.
export async function setCatalogState(db: Queryable, state: { version: number | string; syncedAt: Date | null }): Promise<void> {
  await db.query(`UPDATE provider_sync_state SET catalog_version = $1, last_synced_at = $2 WHERE provider = 'default'`, [String(state.version), state.syncedAt]);
}

export async function clearProviderCatalog(db: Queryable): Promise<void> {
  await db.query(`DELETE FROM provider_plans`);
  await setCatalogState(db, { version: 0, syncedAt: null });
}
