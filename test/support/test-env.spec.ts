import { MAX_TEST_WORKERS, RESERVED_PORTS, testPort, testResources } from './test-env';

// Every (slot, worker) pair of the integration tiers, as global setup and the workers derive them.
const ALL = Array.from({ length: 8 }, (_, slot) => Array.from({ length: MAX_TEST_WORKERS }, (_, i) => testResources(slot, i + 1))).flat();
// What a spec may ask for (3300-3699, the worker's redis-server at 3690), plus the pair's offset.
const portsOf = (offset: number) => ({ from: 3300 + offset, to: 3699 + offset });
// Not ours to take: the development stack (3000-3004), benches (3100-3103), this machine's services (MySQL, NATS,
// OTLP, epmd, Postgres, RabbitMQ and its management, prometheus and distribution ports, Redis), the fault runner's
// Redis and the ports the startup spec expects closed.
const TAKEN = [3000, 3001, 3002, 3003, 3004, 3100, 3101, 3102, 3103, 3306, 4222, 4318, 4369, 5432, 5672, 6379, 15672, 15692, 25672, 6397, 5499, 5699, 6399];

describe('testResources', () => {
  it('should give worker 1 exactly the resources the slot always had', () => {
    expect(testResources(0, 1)).toMatchObject({ db: 'plans_platform_test', vhost: 'plans_test', portOffset: 0, redisUrl: 'redis://127.0.0.1:6379/9' });
    expect(testResources(3, 1)).toMatchObject({ db: 'plans_platform_test_3', vhost: 'plans_test_3', portOffset: 3000, redisUrl: 'redis://127.0.0.1:6379/12' });
    expect(testResources(7, 1)).toMatchObject({ redisUrl: 'redis://127.0.0.1:6379/8' });
    expect(testResources(7, 1).ownRedisPort).toBeUndefined();
  });

  it('should share no database, vhost, Redis or key directory between any two pairs', () => {
    for (const key of ['db', 'vhost', 'redisUrl', 'keysDir'] as const) expect(new Set(ALL.map((r) => r[key])).size).toBe(ALL.length);
  });

  it('should give no two pairs overlapping port ranges, all below the ephemeral ports and clear of taken ones', () => {
    const ranges = ALL.map((r) => portsOf(r.portOffset)).sort((a, b) => a.from - b.from);
    ranges.slice(1).forEach((range, i) => expect(range.from).toBeGreaterThan(ranges[i].to));
    expect(ranges.at(-1)!.to).toBeLessThan(32768);
  });

  it("should reserve every port that some pair's offset turns into a taken one, and not the workers' Redis port", () => {
    const hits = ALL.flatMap((r) => TAKEN.map((port) => port - r.portOffset)).filter((port) => port >= 3300 && port <= 3699);

    expect([...new Set(hits)].sort()).toEqual(RESERVED_PORTS);
    expect(RESERVED_PORTS).not.toContain(3690);
  });

  it('should refuse a reserved port when a spec asks for one', () => {
    expect(() => testPort(3432)).toThrow('port 3432 is reserved');
    expect(testPort(3433)).toBeGreaterThanOrEqual(3433);
  });

  it('should refuse a slot or worker it cannot isolate', () => {
    expect(() => testResources(8, 1)).toThrow('TEST_SLOT must be 0-7');
    expect(() => testResources(0, MAX_TEST_WORKERS + 1)).toThrow('jest worker 4');
  });
});
