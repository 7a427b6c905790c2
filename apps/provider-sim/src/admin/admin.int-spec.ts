import { bootProviderSim, RunningProviderSim } from '../../../../test/support/provider-sim';

interface Envelope {
  data: null;
  error: { code: string; message: string; details?: { errors?: Array<{ field: string; problems: string[] }> }; request_id: string };
}

describe('provider-sim admin API', () => {
  let running: RunningProviderSim;
  beforeAll(async () => (running = await bootProviderSim(3486)));
  afterAll(() => running?.stop());
  beforeEach(() => running.sim.reset());

  const send = (method: string, path: string, body?: string, contentType = 'application/json') =>
    fetch(`${running.url}${path}`, { method, ...(body === undefined ? {} : { body, headers: { 'content-type': contentType } }) });

  it.each<[string, unknown, string]>([
    ['an unknown mode', { mode: 'explode' }, 'mode'],
    ['no mode', { latency_ms: 10 }, 'mode'],
    ['an unknown field', { mode: 'hang', forever: true }, '(body)'],
    ['a negative latency', { mode: 'latency', latency_ms: -1 }, 'latency_ms'],
    ['latency without latency_ms', { mode: 'latency' }, 'latency_ms'],
    ['a status that is not 5xx', { mode: 'server_error', status: 404 }, 'status'],
    ['a status for another mode', { mode: 'rate_limit', status: 503 }, 'status'],
    ['a fractional Retry-After', { mode: 'rate_limit', retry_after_s: 1.5 }, 'retry_after_s'],
    ['zero times', { mode: 'hang', times: 0 }, 'times'],
    ['times as a string', { mode: 'hang', times: '2' }, 'times'],
    ['an array', [{ mode: 'hang' }], '(body)'],
  ])('should refuse a fault with %s as 400 VALIDATION_ERROR naming the field', async (_case, body, field) => {
    const response = await send('PUT', '/admin/faults', JSON.stringify(body));
    expect(response.status).toBe(400);
    const envelope = (await response.json()) as Envelope;
    expect(envelope).toEqual({ data: null, error: expect.objectContaining({ code: 'VALIDATION_ERROR', request_id: expect.any(String) }) });
    expect(envelope.error.details!.errors!.map((error) => error.field)).toContain(field);
  });

  it.each<[string, string | undefined, string]>([
    ['a body that is not JSON', '{"mode": ', 'application/json'],
    ['plain text', 'hang', 'text/plain'],
    ['no body', undefined, 'application/json'],
  ])('should refuse %s as 400 in the error envelope', async (_case, body, contentType) => {
    const response = await send('PUT', '/admin/faults', body, contentType);
    expect(response.status).toBe(400);
    expect(((await response.json()) as Envelope).error.code).toMatch(/^(BAD_REQUEST|VALIDATION_ERROR)$/);
  });

  it('should keep the fault it had when a new one is refused', async () => {
    await running.sim.setFault({ mode: 'empty' });
    expect((await send('PUT', '/admin/faults', JSON.stringify({ mode: 'empty', times: -3 }))).status).toBe(400);
    expect(await running.sim.fault()).toEqual({ mode: 'empty', remaining: null });
  });

  it.each<[string, unknown, string]>([
    ['an unknown mode', { mode: 'random' }, 'mode'],
    ['no plans', { mode: 'generated' }, 'plans'],
    ['too many plans', { mode: 'generated', plans: 100_001 }, 'plans'],
    ['a share above 1', { mode: 'generated', plans: 10, vary_share: 2 }, 'vary_share'],
    ['zero rotate_every', { mode: 'rotation', rotate_every: 0 }, 'rotate_every'],
    ['a field of another mode', { mode: 'rotation', plans: 10 }, '(body)'],
  ])('should refuse a feed setting with %s as 400 naming the field', async (_case, body, field) => {
    const response = await send('PUT', '/admin/feed', JSON.stringify(body));
    expect(response.status).toBe(400);
    expect(((await response.json()) as Envelope).error.details!.errors!.map((error) => error.field)).toContain(field);
  });

  it('should refuse a fixture that does not exist, listing those that do', async () => {
    const response = await send('PUT', '/admin/feed', JSON.stringify({ mode: 'fixture', fixture: 'feed-99' }));
    expect(response.status).toBe(400);
    expect(((await response.json()) as Envelope).error).toEqual(
      expect.objectContaining({ code: 'VALIDATION_ERROR', details: { fixtures: ['feed-1', 'feed-2', 'feed-3', 'feed-4'] } }),
    );
  });

  it('should describe the feed: its setting, the fixtures and what the next request gets', async () => {
    await fetch(running.sim.feedUrl);
    expect(await running.sim.feed()).toEqual({ mode: 'rotation', rotate_every: 1, fixtures: ['feed-1', 'feed-2', 'feed-3', 'feed-4'], requests: 1, next: 'feed-2' });
    expect(await running.sim.setFeed({ mode: 'generated', plans: 50 })).toEqual(
      expect.objectContaining({ mode: 'generated', plans: 50, seed: 1, vary_share: 0, next: 'generated v0' }),
    );
  });

  it('should count feed requests by status, 304s included, and start again from nothing on reset', async () => {
    const first = await fetch(running.sim.feedUrl);
    await running.sim.setFeed({ mode: 'fixture', fixture: 'feed-1' });
    await fetch(running.sim.feedUrl, { headers: { 'if-none-match': first.headers.get('etag')! } });
    await running.sim.setFault({ mode: 'rate_limit' });
    await fetch(running.sim.feedUrl);
    expect(await running.sim.stats()).toEqual({ requests: 3, by_status: { 200: 1, 304: 1, 429: 1 }, by_fault: { rate_limit: 1 }, held: 0 });

    await running.sim.reset();
    expect(await running.sim.stats()).toEqual({ requests: 0, by_status: {}, by_fault: {}, held: 0 });
    expect(await running.sim.fault()).toBeNull();
    expect((await fetch(running.sim.feedUrl)).headers.get('x-provider-sim-feed')).toBe('feed-1');
  });

  it('should answer 204 to DELETE /admin/faults and POST /admin/reset, and an unknown route with 404 in the envelope', async () => {
    expect((await send('DELETE', '/admin/faults')).status).toBe(204);
    expect((await send('POST', '/admin/reset')).status).toBe(204);
    const missing = await send('GET', '/admin/nothing');
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as Envelope).error.code).toBe('ROUTE_NOT_FOUND');
  });
});
