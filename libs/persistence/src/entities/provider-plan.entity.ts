import { Column, Entity, PrimaryColumn } from 'typeorm';

// One zone of a provider plan, as stored in provider_plans.zones (in feed order; zone_id can repeat).
export interface ProviderZone {
  zone_id: string;
  name: string;
  price: string; // exact decimal with 2 places, e.g. "20.00"
  capacity: number;
  numbered: boolean;
}

// A plan of the provider catalog, keyed by (base_plan_id, plan_id). Written only by the provider sync.
@Entity({ name: 'provider_plans' })
export class ProviderPlanEntity {
  @PrimaryColumn('uuid') id: string; // providerEventId(base_plan_id, plan_id)
  @Column('varchar', { name: 'base_plan_id', length: 64 }) basePlanId: string;
  @Column('varchar', { name: 'plan_id', length: 64 }) planId: string;
  @Column('text') title: string;
  @Column('varchar', { name: 'sell_mode', length: 32 }) sellMode: string;
  @Column('boolean', { name: 'ever_online' }) everOnline: boolean;
  @Column('varchar', { name: 'organizer_company_id', length: 64, nullable: true }) organizerCompanyId: string | null;
  @Column('timestamptz', { name: 'starts_at' }) startsAt: Date;
  @Column('timestamptz', { name: 'ends_at' }) endsAt: Date;
  // Wall-clock times in PROVIDER_TIMEZONE. pg hands a `timestamp` back as a Date in the process's zone, so read
  // them with to_char in SQL (or through the Date's local fields), never through toISOString.
  @Column('timestamp', { name: 'start_local' }) startLocal: Date;
  @Column('timestamp', { name: 'end_local' }) endLocal: Date;
  @Column('timestamptz', { name: 'sell_from', nullable: true }) sellFrom: Date | null;
  @Column('timestamptz', { name: 'sell_to', nullable: true }) sellTo: Date | null;
  @Column('boolean', { name: 'sold_out' }) soldOut: boolean;
  @Column('jsonb') zones: ProviderZone[];
  // numeric comes back from pg as a string ("12.50"): exact.
  @Column('numeric', { name: 'min_price', precision: 14, scale: 2 }) minPrice: string;
  @Column('numeric', { name: 'max_price', precision: 14, scale: 2 }) maxPrice: string;
  @Column('varchar', { name: 'content_hash', length: 64 }) contentHash: string;
  @Column('timestamptz', { name: 'snapshot_at' }) snapshotAt: Date;
  @Column('timestamptz', { name: 'first_seen_at' }) firstSeenAt: Date;
  @Column('timestamptz', { name: 'last_seen_at' }) lastSeenAt: Date;
  @Column('timestamptz', { name: 'changed_at' }) changedAt: Date;
}
