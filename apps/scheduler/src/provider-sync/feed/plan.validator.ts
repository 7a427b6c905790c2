import { createHash } from 'node:crypto';
import type { ProviderPlanUpsert, ProviderZone } from '@app/persistence';
import { MAX_ZONES_PER_PLAN, RawAttributes, RawPlan } from './provider-feed.parser';
import { ProviderLocalTimeReader } from './provider-local-time.util';

export type PlanValidation = { ok: true; plan: ProviderPlanUpsert } | { ok: false; reason: string };

// Ids end up in the key and in the name of the event's UUID (`${base_plan_id}:${plan_id}`), so no ':' (which
// would let "1:2"+"3" and "1"+"2:3" share an id) and nothing a column of 64 characters cannot hold.
const ID = /^[A-Za-z0-9_.-]+$/;
const MAX_ID = 64;
const MAX_TITLE = 500;
const MAX_ZONE_NAME = 200;
const SELL_MODE = /^[a-z][a-z0-9_-]{0,31}$/;
// At most 9 integer digits and 2 decimals: fits numeric(14, 2) and compares exactly in cents.
const PRICE = /^(\d+)(?:\.(\d+))?$/;
const MAX_PRICE_DIGITS = 9;
const MAX_CAPACITY = 1_000_000_000;
const BOOLEANS: Record<string, boolean> = { true: true, false: false, '1': true, '0': false }; // xsd:boolean

class Invalid extends Error {}
const invalid = (field: string, problem: string) => new Invalid(`${field}: ${problem}`);

// Checks and normalises one plan on its own, so a bad plan is skipped (with a reason of low cardinality:
// the field and the problem, never the value) and the rest of the feed still applies.
export class PlanValidator {
  private readonly clock: ProviderLocalTimeReader;

  constructor(zone: string) {
    this.clock = new ProviderLocalTimeReader(zone);
  }

  validate(raw: RawPlan): PlanValidation {
    try {
      return { ok: true, plan: this.normalise(raw) };
    } catch (error) {
      if (error instanceof Invalid) return { ok: false, reason: error.message };
      throw error;
    }
  }

  private normalise({ basePlan, plan, zones, zonesDropped }: RawPlan): ProviderPlanUpsert {
    const basePlanId = id(basePlan, 'base_plan_id');
    const sellMode = required(basePlan, 'sell_mode').trim().toLowerCase();
    if (!SELL_MODE.test(sellMode)) throw invalid('sell_mode', 'not a sell mode');
    const title = text(basePlan, 'title', MAX_TITLE);
    const organizerCompanyId = basePlan.organizer_company_id === undefined ? null : id(basePlan, 'organizer_company_id');
    const planId = id(plan, 'plan_id');
    const start = this.time(plan, 'plan_start_date');
    const end = this.time(plan, 'plan_end_date');
    if (end.instant < start.instant) throw invalid('plan_end_date', 'before plan_start_date');
    const sellFrom = plan.sell_from === undefined ? null : this.time(plan, 'sell_from').instant;
    const sellTo = plan.sell_to === undefined ? null : this.time(plan, 'sell_to').instant;
    const soldOut = plan.sold_out === undefined ? false : boolean(plan, 'sold_out');
    if (zones.length === 0) throw invalid('zones', 'none (a plan needs a price)');
    if (zonesDropped > 0) throw invalid('zones', `more than ${MAX_ZONES_PER_PLAN}`);
    const normalised: Omit<ProviderPlanUpsert, 'contentHash'> = {
      basePlanId,
      planId,
      title,
      sellMode,
      organizerCompanyId,
      startsAt: start.instant,
      endsAt: end.instant,
      startLocal: start.local,
      endLocal: end.local,
      sellFrom,
      sellTo,
      soldOut,
      zones: zones.map(zoneOf),
    };
    return { ...normalised, contentHash: contentHash(normalised) };
  }

  private time(attributes: RawAttributes, name: string): { instant: Date; local: string } {
    const read = this.clock.read(required(attributes, name));
    if (!read.ok) throw invalid(name, read.problem);
    return read;
  }
}

function zoneOf(attributes: RawAttributes): ProviderZone {
  return {
    zone_id: id(attributes, 'zone_id', 'zone.zone_id'),
    name: text(attributes, 'name', MAX_ZONE_NAME, 'zone.name'),
    price: price(attributes),
    capacity: capacity(attributes),
    numbered: boolean(attributes, 'numbered', 'zone.numbered'),
  };
}

function required(attributes: RawAttributes, name: string, field = name): string {
  const value = attributes[name];
  if (value === undefined) throw invalid(field, 'missing');
  return value;
}

function id(attributes: RawAttributes, name: string, field = name): string {
  const value = required(attributes, name, field);
  if (value.length === 0) throw invalid(field, 'empty');
  if (value.length > MAX_ID) throw invalid(field, `longer than ${MAX_ID} characters`);
  if (!ID.test(value)) throw invalid(field, 'not an id (letters, digits, _ . -)');
  return value;
}

function text(attributes: RawAttributes, name: string, max: number, field = name): string {
  const value = required(attributes, name, field).trim();
  if (value.length === 0) throw invalid(field, 'empty');
  if (value.length > max) throw invalid(field, `longer than ${max} characters`);
  return value;
}

function boolean(attributes: RawAttributes, name: string, field = name): boolean {
  const value = BOOLEANS[required(attributes, name, field).trim()];
  if (value === undefined) throw invalid(field, 'not a boolean');
  return value;
}

// "20" and "020.5" are stored as "20.00" and "20.50".
function price(attributes: RawAttributes): string {
  const value = required(attributes, 'price', 'zone.price').trim();
  if (value.startsWith('-') && PRICE.test(value.slice(1))) throw invalid('zone.price', 'negative');
  const match = PRICE.exec(value);
  if (!match) throw invalid('zone.price', 'not a decimal');
  const [, units, fraction = ''] = match;
  if (fraction.length > 2) throw invalid('zone.price', 'more than 2 decimals');
  const integer = units.replace(/^0+(?=\d)/, '');
  if (integer.length > MAX_PRICE_DIGITS) throw invalid('zone.price', `above ${'9'.repeat(MAX_PRICE_DIGITS)}.99`);
  return `${integer}.${fraction.padEnd(2, '0')}`;
}

function capacity(attributes: RawAttributes): number {
  const value = required(attributes, 'capacity', 'zone.capacity').trim();
  if (/^-\d+$/.test(value)) throw invalid('zone.capacity', 'negative');
  if (!/^\d+$/.test(value)) throw invalid('zone.capacity', 'not an integer');
  const count = Number(value);
  if (count > MAX_CAPACITY) throw invalid('zone.capacity', `above ${MAX_CAPACITY}`);
  return count;
}

// sha256 over the normalised fields in a fixed order (an array, so no key-order question): equal content,
// equal hash, whatever the attribute order or number formatting in the feed.
function contentHash(plan: Omit<ProviderPlanUpsert, 'contentHash'>): string {
  const fields = [
    plan.basePlanId,
    plan.planId,
    plan.title,
    plan.sellMode,
    plan.organizerCompanyId,
    plan.startLocal,
    plan.endLocal,
    plan.startsAt.toISOString(),
    plan.endsAt.toISOString(),
    plan.sellFrom?.toISOString() ?? null,
    plan.sellTo?.toISOString() ?? null,
    plan.soldOut,
    plan.zones.map((zone) => [zone.zone_id, zone.name, zone.price, zone.capacity, zone.numbered]),
  ];
  return createHash('sha256').update(JSON.stringify(fields)).digest('hex');
}
