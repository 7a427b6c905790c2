import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { providerEventId } from '@app/contracts';
import type { ProviderZone } from '../entities/provider-plan.entity';

// One validated plan of a provider snapshot, normalised by the sync (its content_hash covers every field here).
export interface ProviderPlanUpsert {
  basePlanId: string;
  planId: string;
  title: string;
  sellMode: string;
  organizerCompanyId: string | null;
  startsAt: Date;
  endsAt: Date;
  startLocal: string; // YYYY-MM-DDTHH:MM:SS in PROVIDER_TIMEZONE
  endLocal: string;
  sellFrom: Date | null;
  sellTo: Date | null;
  soldOut: boolean;
  zones: ProviderZone[]; // at least one
  contentHash: string;
}

export interface ProviderUpsertCounts {
  new: number;
  changed: number;
  unchanged: number;
}

// The batch travels as one jsonb parameter, so the statement has two parameters whatever the batch size.
// On a conflict the row is rewritten only for a strictly newer snapshot, or for the same snapshot with other
// content (a key repeated across batches of one feed: the later occurrence wins). An older snapshot processed
// late never overwrites newer data, and a replay of the snapshot already applied writes no row at all.
const UPSERT_SQL = `
  INSERT INTO provider_plans AS p (id, base_plan_id, plan_id, title, sell_mode, ever_online, organizer_company_id,
    starts_at, ends_at, start_local, end_local, sell_from, sell_to, sold_out, zones, min_price, max_price,
    content_hash, snapshot_at, first_seen_at, last_seen_at, changed_at)
  SELECT r.id, r.base_plan_id, r.plan_id, r.title, r.sell_mode, r.sell_mode = 'online', r.organizer_company_id,
    r.starts_at, r.ends_at, r.start_local, r.end_local, r.sell_from, r.sell_to, r.sold_out, r.zones, r.min_price,
    r.max_price, r.content_hash, $2::timestamptz, $2::timestamptz, $2::timestamptz, $2::timestamptz
  FROM jsonb_to_recordset($1::jsonb) AS r(id uuid, base_plan_id varchar, plan_id varchar, title text,
    sell_mode varchar, organizer_company_id varchar, starts_at timestamptz, ends_at timestamptz,
    start_local timestamp, end_local timestamp, sell_from timestamptz, sell_to timestamptz, sold_out boolean,
    zones jsonb, min_price numeric, max_price numeric, content_hash varchar)
  ON CONFLICT (base_plan_id, plan_id) DO UPDATE SET
    title = EXCLUDED.title,
    sell_mode = EXCLUDED.sell_mode,
    ever_online = p.ever_online OR EXCLUDED.ever_online,
    organizer_company_id = EXCLUDED.organizer_company_id,
    starts_at = EXCLUDED.starts_at,
    ends_at = EXCLUDED.ends_at,
    start_local = EXCLUDED.start_local,
    end_local = EXCLUDED.end_local,
    sell_from = EXCLUDED.sell_from,
    sell_to = EXCLUDED.sell_to,
    sold_out = EXCLUDED.sold_out,
    zones = EXCLUDED.zones,
    min_price = EXCLUDED.min_price,
    max_price = EXCLUDED.max_price,
    content_hash = EXCLUDED.content_hash,
    snapshot_at = EXCLUDED.snapshot_at,
    last_seen_at = EXCLUDED.last_seen_at,
    changed_at = CASE WHEN p.content_hash = EXCLUDED.content_hash THEN p.changed_at ELSE EXCLUDED.changed_at END
  WHERE p.snapshot_at < EXCLUDED.snapshot_at
     OR (p.snapshot_at = EXCLUDED.snapshot_at AND p.content_hash <> EXCLUDED.content_hash)
  RETURNING p.xmax = 0 AS inserted, p.changed_at = $2::timestamptz AS changed`;

@Injectable()
export class ProviderPlansRepository {
  // One statement for the batch, inside the caller's transaction. Postgres refuses to touch a row twice in one
  // INSERT ... ON CONFLICT, so a key repeated within the batch is sent once: its last occurrence in the feed wins.
  // new = inserted; changed = rewritten with another content_hash; unchanged = the rest of the distinct plans
  // (same content, or held at a newer snapshot already).
  async upsertBatch(manager: EntityManager, plans: ProviderPlanUpsert[], snapshotAt: Date): Promise<ProviderUpsertCounts> {
    const distinct = lastOccurrences(plans);
    if (distinct.length === 0) return { new: 0, changed: 0, unchanged: 0 };
    const rows = await manager.query<Array<{ inserted: boolean; changed: boolean }>>(UPSERT_SQL, [JSON.stringify(distinct.map(toRecord)), snapshotAt]);
    const inserted = rows.filter((row) => row.inserted).length;
    const changed = rows.filter((row) => !row.inserted && row.changed).length;
    return { new: inserted, changed, unchanged: distinct.length - inserted - changed };
  }
}

function lastOccurrences(plans: ProviderPlanUpsert[]): ProviderPlanUpsert[] {
  const byKey = new Map<string, ProviderPlanUpsert>();
  for (const plan of plans) {
    const key = `${plan.basePlanId}\u0000${plan.planId}`;
    byKey.delete(key); // keep the last occurrence, in its own position
    byKey.set(key, plan);
  }
  return [...byKey.values()];
}

function toRecord(plan: ProviderPlanUpsert) {
  const { min, max } = priceRange(plan.zones);
  return {
    id: providerEventId(plan.basePlanId, plan.planId),
    base_plan_id: plan.basePlanId,
    plan_id: plan.planId,
    title: plan.title,
    sell_mode: plan.sellMode,
    organizer_company_id: plan.organizerCompanyId,
    starts_at: plan.startsAt.toISOString(),
    ends_at: plan.endsAt.toISOString(),
    start_local: plan.startLocal,
    end_local: plan.endLocal,
    sell_from: plan.sellFrom?.toISOString() ?? null,
    sell_to: plan.sellTo?.toISOString() ?? null,
    sold_out: plan.soldOut,
    zones: plan.zones,
    min_price: min,
    max_price: max,
    content_hash: plan.contentHash,
  };
}

// Compared in cents, exactly: prices are decimal strings with at most 2 places.
function priceRange(zones: ProviderZone[]): { min: string; max: string } {
  if (zones.length === 0) throw new Error('a provider plan needs at least one zone for its price range');
  const cents = (price: string) => {
    const [units, fraction = ''] = price.split('.');
    return Number(units) * 100 + Number(fraction.padEnd(2, '0'));
  };
  let min = zones[0].price;
  let max = zones[0].price;
  for (const { price } of zones) {
    if (cents(price) < cents(min)) min = price;
    if (cents(price) > cents(max)) max = price;
  }
  return { min, max };
}
