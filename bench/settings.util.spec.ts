import { benchSettings, settingsLine } from './settings.util';

describe('bench settings', () => {
  const sut = benchSettings;

  it('should give the full run its six rounds of 5 s, 1M dashboard orders and 10k plans when no argument is given', () => {
    const settings = sut([], {});

    expect(settings).toMatchObject({ quick: false, rounds: 6, roundS: 5, dashboardOrders: 1_000_000, eventsPlans: 10_000, eventsRate: 2000, ordersDrain: 200_000 });
  });

  it('should shrink rounds and data sets when --quick is given', () => {
    const full = sut([], {});
    const quick = sut(['--quick'], {});

    expect(quick.quick).toBe(true);
    expect(quick.rounds).toBeLessThan(full.rounds);
    expect(quick.roundS).toBeLessThan(full.roundS);
    expect(quick.dashboardOrders).toBeLessThan(full.dashboardOrders);
    expect(quick.ordersDrain).toBeLessThan(full.ordersDrain);
    expect(quick.eventsRate).toBe(full.eventsRate); // the target is at 2k req/s, quick or not
  });

  it('should let an explicit BENCH_ variable win over the quick defaults when both are given', () => {
    expect(sut(['--quick'], { BENCH_ROUNDS: '4', BENCH_DASHBOARD_ORDERS: '5000' })).toMatchObject({ rounds: 4, dashboardOrders: 5000 });
  });

  it('should refuse a value that is not a positive integer when one is set', () => {
    expect(() => sut([], { BENCH_ROUND_S: '0' })).toThrow('BENCH_ROUND_S must be a positive integer');
    expect(() => sut([], { BENCH_EVENTS_RATE: 'fast' })).toThrow('BENCH_EVENTS_RATE');
  });

  it('should refuse an unknown argument when one is given', () => {
    expect(() => sut(['--quik'], {})).toThrow('unknown argument(s) --quik');
  });

  it('should say QUICK RUN in the settings line when the run is quick', () => {
    expect(settingsLine(sut(['--quick'], {}))).toMatch(/^QUICK RUN/);
    expect(settingsLine(sut([], {}))).not.toContain('QUICK');
  });
});
