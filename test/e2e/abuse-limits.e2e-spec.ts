import { ApiClient, ApiResponse, expectErrorEnvelope, loginAdmin, RequestOptions, signupAndLogin } from '../support/api-client';
import { AppProcess, startApp } from '../support/app-process';
import { eventually } from '../support/eventually';

// A client at its own address, as the trusted proxy in front of the gateway reports it.
class ClientAt extends ApiClient {
  constructor(
    baseUrl: string,
    private readonly ip: string,
  ) {
    super(baseUrl);
  }

  override request<T = any>(method: string, path: string, options: RequestOptions = {}): Promise<ApiResponse<T>> {
    return super.request<T>(method, path, { ...options, headers: { 'x-forwarded-for': this.ip, ...options.headers } });
  }
}

let addresses = 0;
// A new client address each time (192.0.2.0/24 and 198.18.0.0/15 are for documentation and tests).
const newClient = (gateway: AppProcess) => new ClientAt(gateway.url, `198.18.${Math.floor(++addresses / 250)}.${(addresses % 250) + 1}`);

// Issue 14: the client IP behind trusted proxies, and bodies counted before they are parsed. Each test speaks for
// its own made-up client through X-Forwarded-For, so the per-IP buckets of one test are not another's.
describe('rate limits a client cannot dodge (e2e)', () => {
  let core: AppProcess;
  let behindIngress: AppProcess; // TRUST_PROXY=1, as the production overlay sets it
  let behindProxies: AppProcess; // TRUST_PROXY lists this host and a proxy network
  const LIMIT = 5;

  beforeAll(async () => {
    core = await startApp('core', 3621);
    const limits = { RATE_LIMIT_ANON_PER_HOUR: String(LIMIT), BODY_LIMIT_BYTES: '1024', LOGIN_MAX_FAILURES: '3', LOGIN_FAILURE_WINDOW: '15m' };
    [behindIngress, behindProxies] = await Promise.all([
      // Short lock-outs here, to see one end by itself; long ones behind the proxies, for the admin to lift.
      startApp('gateway', 3620, { ...limits, TRUST_PROXY: '1', LOGIN_LOCKOUT_BASE: '2s' }),
      startApp('gateway', 3622, { ...limits, TRUST_PROXY: '127.0.0.1,10.0.0.0/8', LOGIN_LOCKOUT_BASE: '10m' }),
    ]);
  });
  afterAll(() => Promise.all([behindIngress, behindProxies, core].map((app) => app?.stop())));

  // Each guess at another unknown account, so the per-account throttle stays out of the per-IP tests.
  const login = (gateway: AppProcess, forwardedFor: string) =>
    new ApiClient(gateway.url).post(
      '/api/v1/auth/token',
      { username: `nobody-${++addresses}@abuse.test`, password: 'guess' },
      { headers: { 'x-forwarded-for': forwardedFor } },
    );

  describe('client IP', () => {
    it.each([
      ['one trusted hop (the ingress)', () => behindIngress],
      ['the listed proxies', () => behindProxies],
    ])('should give every spoofed left-most X-Forwarded-For one bucket, the real client, behind %s', async (_, gateway) => {
      const client = `198.51.100.${gateway() === behindIngress ? 7 : 8}`;
      const answers = [];
      for (let n = 1; n <= 12; n += 1) answers.push(await login(gateway(), `203.0.113.${n}, ${client}`));

      expect(answers.slice(0, LIMIT).map((answer) => answer.status)).toEqual(Array(LIMIT).fill(401));
      expect(answers.slice(0, LIMIT).map((answer) => answer.headers.get('x-ratelimit-remaining'))).toEqual(['4', '3', '2', '1', '0']);
      for (const answer of answers.slice(LIMIT)) expectErrorEnvelope(answer, 429, 'RATE_LIMITED');
      expect(Number(answers[11].headers.get('retry-after'))).toBeGreaterThan(0);
    });

    it('should count a client reached through a trusted proxy in its own bucket, not the proxy’s', async () => {
      // The client's own claim on the left changes nothing either.
      for (let n = 0; n < LIMIT; n += 1) await login(behindProxies, `203.0.113.${50 + n}, 198.51.100.20, 10.0.0.5`);
      expectErrorEnvelope(await login(behindProxies, '198.51.100.20, 10.0.0.5'), 429, 'RATE_LIMITED');

      const neighbour = await login(behindProxies, '198.51.100.21, 10.0.0.5');
      expectErrorEnvelope(neighbour, 401, 'INVALID_CREDENTIALS');
      expect(neighbour.headers.get('x-ratelimit-remaining')).toBe(String(LIMIT - 1));
    });
  });

  describe('bodies', () => {
    const send = (client: string, contentType: string | undefined, rawBody: string) =>
      new ApiClient(behindIngress.url).request('POST', '/api/v1/auth/token', {
        rawBody,
        headers: { 'x-forwarded-for': client, ...(contentType ? { 'content-type': contentType } : {}) },
      });

    it('should count bodies refused with 400, 413 and 415 against the per-IP limit and then answer 429 without parsing', async () => {
      const client = '198.51.100.30';
      const refused = [
        await send(client, 'application/json', '{"username":'),
        await send(client, 'application/json', JSON.stringify({ username: 'x'.repeat(2048), password: 'p' })),
        await send(client, 'text/plain', 'username=x'),
        await send(client, 'application/x-www-form-urlencoded', 'username=x&password=y'),
        await send(client, 'application/json', '{"username":'),
      ];

      expect(refused.map((answer) => answer.status)).toEqual([400, 413, 415, 415, 400]);
      expect(refused.map((answer) => answer.headers.get('x-ratelimit-remaining'))).toEqual(['4', '3', '2', '1', '0']);
      // Spent: a broken body and an over-long one get 429, not 400 or 413, so neither was read into the parser.
      expectErrorEnvelope(await send(client, 'application/json', '{"username":'), 429, 'RATE_LIMITED');
      expectErrorEnvelope(await send(client, 'application/json', JSON.stringify({ password: 'p'.repeat(4096) })), 429, 'RATE_LIMITED');
    });
  });

  describe('login throttling per account', () => {
    const guess = (gateway: AppProcess, email: string, password = 'wrong-password-1') => newClient(gateway).post('/api/v1/auth/token', { username: email, password });

    it('should refuse even the right password with 429 and Retry-After once failures from many IPs reach the limit, until the lock-out ends', async () => {
      const victim = await signupAndLogin(newClient(behindIngress));
      const failures = [await guess(behindIngress, victim.email), await guess(behindIngress, victim.email.toUpperCase()), await guess(behindIngress, victim.email)];
      expect(failures.map((answer) => answer.status)).toEqual([401, 401, 401]);

      const locked = await guess(behindIngress, victim.email, victim.password);
      expectErrorEnvelope(locked, 429, 'RATE_LIMITED');
      expect(Number(locked.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(Number(locked.headers.get('retry-after'))).toBeLessThanOrEqual(2);

      // The 2 s lock-out ends by itself; every try comes from a new address, as an attacker's would.
      const after = await eventually(async () => {
        const answer = await guess(behindIngress, victim.email, victim.password);
        expect(answer.status).toBe(200);
        return answer;
      });
      expect(after.body.access_token).toEqual(expect.any(String));
    });

    it('should keep an account locked out for its whole time until an admin lifts it, and only an admin', async () => {
      const victim = await signupAndLogin(newClient(behindProxies));
      for (let n = 0; n < 3; n += 1) await guess(behindProxies, victim.email);
      expectErrorEnvelope(await guess(behindProxies, victim.email, victim.password), 429, 'RATE_LIMITED');
      const retryAfter = Number((await guess(behindProxies, victim.email, victim.password)).headers.get('retry-after'));
      expect(retryAfter).toBeGreaterThan(9 * 60);

      const path = `/api/v1/admin/users/${victim.id}/login-lockout`;
      const other = await signupAndLogin(newClient(behindProxies));
      expectErrorEnvelope(await newClient(behindProxies).delete(path, { token: other.accessToken }), 403, 'FORBIDDEN');
      expectErrorEnvelope(await guess(behindProxies, victim.email, victim.password), 429, 'RATE_LIMITED');

      const admin = await loginAdmin(newClient(behindProxies));
      expect((await newClient(behindProxies).delete(path, { token: admin.accessToken })).status).toBe(204);
      expect((await guess(behindProxies, victim.email, victim.password)).status).toBe(200);
      expectErrorEnvelope(
        await newClient(behindProxies).delete(`/api/v1/admin/users/00000000-0000-4000-8000-000000000000/login-lockout`, { token: admin.accessToken }),
        404,
        'NOT_FOUND',
      );
    });
  });
});
