import { DateTime } from 'luxon';
import { parseFeed, ParsedFeed } from '../../../../test/support/feed-xml';
import { capacityBump, GeneratedFeed, generateFeed, generatePlans, variedCount } from './feed-generator.util';

const LOCAL = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/;

// A provider-local time that exists exactly once in Europe/Madrid (a real date, not in a DST gap or overlap).
function unambiguousLocal(value: string): boolean {
  if (!LOCAL.test(value)) return false;
  const local = DateTime.fromISO(value, { zone: 'Europe/Madrid' });
  const hour = Number(value.slice(11, 13));
  return local.isValid && local.toFormat("yyyy-MM-dd'T'HH:mm:ss") === value && hour !== 2;
}

function firstZoneCapacities(feed: ParsedFeed): number[] {
  return feed.basePlans.flatMap((basePlan) => basePlan.plans.map((plan) => Number(plan.zones[0].capacity)));
}

describe('generateFeed', () => {
  const options = { plans: 2000, seed: 7 };
  const feed = parseFeed(generateFeed(options));

  it('should hold exactly the number of plans asked for, in well-formed XML', () => {
    expect(feed.hasOutput).toBe(true);
    expect(feed.plans).toBe(2000);
    expect(parseFeed(generateFeed({ plans: 1 })).plans).toBe(1);
  });

  it('should give every plan valid attributes: real local dates in order, positive capacities and prices', () => {
    const problems: string[] = [];
    const check = (ok: boolean, what: string) => ok || problems.push(what);
    for (const basePlan of feed.basePlans) {
      const { base_plan_id: id, sell_mode: sellMode, title } = basePlan.attributes;
      check(/^\d+$/.test(id) && sellMode === 'online' && Boolean(title), `base_plan ${id}`);
      for (const { attributes: plan, zones } of basePlan.plans) {
        const key = `${id}:${plan.plan_id}`;
        for (const field of ['plan_start_date', 'plan_end_date', 'sell_from', 'sell_to']) check(unambiguousLocal(plan[field]), `${key} ${field}`);
        check(plan.plan_start_date < plan.plan_end_date, `${key} ends before it starts`);
        check(plan.sell_from <= plan.sell_to && plan.sell_to <= plan.plan_start_date, `${key} sale window`);
        check(['true', 'false'].includes(plan.sold_out), `${key} sold_out`);
        check(zones.length > 0, `${key} has no zones`);
        for (const zone of zones) {
          check(Number(zone.capacity) > 0 && /^\d+\.\d{2}$/.test(zone.price) && Number(zone.price) > 0, `${key} zone ${zone.zone_id}`);
          check(['true', 'false'].includes(zone.numbered), `${key} zone numbered`);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it('should key plans by base plan and plan id, with plan ids and zone ids repeating as in the real feed', () => {
    const keys = feed.basePlans.flatMap((basePlan) => basePlan.plans.map((plan) => `${basePlan.attributes.base_plan_id}:${plan.attributes.plan_id}`));
    expect(new Set(keys).size).toBe(2000);
    const planIds = feed.basePlans.flatMap((basePlan) => basePlan.plans.map((plan) => plan.attributes.plan_id));
    expect(new Set(planIds).size).toBeLessThan(10);
    const repeatedZone = feed.basePlans.some((basePlan) => basePlan.plans.some((plan) => new Set(plan.zones.map((zone) => zone.zone_id)).size < plan.zones.length));
    expect(repeatedZone).toBe(true);
    const sizes = new Set(feed.basePlans.map((basePlan) => basePlan.plans.length));
    expect(sizes.has(1) && [...sizes].some((size) => size > 1)).toBe(true);
  });

  it('should escape titles so the XML stays well-formed', () => {
    expect(feed.basePlans.some((basePlan) => basePlan.attributes.title.includes('Rock & Blues'))).toBe(true);
  });

  it('should give the same bytes for the same options and other bytes for another seed', () => {
    expect(generateFeed(options)).toBe(generateFeed(options));
    expect(generateFeed({ ...options, seed: 8 })).not.toBe(generateFeed(options));
  });
});

describe('capacityBump', () => {
  it('should count how many of the windows 1..version covered the plan', () => {
    for (const [plans, varied] of [
      [10, 3],
      [7, 7],
      [5, 2],
    ]) {
      for (let version = 0; version <= 12; version++) {
        for (let index = 0; index < plans; index++) {
          let covered = 0;
          for (let position = 0; position < version * varied; position++) if (position % plans === index) covered += 1;
          expect(capacityBump(index, version, varied, plans)).toBe(covered);
        }
      }
    }
  });
});

describe('GeneratedFeed', () => {
  it('should change exactly the varied share of plans from one version to the next', () => {
    const sut = new GeneratedFeed({ plans: 500, seed: 3, varyShare: 0.1 });
    expect(sut.varied).toBe(50);
    let previous = firstZoneCapacities(parseFeed(sut.bodyAt(0)));
    for (let version = 1; version <= 12; version++) {
      const current = firstZoneCapacities(parseFeed(sut.bodyAt(version)));
      expect(current.filter((capacity, index) => capacity !== previous[index])).toHaveLength(50);
      previous = current;
    }
  });

  it('should render any version, forwards, backwards or skipping, as the formula says', () => {
    const options = { plans: 300, seed: 5, varyShare: 0.2 };
    const base = generatePlans(options).flatMap((basePlan) => basePlan.plans.map((plan) => plan.zones[0].capacity));
    const sut = new GeneratedFeed(options);
    for (const version of [0, 1, 2, 3, 9, 4, 0, 30]) {
      const expected = base.map((capacity, index) => capacity + capacityBump(index, version, 60, 300));
      expect(firstZoneCapacities(parseFeed(sut.bodyAt(version)))).toEqual(expected);
      expect(sut.bodyAt(version).toString('utf8')).toBe(generateFeed(options, version));
    }
  });

  it('should serve the cached body for the same version and one version for all when nothing varies', () => {
    const varying = new GeneratedFeed({ plans: 10_000, varyShare: 0.01 });
    expect(varying.bodyAt(2)).toBe(varying.bodyAt(2));
    expect(parseFeed(varying.bodyAt(2)).plans).toBe(10_000);
    const constant = new GeneratedFeed({ plans: 100 });
    expect(constant.bodyAt(5)).toBe(constant.bodyAt(0));
    expect(constant.etagAt(5)).toBe(constant.etagAt(0));
    expect(varying.etagAt(3)).not.toBe(varying.etagAt(2));
  });

  it('should vary at least one plan for any share above zero and none for zero', () => {
    expect(variedCount(100, 0.0001)).toBe(1);
    expect(variedCount(100, 0)).toBe(0);
    expect(variedCount(100, 1)).toBe(100);
  });
});
