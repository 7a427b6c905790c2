import { ApiClient, expectErrorEnvelope, loginAdmin, signupAndLogin, uniqueEmail } from '../support/api-client';
import { AppProcess, startApp } from '../support/app-process';
import { eventually } from '../support/eventually';
import { makePlan } from '../support/plans';
import { ThrowawayRedis } from '../support/redis-server';

const RPC_TIMEOUT_MS = 1500;

describe('core restart while the gateway stays up (e2e)', () => {
  let core: AppProcess;
  let gateway: AppProcess;
  let api: ApiClient;

  beforeAll(async () => {
    core = await startApp('core', 3361);
    gateway = await startApp('gateway', 3360);
    api = new ApiClient(gateway.url);
  });
  afterAll(() => Promise.all([gateway, core].map((app) => app?.stop())));

  it('should fail cleanly within the RPC timeout while core is down, then recover without a gateway restart', async () => {
    const admin = await loginAdmin(api);
    const user = await signupAndLogin(api);
    expect((await api.get('/api/v1/users', { token: admin.accessToken })).status).toBe(200);

    expect(await core.stop('SIGTERM')).toBe(0);

    const started = Date.now();
    const down = await api.get('/api/v1/users', { token: admin.accessToken });
    const elapsed = Date.now() - started;
    expectErrorEnvelope(down, 504, 'UPSTREAM_TIMEOUT');
    expect(elapsed).toBeLessThan(RPC_TIMEOUT_MS + 1000);

    // A command sent while core is down expires with the timeout: it must not run when core comes back.
    const lostEmail = uniqueEmail('lost');
    expectErrorEnvelope(await api.post('/api/v1/auth/signup', { name: 'Too Late', email: lostEmail, password: 'long-enough' }), 504, 'UPSTREAM_TIMEOUT');

    // Cached authorization needs no core: the user's own profile is still served.
    const me = await api.get('/api/v1/users/me', { token: user.accessToken });
    expect(me.status).toBe(200);
    expect(me.headers.get('x-cache')).toBe('HIT');

    core = await startApp('core', 3361);
    await eventually(async () => expect((await api.get('/api/v1/users', { token: admin.accessToken })).status).toBe(200));
    // FIFO queue: had the expired signup survived, it would have been handled before the list above.
    expect((await api.post('/api/v1/auth/token', { username: lostEmail, password: 'long-enough' })).status).toBe(401);
    expect((await api.post('/api/v1/auth/signup', { name: 'On Time', email: lostEmail, password: 'long-enough' })).status).toBe(201);
  });
});

describe('Redis outage (e2e)', () => {
  const redis = new ThrowawayRedis(3691);
  let core: AppProcess;
  let gateway: AppProcess;
  let api: ApiClient;

  beforeAll(async () => {
    await redis.start();
    core = await startApp('core', 3363, { REDIS_URL: redis.url });
    gateway = await startApp('gateway', 3362, { REDIS_URL: redis.url });
    api = new ApiClient(gateway.url);
  });
  afterAll(async () => {
    await Promise.all([gateway, core].map((app) => app?.stop()));
    await redis.stop();
  });

  it('should keep serving with X-Cache BYPASS and report not ready, then recover after a flush', async () => {
    const user = await signupAndLogin(api);
    expect((await api.get('/api/v1/users/me', { token: user.accessToken })).headers.get('x-cache')).toBe('HIT');
    const plan = makePlan();
    const created = await api.post('/api/v1/plans', plan, { token: user.accessToken });
    expect(created.status).toBe(201);

    await redis.stop();
    const bypass = await api.get('/api/v1/users/me', { token: user.accessToken });
    expect(bypass.status).toBe(200);
    expect(bypass.headers.get('x-cache')).toBe('BYPASS');
    expect(bypass.body.id).toBe(user.id);
    const planRead = await api.get(`/api/v1/plans/${plan.objectId}`, { token: user.accessToken });
    expect({ status: planRead.status, cache: planRead.headers.get('x-cache'), etag: planRead.headers.get('etag') }).toEqual({
      status: 200,
      cache: 'BYPASS',
      etag: created.headers.get('etag'),
    });
    const ready = await new ApiClient(gateway.url).get('/health/ready');
    const error = expectErrorEnvelope(ready, 503, 'SERVICE_UNAVAILABLE');
    expect(error.details.checks).toEqual({ redis: 'down', rabbitmq: 'up' });
    // Writes still land in Postgres while the cache is gone.
    const newcomer = await signupAndLogin(api);
    expect(newcomer.id).toBeDefined();

    await redis.start(); // a new, empty Redis: the same as a flush
    await eventually(async () => expect((await fetch(`${gateway.url}/health/ready`)).status).toBe(200));
    const miss = await api.get('/api/v1/users/me', { token: newcomer.accessToken });
    expect(miss.status).toBe(200);
    expect(miss.headers.get('x-cache')).toBe('MISS');
    expect((await api.get('/api/v1/users/me', { token: newcomer.accessToken })).headers.get('x-cache')).toBe('HIT');
  });
});
