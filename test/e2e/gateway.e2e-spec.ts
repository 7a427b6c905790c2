import { ApiClient, expectErrorEnvelope, signupAndLogin, TestUser, uniqueEmail } from '../support/api-client';
import { AppProcess, startApp } from '../support/app-process';
import { eventually } from '../support/eventually';
import { Platform, startPlatform } from '../support/platform';
import { TEST_ENV } from '../support/test-env';
import Redis from 'ioredis';

describe('gateway cross-cutting rules (e2e)', () => {
  let platform: Platform;
  let api: ApiClient;
  let user: TestUser;

  beforeAll(async () => {
    platform = await startPlatform(3320, ['core', 'gateway', 'indexer', 'scheduler', 'provider-sim']);
    api = platform.api;
    user = await signupAndLogin(api);
  });
  afterAll(() => platform?.stop());

  describe('request id', () => {
    it('should echo a sane client request id and replace one that is not', async () => {
      const echoed = await api.get('/health/live', { headers: { 'x-request-id': 'client-id-123' } });
      expect(echoed.headers.get('x-request-id')).toBe('client-id-123');
      const replaced = await api.get('/health/live', { headers: { 'x-request-id': 'bad id with spaces <script>' } });
      expect(replaced.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    });

    it("should carry the request id into core's log lines for the work it did", async () => {
      const requestId = `trace-${Date.now()}`;
      const res = await api.post('/api/v1/auth/signup', { name: 'Traced', email: uniqueEmail(), password: 'long-enough' }, { headers: { 'x-request-id': requestId } });
      expect(res.status).toBe(201);
      const core = platform.apps.core!;
      const line = await eventually(() => {
        const found = core.logs().find((entry) => entry.request_id === requestId);
        if (!found) throw new Error('no core log line with the request id yet');
        return found;
      });
      expect(line).toMatchObject({ app: 'core', message: expect.stringContaining('auth.signup handled') });
      await eventually(() => expect(platform.apps.gateway!.logs().find((entry) => entry.request_id === requestId)).toBeDefined());
    });
  });

  describe('error envelope for every error class', () => {
    it('should answer 404 ROUTE_NOT_FOUND for an unknown route', async () => {
      expectErrorEnvelope(await api.get('/api/v1/nothing-here', { token: user.accessToken }), 404, 'ROUTE_NOT_FOUND');
    });

    it('should answer 400 MALFORMED_JSON for a broken body', async () => {
      const res = await api.request('POST', '/api/v1/auth/signup', { rawBody: '{"name": "x",', headers: { 'content-type': 'application/json' } });
      expectErrorEnvelope(res, 400, 'MALFORMED_JSON');
    });

    it('should answer 415 for a body that is not JSON', async () => {
      const res = await api.request('POST', '/api/v1/auth/signup', { rawBody: 'name=x', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
      expectErrorEnvelope(res, 415, 'UNSUPPORTED_MEDIA_TYPE');
    });

    it('should answer 415 for a body without a Content-Type', async () => {
      const res = await fetch(`${api.baseUrl}/api/v1/auth/token`, { method: 'POST', body: new Blob(['{"username":"a@b.c","password":"x"}']) });
      expect(res.status).toBe(415);
    });

    it('should answer 413 for a body over 1 MiB', async () => {
      const res = await api.request('POST', '/api/v1/auth/signup', {
        rawBody: JSON.stringify({ name: 'x'.repeat(1_100_000) }),
        headers: { 'content-type': 'application/json' },
      });
      expectErrorEnvelope(res, 413, 'PAYLOAD_TOO_LARGE');
    });

    it('should answer 400 VALIDATION_ERROR with the field and why', async () => {
      const res = await api.post('/api/v1/auth/token', { username: 'a@b.c' });
      const error = expectErrorEnvelope(res, 400, 'VALIDATION_ERROR');
      expect(error.details.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'password' })]));
    });
  });

  describe('operations endpoints', () => {
    it('should serve OpenAPI 3 generated from the code, with the API routes', async () => {
      const res = await api.get('/openapi.json');
      expect(res.status).toBe(200);
      expect(res.body.openapi).toMatch(/^3\./);
      expect(Object.keys(res.body.paths)).toEqual(expect.arrayContaining(['/api/v1/auth/signup', '/api/v1/users/me', '/api/v1/users/{id}']));
    });

    it('should serve Swagger UI at /docs', async () => {
      const res = await fetch(`${api.baseUrl}/docs`);
      expect(res.status).toBe(200);
      expect(await res.text()).toContain('swagger');
    });

    it('should expose Prometheus metrics with request latency and cache lookups', async () => {
      await api.get('/api/v1/users/me', { token: user.accessToken });
      const res = await fetch(`${api.baseUrl}/metrics`);
      const text = await res.text();
      expect(res.headers.get('content-type')).toContain('text/plain');
      expect(text).toContain('http_request_duration_seconds_bucket');
      expect(text).toMatch(/cache_lookups_total\{cache="principal",result="hit"\} \d+/);
    });

    it('should report every app ready on its own port', async () => {
      for (const app of Object.values(platform.apps)) {
        const res = await fetch(`${app.url}/health/ready`);
        expect({ app: app.name, status: res.status }).toEqual({ app: app.name, status: 200 });
        expect((await fetch(`${app.url}/metrics`)).status).toBe(200);
      }
    });
  });

  describe('caching of the authenticated read', () => {
    it('should say X-Cache HIT when /users/me comes from Redis', async () => {
      const res = await api.get('/api/v1/users/me', { token: user.accessToken });
      expect(res.status).toBe(200);
      expect(res.headers.get('x-cache')).toBe('HIT');
    });
  });
});

