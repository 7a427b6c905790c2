import { parseCpuMicros, parsePeakRssBytes } from './proc-stats.util';

describe('proc stats parsing', () => {
  it('should add user and system ticks when the command name holds spaces and parentheses', () => {
    const stat = '4242 (node (bench) x) S 1 4242 4242 0 -1 4194304 100 0 0 0 250 50 0 0 20 0 11 0 77548 3133440 381';

    expect(parseCpuMicros(stat, 100)).toBe(3_000_000);
  });

  it('should read VmHWM in bytes when the status lists it', () => {
    const status = 'Name:\tnode\nVmPeak:\t 1000 kB\nVmHWM:\t  204800 kB\nVmRSS:\t  1000 kB\n';

    expect(parsePeakRssBytes(status)).toBe(200 * 2 ** 20);
  });
});
