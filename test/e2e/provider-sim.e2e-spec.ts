import { AppProcess } from '../support/app-process';
import { parseFeed } from '../support/feed-xml';
import { startPlatform } from '../support/platform';
import { startProviderSim } from '../support/provider-sim';

// The built simulator as its own process, driven through the test support client as e2e specs and benches do.
describe('provider simulator process (e2e)', () => {
  it('should serve a generated feed on loopback and take faults through the admin client', async () => {
    const running = await startProviderSim(3487, { PROVIDER_SIM_PLANS: '500', PROVIDER_SIM_SEED: '9' });
    try {
      const notice = running.process.logs().find((entry) => entry.level === 'warn');
      expect(notice?.message).toContain('development and test tool');
      expect(notice?.message).toContain('on 127.0.0.1');
      expect(parseFeed(await (await fetch(running.sim.feedUrl)).text()).plans).toBe(500);

      await running.sim.setFault({ mode: 'rate_limit', retry_after_s: 2, times: 1 });
      const limited = await fetch(running.sim.feedUrl);
      expect([limited.status, limited.headers.get('retry-after')]).toEqual([429, '2']);
      expect((await fetch(running.sim.feedUrl)).status).toBe(200);
      expect(await running.sim.stats()).toEqual({ requests: 3, by_status: { 200: 2, 429: 1 }, by_fault: { rate_limit: 1 }, held: 0 });
    } finally {
      await running.stop();
    }
  });

  it('should refuse to start with one message naming every bad simulator variable', async () => {
    const sim = new AppProcess('provider-sim', 3488, { PROVIDER_SIM_VALIDATORS: 'maybe', PROVIDER_SIM_FAULT: 'server_error', PROVIDER_SIM_FAULT_STATUS: '404' });
    expect(await sim.exited).toBe(1);
    const fatal = sim.logs().filter((entry) => entry.level === 'fatal');
    expect(fatal).toHaveLength(1);
    expect(fatal[0].message).toContain('provider-sim failed to start: Invalid configuration');
    expect(fatal[0].message).toContain('PROVIDER_SIM_VALIDATORS');
    expect(fatal[0].message).toContain('PROVIDER_SIM_FAULT_STATUS');
  });

  it('should boot the simulator before the scheduler and expose its admin client on the platform', async () => {
    const platform = await startPlatform(3470, ['scheduler', 'provider-sim']);
    try {
      expect(Object.keys(platform.apps)).toEqual(['provider-sim', 'scheduler']);
      expect(platform.sim?.feedUrl).toBe(`${platform.apps['provider-sim']!.url}/feed`);
      expect((await fetch(platform.sim!.feedUrl)).status).toBe(200);
    } finally {
      await platform.stop();
    }
  });
});
