import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseFeed, ParsedFeed } from '../../../../test/support/feed-xml';
import { bootProviderSim, RunningProviderSim } from '../../../../test/support/provider-sim';
import { ValidatorSetting } from './conditional.util';

const fixture = (name: string) => readFileSync(join(__dirname, '..', 'fixtures', `${name}.xml`), 'utf8');

describe('provider-sim GET /feed', () => {
  describe('fixture rotation', () => {
    let running: RunningProviderSim;
    beforeAll(async () => (running = await bootProviderSim(3480)));
    afterAll(() => running?.stop());
    beforeEach(() => running.sim.reset());

    it('should answer each request with the next fixture in name order, wrapping round to the first', async () => {
      for (const name of ['feed-1', 'feed-2', 'feed-3', 'feed-4', 'feed-1']) {
        const response = await fetch(running.sim.feedUrl);
        expect(response.status).toBe(200);
        expect(response.headers.get('content-type')).toBe('application/xml; charset=utf-8');
        expect(response.headers.get('x-provider-sim-feed')).toBe(name);
        expect(await response.text()).toBe(fixture(name));
      }
    });

    it('should serve the fixtures whose successive differences the sample comment describes', async () => {
      const feeds: ParsedFeed[] = [];
      for (let i = 0; i < 4; i++) feeds.push(parseFeed(await (await fetch(running.sim.feedUrl)).text()));
      const plan = (feed: number, basePlanId: string, planId: string) =>
        feeds[feed].basePlans
          .filter((basePlan) => basePlan.attributes.base_plan_id === basePlanId)
          .flatMap((basePlan) => basePlan.plans.filter((p) => p.attributes.plan_id === planId));
      const sellMode = (feed: number, basePlanId: string) =>
        feeds[feed].basePlans.find((basePlan) => basePlan.attributes.base_plan_id === basePlanId)?.attributes.sell_mode;
      expect(plan(0, '291', '291')[0].attributes.plan_end_date).not.toBe(plan(1, '291', '291')[0].attributes.plan_end_date);
      expect(plan(0, '322', '1643')).toHaveLength(1);
      expect(plan(1, '322', '1643')).toHaveLength(0); // disappears
      expect(sellMode(0, '555')).toBeUndefined();
      expect(sellMode(1, '555')).toBe('offline'); // an offline plan appears
      expect([sellMode(1, '1591'), sellMode(2, '1591')]).toEqual(['online', 'offline']); // turns offline
      expect(plan(2, '1700', '4')[0].attributes.plan_start_date).toBe('2021-02-29T20:00:00'); // impossible date
      expect(plan(1, '1700', '1')[0].attributes).toEqual(expect.objectContaining({ plan_start_date: '2021-03-28T01:30:00', plan_end_date: '2021-03-28T03:30:00' }));
    });

    it('should serve one fixture every time when pinned through the admin API, and the rotation again after a reset', async () => {
      await running.sim.setFeed({ mode: 'fixture', fixture: 'feed-3' });
      const pinned = [];
      for (let i = 0; i < 3; i++) pinned.push((await fetch(running.sim.feedUrl)).headers.get('x-provider-sim-feed'));
      expect(pinned).toEqual(['feed-3', 'feed-3', 'feed-3']);
      await running.sim.reset();
      expect((await fetch(running.sim.feedUrl)).headers.get('x-provider-sim-feed')).toBe('feed-1');
    });

    it('should still answer the health and metrics routes', async () => {
      const live = await fetch(`${running.url}/health/live`);
      expect([live.status, await live.json()]).toEqual([200, { status: 'ok' }]);
      expect((await fetch(`${running.url}/health/ready`)).status).toBe(200);
      const metrics = await fetch(`${running.url}/metrics`);
      expect(metrics.status).toBe(200);
      expect(await metrics.text()).toContain('process_cpu_seconds_total');
    });
  });

  // A port each: a pooled keep-alive socket to a closed simulator must not meet the next one.
  describe.each<[ValidatorSetting, boolean, boolean, number]>([
    ['etag', true, false, 3490],
    ['last-modified', false, true, 3491],
    ['both', true, true, 3492],
    ['none', false, false, 3493],
  ])('with PROVIDER_SIM_VALIDATORS=%s', (setting, sendsEtag, sendsLastModified, port) => {
    let running: RunningProviderSim;
    beforeAll(async () => (running = await bootProviderSim(port, { PROVIDER_SIM_VALIDATORS: setting, PROVIDER_SIM_ROTATE_EVERY: '2' })));
    afterAll(() => running?.stop());

    it(`should ${setting === 'none' ? 'send no validators and always 200' : 'answer 304 while the feed is unchanged and 200 once it changes'}`, async () => {
      const first = await fetch(running.sim.feedUrl);
      const etag = first.headers.get('etag');
      const lastModified = first.headers.get('last-modified');
      expect([etag !== null, lastModified !== null]).toEqual([sendsEtag, sendsLastModified]);
      const body = await first.text();
      const conditional = { ...(etag ? { 'if-none-match': etag } : {}), ...(lastModified ? { 'if-modified-since': lastModified } : {}) };

      const unchanged = await fetch(running.sim.feedUrl, { headers: conditional });
      if (setting === 'none') {
        expect(unchanged.status).toBe(200);
        expect(await unchanged.text()).toBe(body); // the fetcher's content hash is its only way to notice
      } else {
        expect(unchanged.status).toBe(304);
        expect(await unchanged.text()).toBe('');
        if (sendsEtag) expect(unchanged.headers.get('etag')).toBe(etag);
      }

      const changed = await fetch(running.sim.feedUrl, { headers: conditional });
      expect(changed.status).toBe(200);
      expect(changed.headers.get('x-provider-sim-feed')).toBe('feed-2');
      if (sendsEtag) expect(changed.headers.get('etag')).not.toBe(etag);
      if (sendsLastModified) expect(Date.parse(changed.headers.get('last-modified')!)).toBeGreaterThan(Date.parse(lastModified!));
    });
  });

  describe('generated feed', () => {
    let running: RunningProviderSim;
    beforeAll(async () => (running = await bootProviderSim(3482, { PROVIDER_SIM_PLANS: '10000' })));
    afterAll(() => running?.stop());

    it('should serve 10k plans in well-formed XML, the same bytes and ETag on every request', async () => {
      const first = await fetch(running.sim.feedUrl);
      const body = await first.text();
      expect(first.headers.get('x-provider-sim-feed')).toBe('generated v0');
      expect(Number(first.headers.get('content-length'))).toBe(Buffer.byteLength(body));
      expect(parseFeed(body).plans).toBe(10_000);
      const second = await fetch(running.sim.feedUrl);
      expect(second.headers.get('etag')).toBe(first.headers.get('etag'));
      expect(await second.text()).toBe(body);
      const conditional = await fetch(running.sim.feedUrl, { headers: { 'if-none-match': first.headers.get('etag')! } });
      expect(conditional.status).toBe(304);
    });

    it('should change the varied share of plans on each request once the admin API asks for variation', async () => {
      await running.sim.setFeed({ mode: 'generated', plans: 1000, seed: 4, vary_share: 0.1 });
      const versions = [];
      for (let i = 0; i < 2; i++) {
        const response = await fetch(running.sim.feedUrl);
        versions.push({ label: response.headers.get('x-provider-sim-feed'), etag: response.headers.get('etag'), feed: parseFeed(await response.text()) });
      }
      expect(versions.map((version) => version.label)).toEqual(['generated v0', 'generated v1']);
      expect(versions[0].etag).not.toBe(versions[1].etag);
      const capacities = versions.map((version) => version.feed.basePlans.flatMap((basePlan) => basePlan.plans.map((plan) => plan.zones[0].capacity)));
      expect(capacities[1].filter((capacity, index) => capacity !== capacities[0][index])).toHaveLength(100);
    });
  });
});
