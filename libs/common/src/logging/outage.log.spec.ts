import { Counter, Registry } from 'prom-client';
import { OutageLog } from './outage.log';

describe('OutageLog', () => {
  let clock: number;
  let lines: Array<[string, string]>;
  let failures: Counter<'dependency' | 'operation'>;
  let sut: OutageLog;

  beforeEach(() => {
    clock = 1_000;
    lines = [];
    failures = new Counter({ name: 'dependency_failures_total', help: 'h', labelNames: ['dependency', 'operation'], registers: [new Registry()] });
    const logger = { warn: (message: string) => lines.push(['warn', message]), log: (message: string) => lines.push(['log', message]) };
    sut = new OutageLog('redis', failures, logger, () => clock);
  });

  it('should log once when the dependency goes and once when it comes back, with the count, when 260 operations fail', async () => {
    for (let i = 0; i < 260; i++) sut.failed('plan-cache', new Error('Connection is closed.'));
    clock += 5_000;
    sut.recovered();
    sut.recovered();

    expect(lines).toEqual([
      ['warn', expect.stringContaining('redis unavailable (plan-cache: Connection is closed.)')],
      ['log', 'redis available again after 5000 ms; 260 operation(s) failed meanwhile'],
    ]);
    expect((await failures.get()).values.find((value) => value.labels.operation === 'plan-cache')?.value).toBe(260);
  });

  it('should log a second outage on its own, with its own count, when the dependency fails again', () => {
    sut.failed('a', new Error('x'));
    sut.recovered();
    sut.failed('b', new Error('y'));
    sut.failed('b', new Error('y'));
    sut.recovered();

    expect(lines.map(([level]) => level)).toEqual(['warn', 'log', 'warn', 'log']);
    expect(lines[3][1]).toContain('2 operation(s)');
  });

  it('should log nothing when the dependency never failed', () => {
    sut.recovered();

    expect(lines).toEqual([]);
  });
});
