// A deterministic, valid provider feed of N plans for benchmarks and tests: the same options give the same
// bytes on every machine. Plans are grouped 1-4 to a base_plan; plan_id is 1001, 1002, ... within each
// base_plan (so plan ids repeat across base plans, as in the real feed); zone ids are drawn from a small
// pool, so some repeat within a plan. Every base_plan is online. Local times fall between 10:00 and 00:45,
// so none is in a DST gap or overlap of Europe/Madrid.
//
// Variation: with vary_share > 0 each version changes round(plans * vary_share) plans (at least one) from
// the version before: the first zone's capacity of the plans in a window that walks round the feed.
// Version v's capacity bump of plan i is how many of the windows 1..v covered it.

export interface FeedGeneratorOptions {
  plans: number;
  seed?: number;
  varyShare?: number;
}

export interface GeneratedZone {
  zoneId: number;
  capacity: number;
  price: string;
  name: string;
  numbered: boolean;
}

export interface GeneratedPlan {
  planId: number;
  start: string; // provider-local, YYYY-MM-DDTHH:MM:SS
  end: string;
  sellFrom: string;
  sellTo: string;
  soldOut: boolean;
  zones: GeneratedZone[];
}

export interface GeneratedBasePlan {
  basePlanId: number;
  title: string;
  organizerCompanyId?: number;
  plans: GeneratedPlan[];
}

const FIRST_DAY_UTC = Date.UTC(2021, 0, 1);
const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;
const KINDS = ['Concierto', 'Festival', 'Gira', 'Tributo', 'Teatro', 'Monólogo', 'Ópera', 'Musical'];
const THEMES = ['de Flamenco', 'de Jazz', 'Sinfónico', 'Indie', 'Rock & Blues', 'de Zarzuela', 'Infantil', 'de Copla'];
const ZONE_NAMES = ['Platea', 'Grada', 'Anfiteatro', 'Palco', 'Pista', 'Preferencia'];

export const FEED_HEAD =
  '<?xml version="1.0" encoding="UTF-8"?>\n' +
  '<planList xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" version="1.0" xsi:noNamespaceSchemaLocation="planList.xsd">\n  <output>\n';
export const FEED_TAIL = '  </output>\n</planList>\n';

// mulberry32: a tiny seeded PRNG, good enough to spread test data.
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const dayStrings = new Map<number, string>();
const twoDigits = (value: number) => String(value).padStart(2, '0');

// Wall-clock arithmetic on provider-local times (whole minutes): UTC methods only format the date, no zone is
// applied. Dates are cached: formatting one per plan field dominated generating 10k plans.
function localTime(ms: number): string {
  const day = Math.floor(ms / DAY_MS);
  let date = dayStrings.get(day);
  if (date === undefined) {
    date = new Date(day * DAY_MS).toISOString().slice(0, 10);
    dayStrings.set(day, date);
  }
  const minutes = Math.floor((ms - day * DAY_MS) / MINUTE_MS);
  return `${date}T${twoDigits(Math.floor(minutes / 60))}:${twoDigits(minutes % 60)}:00`;
}

