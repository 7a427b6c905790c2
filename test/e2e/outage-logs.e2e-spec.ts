import { loginAdmin, signupAndLogin } from '../support/api-client';
import { AppProcess, startApp } from '../support/app-process';
import { eventually } from '../support/eventually';
import { order } from '../support/orders';
import { makePlan } from '../support/plans';
import { sample, scrape } from '../support/prometheus';
import { ThrowawayRedis } from '../support/redis-server';
import { ApiClient } from '../support/api-client';

const READS = 120;
const WRITES = 60;

// The JSON lines an app logged from line `from` on.
function logged(app: AppProcess, from: number): Array<{ level: string; message: string }> {
  return app.lines.slice(from).flatMap((line) => {
    try {
      return [JSON.parse(line) as { level: string; message: string }];
    } catch {
      return [];
    }
  });
}

const loud = (app: AppProcess, from: number) => logged(app, from).filter((entry) => ['warn', 'error', 'fatal'].includes(entry.level));

describe('Redis down under reads and writes: one log line per state change (e2e)', () => {
  const redis = new ThrowawayRedis(3695);
  let core: AppProcess;
  let gateway: AppProcess;
  let api: ApiClient;

  beforeAll(async () => {
    await redis.start();
    core = await startApp('core', 3466, { REDIS_URL: redis.url });
    gateway = await startApp('gateway', 3465, { REDIS_URL: redis.url });
    api = new ApiClient(gateway.url);
  }, 60_000);
  afterAll(async () => {
    await Promise.all([gateway, core].map((app) => app?.stop()));
    await redis.stop();
  });

  it(`should log the outage once when Redis goes and once when it is back, with the count, in gateway and core, through ${READS} reads and ${WRITES} writes; metrics count each`, async () => {
    const admin = await loginAdmin(api);
    const user = await signupAndLogin(api);
    const plan = makePlan();
    expect((await api.post('/api/v1/plans', plan, { token: admin.accessToken })).status).toBe(201);
    const marks = { gateway: gateway.lines.length, core: core.lines.length };

    await redis.stop();
    const statuses: number[] = [];
    for (let i = 0; i < READS; i++) statuses.push((await api.get(`/api/v1/plans/${plan.objectId}`, { token: admin.accessToken })).status);
    for (let i = 0; i < WRITES; i++) statuses.push((await api.post('/api/v1/orders', order(), { token: user.accessToken })).status);
    expect(statuses.filter((status) => status !== 200 && status !== 202)).toEqual([]);

    await redis.start();
    await eventually(async () => expect((await fetch(`${gateway.url}/health/ready`)).status).toBe(200), 20_000, 200);
    // The next successes on each side see Redis answer again.
    await eventually(
      async () => {
        await api.get(`/api/v1/plans/${plan.objectId}`, { token: admin.accessToken });
        await api.post('/api/v1/orders', order(), { token: user.accessToken });
        for (const app of [gateway, core]) expect(app.lines.slice(app === gateway ? marks.gateway : marks.core).join('\n')).toContain('redis available again');
      },
      20_000,
      250,
    );

    for (const [app, from] of [
      [gateway, marks.gateway],
      [core, marks.core],
    ] as const) {
      const lines = loud(app, from);
      expect({ app: app.name, lines: lines.map((entry) => entry.message) }).toEqual({ app: app.name, lines: [expect.stringContaining('redis unavailable')] });
      const back = logged(app, from).filter((entry) => entry.message.includes('redis available again'));
      expect(back).toHaveLength(1);
      expect(Number(/; (\d+) operation/.exec(back[0].message)?.[1])).toBeGreaterThanOrEqual(app === gateway ? READS + WRITES : READS);
    }
    const gatewayMetrics = await scrape(gateway.url);
    expect(sample(gatewayMetrics, 'dependency_failures_total', { dependency: 'redis', operation: 'authorize' })).toBeGreaterThanOrEqual(READS + WRITES);
    const coreMetrics = await scrape(core.url);
    expect(sample(coreMetrics, 'dependency_failures_total', { dependency: 'redis', operation: 'plan-cache' })).toBeGreaterThanOrEqual(READS);
  }, 120_000);
});
