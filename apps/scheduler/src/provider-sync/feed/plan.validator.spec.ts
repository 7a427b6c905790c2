import { chunked, sampleFeed } from '../../../../../test/support/provider-feed-builder';
import { PlanValidator } from './plan.validator';
import { MAX_ZONES_PER_PLAN, parseProviderFeed, RawAttributes, RawPlan } from './provider-feed.parser';

type Overrides = { basePlan?: Record<string, string | undefined>; plan?: Record<string, string | undefined>; zones?: Array<Record<string, string | undefined>> };
const defined = (values: Record<string, string | undefined>): RawAttributes =>
  Object.fromEntries(Object.entries(values).filter((entry): entry is [string, string] => entry[1] !== undefined));
const ZONE = { zone_id: '40', capacity: '243', price: '20.00', name: 'Platea', numbered: 'true' };
const raw = ({ basePlan = {}, plan = {}, zones = [{}] }: Overrides = {}): RawPlan => ({
  basePlan: defined({ base_plan_id: '291', sell_mode: 'online', title: 'Camela en concierto', ...basePlan }),
  plan: defined({
    plan_start_date: '2021-06-30T21:00:00',
    plan_end_date: '2021-06-30T22:00:00',
    plan_id: '291',
    sell_from: '2020-07-01T00:00:00',
    sell_to: '2021-06-30T20:00:00',
    sold_out: 'false',
    ...plan,
  }),
  zones: zones.map((zone) => defined({ ...ZONE, ...zone })),
  zonesDropped: 0,
});

