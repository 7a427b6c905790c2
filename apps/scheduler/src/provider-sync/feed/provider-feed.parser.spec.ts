import { Readable } from 'node:stream';
import { basePlanXml, chunked, feedXml, generatedFeed, planXml, sampleFeed, zoneXml } from '../../../../../test/support/provider-feed-builder';
import { MalformedFeedError } from '../feed-processor.port';
import { MAX_ZONES_PER_PLAN, parseProviderFeed, RawPlan } from './provider-feed.parser';

async function parseAll(body: AsyncIterable<Buffer | string>): Promise<RawPlan[]> {
  const plans: RawPlan[] = [];
  for await (const plan of parseProviderFeed(body)) plans.push(plan);
  return plans;
}
const parse = (xml: string, chunkSize = 64 * 1024) => parseAll(chunked(xml, chunkSize));
const keys = (plans: RawPlan[]) => plans.map((plan) => `${plan.basePlan.base_plan_id}/${plan.plan.plan_id}`);

describe('parseProviderFeed', () => {
  describe('the sample feed', () => {
    it('should yield every plan with its own base plan attributes when a base plan holds one plan or several', async () => {
      const plans = await parse(sampleFeed());

      expect(keys(plans)).toEqual(['291/291', '322/1642', '322/1643', '1591/1642', '444/1642']);
      expect(plans[0].basePlan).toEqual({ base_plan_id: '291', sell_mode: 'online', title: 'Camela en concierto' });
      expect(plans[1].basePlan).toEqual({ base_plan_id: '322', sell_mode: 'online', organizer_company_id: '2', title: 'Pantomima Full' });
      expect(plans[2].basePlan).toEqual(plans[1].basePlan);
    });

    it('should keep plans of the same plan_id apart when they belong to different base plans', async () => {
      const plans = (await parse(sampleFeed())).filter((plan) => plan.plan.plan_id === '1642');

      expect(plans.map((plan) => plan.basePlan.base_plan_id)).toEqual(['322', '1591', '444']);
      expect(plans.map((plan) => plan.plan.plan_start_date)).toEqual(['2021-02-10T20:00:00', '2021-07-31T20:00:00', '2021-09-31T20:00:00']);
    });

    it('should keep every zone as listed when a zone_id repeats within a plan', async () => {
      const [, , , morancos] = await parse(sampleFeed());

      expect(morancos.zones).toEqual([
        { zone_id: '186', capacity: '2', price: '75.00', name: 'Amfiteatre', numbered: 'true' },
        { zone_id: '186', capacity: '16', price: '65.00', name: 'Amfiteatre', numbered: 'false' },
      ]);
    });

    it('should yield one zone as a list of one when a plan has a single zone', async () => {
      const plans = await parse(sampleFeed());

      expect(plans[1].zones).toEqual([{ zone_id: '311', capacity: '2', price: '55.00', name: 'A42', numbered: 'true' }]);
      expect(plans[0].zones).toHaveLength(3);
    });

    it('should yield an offline plan with its sell mode and an impossible date as written, leaving the judgement to validation', async () => {
      const offline = (await parse(sampleFeed()))[4];

      expect(offline.basePlan.sell_mode).toBe('offline');
      expect(offline.plan.plan_end_date).toBe('2021-09-31T21:00:00');
    });

    it.each([1, 2, 7, 100])('should yield the same plans when the bytes arrive in chunks of %i', async (size) => {
      const withMultibyte = sampleFeed().replace('Camela en concierto', 'Camela en concierto ñ € 🎤');

      const plans = await parse(withMultibyte, size);

      expect(plans).toEqual(await parse(withMultibyte));
      expect(plans[0].basePlan.title).toBe('Camela en concierto ñ € 🎤');
    });
  });

  it('should decode character references in attribute values when a title escapes them', async () => {
    const [plan] = await parse(feedXml([basePlanXml({ title: 'Tom & Jerry <live> "2"' })]));

    expect(plan.basePlan.title).toBe('Tom & Jerry <live> "2"');
  });

  it('should accept a byte order mark before the declaration', async () => {
    expect(await parse(`\uFEFF${feedXml([basePlanXml()])}`)).toHaveLength(1);
  });

  it('should yield nothing, without an error, when the output is empty', async () => {
    expect(await parse('<planList><output/></planList>')).toEqual([]);
    expect(await parse('<planList><output>\n  </output></planList>')).toEqual([]);
  });

  it('should ignore elements outside planList > output > base_plan > plan > zone', async () => {
    const xml = feedXml([
      `<notice><plan plan_id="x"/></notice>`,
      basePlanXml({}, [planXml({ plan_id: 'a' }, [zoneXml(), '<seat id="1"/>']), '<comment>text</comment>']),
    ]).replace('<output>', '<meta><output><base_plan base_plan_id="deep"><plan plan_id="deep"/></base_plan></output></meta><output>');

    const plans = await parse(xml);

    expect(keys(plans)).toEqual(['1/a']);
    expect(plans[0].zones).toHaveLength(1);
  });

  it('should keep at most MAX_ZONES_PER_PLAN zones of a plan and count the ones past it', async () => {
    const zones = Array.from({ length: MAX_ZONES_PER_PLAN + 2 }, (_, i) => zoneXml({ zone_id: String(i) }));

    const [plan] = await parse(feedXml([basePlanXml({}, [planXml({}, zones)])]));

    expect(plan.zones).toHaveLength(MAX_ZONES_PER_PLAN);
    expect(plan.zonesDropped).toBe(2);
  });

  describe('a body that is not a planList feed', () => {
    const truncated = sampleFeed().slice(0, sampleFeed().indexOf('<base_plan base_plan_id="1591"') + 40);

    it.each([
      ['a truncated body', truncated],
      ['an empty body', ''],
      ['a mismatched closing tag', '<planList><output><base_plan></plan></output></planList>'],
      ['an unquoted attribute', '<planList><output><base_plan base_plan_id=291></base_plan></output></planList>'],
      ['an undefined entity', '<planList><output><base_plan title="&nbsp;"></base_plan></output></planList>'],
      ['an HTML error page', '<html><body>502 Bad Gateway</body></html>'],
      ['plain text', 'Service Unavailable'],
      ['JSON', '{"planList": {"output": []}}'],
      ['a planList without output', '<planList version="1.0"></planList>'],
      ['text after the root', '<planList><output/></planList>garbage'],
    ])('should throw MalformedFeedError for %s', async (_case, xml) => {
      await expect(parse(xml)).rejects.toBeInstanceOf(MalformedFeedError);
    });

    it('should have yielded the plans before the point where a truncated body breaks off', async () => {
      const seen: string[] = [];
      const run = async () => {
        for await (const plan of parseProviderFeed(chunked(truncated, 16))) seen.push(plan.plan.plan_id);
      };

      await expect(run()).rejects.toThrow(MalformedFeedError);
      expect(seen).toEqual(['291', '1642', '1643']);
    });

    it('should pass an error of the body stream on unchanged', async () => {
      const failure = new Error('socket hang up');
      const body = new Readable({ read() {} });
      body.push('<planList><output>');
      setImmediate(() => body.destroy(failure));

      await expect(parseAll(body)).rejects.toBe(failure);
    });
  });

  it('should read the body only as fast as plans are taken when the feed is large', async () => {
    const feed = generatedFeed(3000);
    const parser = parseProviderFeed(feed.body);

    for (let taken = 1; taken <= 30; taken++) {
      await parser.next();
      // One base plan (three plans) is one chunk; the stream buffers ahead at most 1 KiB (a few chunks).
      expect(feed.produced()).toBeLessThanOrEqual(taken + 15);
    }
    await parser.return(undefined);
    expect(feed.body.destroyed).toBe(true);
  });
});
