import { Round, ScenarioRun, Target } from './results.util';
import { lagRow, memoryRows, scenarioRows, summarySection, summaryTally } from './summary.util';

const round = (index: number, target: Target, reqPerSec: number, p99Ms: number, cpuPerReq: number): Round => ({
  index,
  target,
  reqPerSec,
  p50Ms: p99Ms / 2,
  p99Ms,
  requests: reqPerSec * 5,
  cpuUs: target === 'floor' ? { floor: reqPerSec * 5 * cpuPerReq } : { gateway: reqPerSec * 5 * cpuPerReq, core: 0, indexer: 0 },
});

// Two rounds per target; the project at `ratio` of the floor's req/s with `cpuRatio` its CPU and `p99Ratio` its p99.
const run = (ratio: number, cpuRatio: number, p99Ratio: number, withFloor = true): ScenarioRun => ({
  key: 'events-search',
  scenario: 'events search',
  kind: 'read',
  connections: 50,
  rounds: [0, 1].flatMap((index) => [...(withFloor ? [round(index, 'floor', 2000, 10, 100)] : []), round(index, 'project', 2000 * ratio, 10 * p99Ratio, 100 * cpuRatio)]),
});

describe('summary table', () => {
  it('should mark each target met or NOT met from the median ratios when the scenario has a floor', () => {
    const rows = scenarioRows(run(1, 1.05, 1.5), { maxCpuRatio: 1.1, maxP99Ratio: 1.2 });

    const cpu = rows.find((row) => row.measure === 'CPU µs/req')!;
    const p99 = rows.find((row) => row.measure === 'p99 ms')!;
    expect(cpu).toMatchObject({ project: '105', floor: '100', target: '<= 1.1x', met: true });
    expect(cpu.ratio).toMatch(/^1\.05/);
    expect(p99).toMatchObject({ project: '15.00', floor: '10.00', target: '<= 1.2x', met: false });
  });

  it('should report a measure without a verdict when it has no target', () => {
    const rows = scenarioRows(run(0.5, 3, 1), {});

    expect(rows.map((row) => row.met)).toEqual([undefined, undefined, undefined]);
    expect(summarySection(rows).body.map((line) => line.at(-1))).toEqual(['reported', 'reported', 'reported']);
  });

  it('should judge an absolute p99 on the project alone when there is no floor', () => {
    const [, , p99] = scenarioRows(run(1, 1, 0.6, false), { maxP99Ms: 5 });

    expect(p99).toMatchObject({ project: '6.00', floor: '', ratio: '', target: '< 5 ms', met: false });
  });

  it('should not meet the lag target when the rate it names was not reached', () => {
    const lag = {
      key: 'lag-max',
      scenario: 'index lag at the sustained rate',
      targetRate: 600,
      achievedRate: 400,
      writesOk: 4000,
      indexed: 4000,
      writeP50Ms: 5,
      writeP99Ms: 50,
      lagP50S: 0.05,
      lagP99S: 0.1,
      underOneS: 1,
      drainS: 0,
    };

    expect(lagRow(lag, 1, true, 0.9).met).toBe(false);
    expect(lagRow({ ...lag, achievedRate: 580 }, 1, true, 0.9).met).toBe(true);
  });

  it('should judge every app against the RSS limit but report the floors only when memory is listed', () => {
    const rows = memoryRows(
      [
        { app: 'gateway', peakRssBytes: 250 * 2 ** 20 },
        { app: 'floor', peakRssBytes: 250 * 2 ** 20 },
      ],
      200 * 2 ** 20,
      ['floor'],
    );

    expect(rows.map((row) => row.met)).toEqual([false, undefined]);
    expect(summaryTally(rows)).toBe('0 of 1 targets met; not met: gateway memory peak RSS MB (whole run)');
  });
});