export function escapeXmlAttribute(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

export function generatePlans(options: FeedGeneratorOptions): GeneratedBasePlan[] {
  const random = prng(options.seed ?? 1);
  const pick = <T>(values: T[]): T => values[Math.floor(random() * values.length)];
  const basePlans: GeneratedBasePlan[] = [];
  let remaining = options.plans;
  while (remaining > 0) {
    const index = basePlans.length;
    const size = Math.min(remaining, 1 + Math.floor(random() * 4));
    const basePlan: GeneratedBasePlan = { basePlanId: 10_000 + index, title: `${pick(KINDS)} ${pick(THEMES)} ${index + 1}`, plans: [] };
    if (random() < 0.7) basePlan.organizerCompanyId = 1 + Math.floor(random() * 50);
    const firstDay = Math.floor(random() * 700);
    for (let j = 0; j < size; j++) {
      const day = FIRST_DAY_UTC + (firstDay + j * (1 + Math.floor(random() * 7))) * DAY_MS;
      const start = day + (10 + Math.floor(random() * 12)) * 3_600_000 + 15 * Math.floor(random() * 4) * MINUTE_MS;
      const end = start + (60 + 15 * Math.floor(random() * 9)) * MINUTE_MS;
      const zones = Array.from({ length: 1 + Math.floor(random() * 4) }, () => ({
        zoneId: 1 + Math.floor(random() * 12),
        capacity: 1 + Math.floor(random() * 500),
        price: `${5 + Math.floor(random() * 95)}.${random() < 0.5 ? '00' : '50'}`,
        name: pick(ZONE_NAMES),
        numbered: random() < 0.5,
      }));
      basePlan.plans.push({
        planId: 1001 + j,
        start: localTime(start),
        end: localTime(end),
        sellFrom: localTime(day - (30 + Math.floor(random() * 60)) * DAY_MS),
        sellTo: localTime(start - 10 * MINUTE_MS),
        soldOut: random() < 0.05,
        zones,
      });
    }
    basePlans.push(basePlan);
    remaining -= size;
  }
  return basePlans;
}

// How many plans each version changes.
export function variedCount(plans: number, varyShare = 0): number {
  if (varyShare <= 0) return 0;
  return Math.min(plans, Math.max(1, Math.round(plans * varyShare)));
}

// How much version `version` adds to the first zone's capacity of plan `index` (in document order).
export function capacityBump(index: number, version: number, varied: number, plans: number): number {
  const covered = version * varied;
  return covered > index ? Math.floor((covered - 1 - index) / plans) + 1 : 0;
}

function renderPlan(plan: GeneratedPlan, bump: number): string {
  const zones = plan.zones
    .map(
      (zone, z) =>
        `        <zone zone_id="${zone.zoneId}" capacity="${zone.capacity + (z === 0 ? bump : 0)}" price="${zone.price}" name="${zone.name}" numbered="${zone.numbered}"/>\n`,
    )
    .join('');
  return (
    `      <plan plan_start_date="${plan.start}" plan_end_date="${plan.end}" plan_id="${plan.planId}" sell_from="${plan.sellFrom}" ` +
    `sell_to="${plan.sellTo}" sold_out="${plan.soldOut}">\n${zones}      </plan>\n`
  );
}

function renderBasePlanOpen(basePlan: GeneratedBasePlan): string {
  const organizer = basePlan.organizerCompanyId === undefined ? '' : ` organizer_company_id="${basePlan.organizerCompanyId}"`;
  return `    <base_plan base_plan_id="${basePlan.basePlanId}" sell_mode="online"${organizer} title="${escapeXmlAttribute(basePlan.title)}">\n`;
}

// Generated once, then served from memory: a new version re-renders only the plans it changed and copies the
// rest as bytes.
export class GeneratedFeed {
  readonly plans: number;
  readonly varied: number;
  readonly basePlans: GeneratedBasePlan[];
  private readonly parts: Buffer[] = [Buffer.from(FEED_HEAD)];
  private readonly planParts: number[] = []; // plan index -> its slot in parts
  private readonly planData: GeneratedPlan[] = [];
  private version = 0;
  private body: Buffer;

  constructor(readonly options: FeedGeneratorOptions) {
    this.plans = options.plans;
    this.varied = variedCount(options.plans, options.varyShare);
    this.basePlans = generatePlans(options);
    const close = Buffer.from('    </base_plan>\n');
    for (const basePlan of this.basePlans) {
      this.parts.push(Buffer.from(renderBasePlanOpen(basePlan)));
      for (const plan of basePlan.plans) {
        this.planParts.push(this.parts.length);
        this.planData.push(plan);
        this.parts.push(Buffer.from(renderPlan(plan, 0)));
      }
      this.parts.push(close);
    }
    this.parts.push(Buffer.from(FEED_TAIL));
    this.body = Buffer.concat(this.parts);
  }

  // Versions only differ when plans vary; without variation every version is version 0.
  effectiveVersion(version: number): number {
    return this.varied === 0 ? 0 : version;
  }

  etagAt(version: number): string {
    const { seed = 1 } = this.options;
    return `"gen-${seed}-${this.plans}-${this.varied}-${this.effectiveVersion(version)}"`;
  }

  bodyAt(requested: number): Buffer {
    const version = this.effectiveVersion(requested);
    if (version === this.version) return this.body;
    const steps = version - this.version;
    if (steps > 0 && steps * this.varied < this.plans) {
      for (let position = this.version * this.varied; position < version * this.varied; position++) this.render(position % this.plans, version);
    } else {
      for (let index = 0; index < this.plans; index++) this.render(index, version);
    }
    this.version = version;
    this.body = Buffer.concat(this.parts);
    return this.body;
  }

  private render(index: number, version: number): void {
    this.parts[this.planParts[index]] = Buffer.from(renderPlan(this.planData[index], capacityBump(index, version, this.varied, this.plans)));
  }
}

// The whole feed of one version as a string (tests and benches; the simulator keeps a GeneratedFeed).
export function generateFeed(options: FeedGeneratorOptions, version = 0): string {
  return new GeneratedFeed(options).bodyAt(version).toString('utf8');
}