describe('rate limiting shared across gateway replicas (e2e)', () => {
  let core: AppProcess;
  let gatewayA: AppProcess;
  let gatewayB: AppProcess;

  beforeAll(async () => {
    core = await startApp('core', 3351);
    const limits = { RATE_LIMIT_ANON_PER_HOUR: '4', RATE_LIMIT_USER_PER_HOUR: '3' };
    [gatewayA, gatewayB] = await Promise.all([startApp('gateway', 3350, limits), startApp('gateway', 3352, limits)]);
  });
  afterAll(() => Promise.all([gatewayA, gatewayB, core].map((app) => app?.stop())));

  it('should count anonymous requests per IP across both replicas and answer 429 with Retry-After', async () => {
    // Other suites count anonymous requests from this IP too (with huge limits): start from a clean window.
    const redis = new Redis(TEST_ENV.REDIS_URL);
    await redis.del('rl:ip:127.0.0.1', 'rl:ip:::ffff:127.0.0.1');
    redis.disconnect();
    const a = new ApiClient(gatewayA.url);
    const b = new ApiClient(gatewayB.url);
    const first = await a.post('/api/v1/auth/token', { username: 'x@y.z', password: 'p' });
    expect(first.headers.get('x-ratelimit-remaining')).toBe('3');
    const responses = [];
    for (let i = 0; i < 4; i += 1) responses.push(await (i % 2 ? a : b).post('/api/v1/auth/token', { username: 'x@y.z', password: 'p' }));
    const limited = responses[responses.length - 1];
    expectErrorEnvelope(limited, 429, 'RATE_LIMITED');
    expect(limited.headers.get('x-ratelimit-limit')).toBe('4');
    expect(limited.headers.get('x-ratelimit-remaining')).toBe('0');
    const reset = Number(limited.headers.get('x-ratelimit-reset'));
    expect(reset).toBeGreaterThan(Date.now() / 1000);
    expect(reset).toBeLessThanOrEqual(Date.now() / 1000 + 3601);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(responses.slice(0, -1).every((r) => r.status !== 429)).toBe(true);
  });
});
