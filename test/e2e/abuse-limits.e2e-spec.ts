import { ApiClient, expectErrorEnvelope } from '../support/api-client';
import { AppProcess, startApp } from '../support/app-process';

// Issue 14: the client IP behind trusted proxies, and bodies counted before they are parsed. Each test speaks for
// its own made-up client through X-Forwarded-For, so the per-IP buckets of one test are not another's.
describe('rate limits a client cannot dodge (e2e)', () => {
  let core: AppProcess;
  let behindIngress: AppProcess; // TRUST_PROXY=1, as the production overlay sets it
  let behindProxies: AppProcess; // TRUST_PROXY lists this host and a proxy network
  const LIMIT = 5;

  beforeAll(async () => {
    core = await startApp('core', 3621);
    const limits = { RATE_LIMIT_ANON_PER_HOUR: String(LIMIT), BODY_LIMIT_BYTES: '1024' };
    [behindIngress, behindProxies] = await Promise.all([
      startApp('gateway', 3620, { ...limits, TRUST_PROXY: '1' }),
      startApp('gateway', 3622, { ...limits, TRUST_PROXY: '127.0.0.1,10.0.0.0/8' }),
    ]);
  });
  afterAll(() => Promise.all([behindIngress, behindProxies, core].map((app) => app?.stop())));

  const login = (gateway: AppProcess, forwardedFor: string) =>
    new ApiClient(gateway.url).post('/api/v1/auth/token', { username: 'nobody@abuse.test', password: 'guess' }, { headers: { 'x-forwarded-for': forwardedFor } });

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
});