describe('PlanValidator', () => {
  const sut = new PlanValidator('Europe/Madrid');
  const reason = (overrides: Overrides) => {
    const result = sut.validate(raw(overrides));
    return result.ok ? null : result.reason;
  };
  const valid = (overrides: Overrides = {}) => {
    const result = sut.validate(raw(overrides));
    if (!result.ok) throw new Error(`expected a valid plan, got ${result.reason}`);
    return result.plan;
  };

  it('should normalise a plan of the sample when every attribute is good', () => {
    expect(valid({ zones: [{}, { zone_id: '38', capacity: '100', price: '15', name: ' Grada 2 ', numbered: 'false' }] })).toEqual({
      basePlanId: '291',
      planId: '291',
      title: 'Camela en concierto',
      sellMode: 'online',
      organizerCompanyId: null,
      startsAt: new Date('2021-06-30T19:00:00Z'),
      endsAt: new Date('2021-06-30T20:00:00Z'),
      startLocal: '2021-06-30T21:00:00',
      endLocal: '2021-06-30T22:00:00',
      sellFrom: new Date('2020-06-30T22:00:00Z'),
      sellTo: new Date('2021-06-30T18:00:00Z'),
      soldOut: false,
      zones: [
        { zone_id: '40', name: 'Platea', price: '20.00', capacity: 243, numbered: true },
        { zone_id: '38', name: 'Grada 2', price: '15.00', capacity: 100, numbered: false },
      ],
      contentHash: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
  });

  describe('the traps of the sample feed', () => {
    it('should skip only the plan with an impossible calendar date and keep the others, offline ones included', async () => {
      const results = [];
      for await (const plan of parseProviderFeed(chunked(sampleFeed(), 50))) results.push(sut.validate(plan));

      expect(results.map((result) => (result.ok ? `${result.plan.basePlanId}/${result.plan.planId} ${result.plan.sellMode}` : result.reason))).toEqual([
        '291/291 online',
        '322/1642 online',
        '322/1643 online',
        '1591/1642 online',
        'plan_start_date: not a calendar date',
      ]);
    });

    it('should read an offline base plan as a valid plan with sell_mode offline', () => {
      expect(valid({ basePlan: { sell_mode: 'offline' } }).sellMode).toBe('offline');
    });

    it('should keep both zones, in feed order, when a zone_id repeats within a plan', () => {
      const plan = valid({
        zones: [
          { zone_id: '186', price: '75.00', capacity: '2' },
          { zone_id: '186', price: '65.00', capacity: '16', numbered: 'false' },
        ],
      });

      expect(plan.zones.map((zone) => [zone.zone_id, zone.price, zone.capacity])).toEqual([
        ['186', '75.00', 2],
        ['186', '65.00', 16],
      ]);
    });
  });

  it.each([
    ['base_plan_id', { basePlan: { base_plan_id: undefined } }],
    ['sell_mode', { basePlan: { sell_mode: undefined } }],
    ['title', { basePlan: { title: undefined } }],
    ['plan_id', { plan: { plan_id: undefined } }],
    ['plan_start_date', { plan: { plan_start_date: undefined } }],
    ['plan_end_date', { plan: { plan_end_date: undefined } }],
    ['zone.zone_id', { zones: [{ zone_id: undefined }] }],
    ['zone.name', { zones: [{ name: undefined }] }],
    ['zone.price', { zones: [{ price: undefined }] }],
    ['zone.capacity', { zones: [{ capacity: undefined }] }],
    ['zone.numbered', { zones: [{ numbered: undefined }] }],
  ] as Array<[string, Overrides]>)('should skip a plan whose %s is missing', (field, overrides) => {
    expect(reason(overrides)).toBe(`${field}: missing`);
  });

  it('should accept a plan without the optional organizer_company_id, sell_from, sell_to and sold_out', () => {
    const plan = valid({ basePlan: { organizer_company_id: undefined }, plan: { sell_from: undefined, sell_to: undefined, sold_out: undefined } });

    expect(plan).toEqual(expect.objectContaining({ organizerCompanyId: null, sellFrom: null, sellTo: null, soldOut: false }));
  });

  it.each([
    ['a', null],
    ['x'.repeat(64), null],
    ['x'.repeat(65), 'longer than 64 characters'],
    ['', 'empty'],
    ['1:2', 'not an id (letters, digits, _ . -)'],
    [' 291', 'not an id (letters, digits, _ . -)'],
    ['2 91', 'not an id (letters, digits, _ . -)'],
  ])('should judge the id %j as %s in every id attribute', (value, problem) => {
    for (const [field, overrides] of [
      ['base_plan_id', { basePlan: { base_plan_id: value } }],
      ['organizer_company_id', { basePlan: { organizer_company_id: value } }],
      ['plan_id', { plan: { plan_id: value } }],
      ['zone.zone_id', { zones: [{ zone_id: value }] }],
    ] as Array<[string, Overrides]>) {
      expect(reason(overrides)).toBe(problem && `${field}: ${problem}`);
    }
  });

  it('should trim the title and bound it to 500 characters', () => {
    expect(valid({ basePlan: { title: `  ${'t'.repeat(500)}  ` } }).title).toBe('t'.repeat(500));
    expect(reason({ basePlan: { title: 't'.repeat(501) } })).toBe('title: longer than 500 characters');
    expect(reason({ basePlan: { title: '   ' } })).toBe('title: empty');
    expect(reason({ zones: [{ name: '' }] })).toBe('zone.name: empty');
    expect(reason({ zones: [{ name: 'n'.repeat(201) }] })).toBe('zone.name: longer than 200 characters');
  });

  it('should read the sell mode case-insensitively and refuse one that is not a word', () => {
    expect(valid({ basePlan: { sell_mode: 'ONLINE' } }).sellMode).toBe('online');
    expect(reason({ basePlan: { sell_mode: 'on line' } })).toBe('sell_mode: not a sell mode');
    expect(reason({ basePlan: { sell_mode: '' } })).toBe('sell_mode: not a sell mode');
  });

  describe('dates', () => {
    it.each(['plan_start_date', 'plan_end_date', 'sell_from', 'sell_to'])('should skip a plan whose %s is an impossible calendar date', (name) => {
      expect(reason({ plan: { [name]: '2021-09-31T20:00:00' } })).toBe(`${name}: not a calendar date`);
    });

    it('should skip a plan whose start falls in the spring DST gap in Madrid', () => {
      expect(reason({ plan: { plan_start_date: '2021-03-28T02:30:00', plan_end_date: '2021-03-28T04:00:00' } })).toBe(
        'plan_start_date: not a time in Europe/Madrid (skipped by a DST change)',
      );
    });

    it('should read a start in the repeated autumn hour at its earlier offset', () => {
      const plan = valid({ plan: { plan_start_date: '2021-10-31T02:30:00', plan_end_date: '2021-10-31T04:00:00' } });

      expect(plan.startsAt.toISOString()).toBe('2021-10-31T00:30:00.000Z');
      expect(plan.startLocal).toBe('2021-10-31T02:30:00');
    });

    it('should skip a plan that ends before it starts, and keep one that ends when it starts', () => {
      expect(reason({ plan: { plan_end_date: '2021-06-30T20:59:59' } })).toBe('plan_end_date: before plan_start_date');
      expect(valid({ plan: { plan_end_date: '2021-06-30T21:00:00' } }).endsAt).toEqual(new Date('2021-06-30T19:00:00Z'));
    });

    it('should compare the instants, not the wall times, when a plan spans the autumn change', () => {
      // 02:30 (first, +02:00) to 02:15 would be "before" as wall times; as instants it is 45 minutes earlier.
      expect(reason({ plan: { plan_start_date: '2021-10-31T02:30:00', plan_end_date: '2021-10-31T02:15:00' } })).toBe('plan_end_date: before plan_start_date');
      const spanning = valid({ plan: { plan_start_date: '2021-10-31T01:30:00', plan_end_date: '2021-10-31T03:00:00' } });
      expect([spanning.startsAt.toISOString(), spanning.endsAt.toISOString()]).toEqual(['2021-10-30T23:30:00.000Z', '2021-10-31T02:00:00.000Z']);
    });
  });

  it.each([
    ['true', true],
    ['false', false],
    ['1', true],
    ['0', false],
  ])('should read sold_out="%s" as %s', (value, expected) => {
    expect(valid({ plan: { sold_out: value } }).soldOut).toBe(expected);
  });

  it('should skip a plan whose sold_out or zone numbered is not a boolean', () => {
    expect(reason({ plan: { sold_out: 'yes' } })).toBe('sold_out: not a boolean');
    expect(reason({ zones: [{ numbered: 'TRUE ish' }] })).toBe('zone.numbered: not a boolean');
  });

  describe('zones', () => {
    it('should skip a plan with no zone, since it has no price', () => {
      expect(reason({ zones: [] })).toBe('zones: none (a plan needs a price)');
    });

    it('should skip a plan with more zones than the parser keeps', () => {
      expect(sut.validate({ ...raw(), zonesDropped: 1 })).toEqual({ ok: false, reason: `zones: more than ${MAX_ZONES_PER_PLAN}` });
    });

    it.each([
      ['0', '0.00'],
      ['20', '20.00'],
      ['020.5', '20.50'],
      ['999999999.99', '999999999.99'],
      [' 7.10 ', '7.10'],
    ])('should store the price %j as %s', (price, stored) => {
      expect(valid({ zones: [{ price }] }).zones[0].price).toBe(stored);
    });

    it.each([
      ['-1.00', 'negative'],
      ['-0.01', 'negative'],
      ['20.001', 'more than 2 decimals'],
      ['1000000000.00', 'above 999999999.99'],
      ['1e3', 'not a decimal'],
      ['20,00', 'not a decimal'],
      ['.5', 'not a decimal'],
      ['', 'not a decimal'],
      ['NaN', 'not a decimal'],
    ])('should skip a plan whose zone price is %j (%s)', (price, problem) => {
      expect(reason({ zones: [{}, { price }] })).toBe(`zone.price: ${problem}`);
    });

    it.each([
      ['0', 0],
      ['1000000000', 1_000_000_000],
    ])('should accept the capacity %s', (capacity, expected) => {
      expect(valid({ zones: [{ capacity }] }).zones[0].capacity).toBe(expected);
    });

    it.each([
      ['-1', 'negative'],
      ['1.5', 'not an integer'],
      ['ten', 'not an integer'],
      ['1000000001', 'above 1000000000'],
    ])('should skip a plan whose zone capacity is %j (%s)', (capacity, problem) => {
      expect(reason({ zones: [{ capacity }] })).toBe(`zone.capacity: ${problem}`);
    });
  });

  describe('content hash', () => {
    const hash = (overrides: Overrides) => valid(overrides).contentHash;

    it('should give the same hash when only the formatting of the feed differs', () => {
      expect(hash({ zones: [{ price: '20' }] })).toBe(hash({ zones: [{ price: '20.00' }] }));
      expect(hash({ basePlan: { title: ' Camela en concierto ' }, plan: { sold_out: '0' } })).toBe(hash({}));
    });

    it.each([
      ['a capacity', {}, { zones: [{ capacity: '242' }] }],
      ['an end time', {}, { plan: { plan_end_date: '2021-06-30T22:30:00' } }],
      ['the sell mode', {}, { basePlan: { sell_mode: 'offline' } }],
      ['sold out', {}, { plan: { sold_out: 'true' } }],
      ['a title', {}, { basePlan: { title: 'Camela' } }],
      ['the sell window', {}, { plan: { sell_to: undefined } }],
      ['the zone order', { zones: [{ zone_id: '38' }, {}] }, { zones: [{}, { zone_id: '38' }] }],
    ] as Array<[string, Overrides, Overrides]>)('should give another hash when %s changes', (_change, before, after) => {
      expect(hash(after)).not.toBe(hash(before));
    });
  });
});
