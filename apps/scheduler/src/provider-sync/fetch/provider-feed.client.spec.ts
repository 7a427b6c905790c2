import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { text } from 'node:stream/consumers';
import { SpooledFeed } from './feed-download.util';
import { FeedFetchError } from './feed-fetch.errors';
import { FeedClientConfig, FeedFetchRequest, ProviderFeedClient } from './provider-feed.client';

type Handler = (req: IncomingMessage, res: ServerResponse, hit: number) => void;

const FEED = '<planList><output><base_plan base_plan_id="1"/></output></planList>';
const sha256 = (body: string) => createHash('sha256').update(body).digest('hex');
const NO_VALIDATORS = { etag: null, lastModified: null };

describe('ProviderFeedClient (against a local HTTP server)', () => {
  let server: Server;
  let url: string;
  let handler: Handler;
  let hits: Array<{ at: number; headers: IncomingMessage['headers'] }>;
  let spoolDir: string;

  function client(overrides: Partial<FeedClientConfig> = {}): ProviderFeedClient {
    const config: FeedClientConfig = { PROVIDER_URL: url, PROVIDER_TIMEOUT: 2000, PROVIDER_RETRY_ATTEMPTS: 3, PROVIDER_MAX_FEED_BYTES: 4096, ...overrides };
    return new ProviderFeedClient(config, { initialDelayMs: 10, maxDelayMs: 40, spoolDir });
  }

  const request = (overrides: Partial<FeedFetchRequest> = {}): FeedFetchRequest => ({
    validators: NO_VALIDATORS,
    lastContentHash: null,
    deadline: Date.now() + 20_000,
    ...overrides,
  });

  async function failure(promise: Promise<unknown>): Promise<FeedFetchError> {
    const error = await promise.then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(FeedFetchError);
    return error as FeedFetchError;
  }

  const spooledFiles = () => readdirSync(spoolDir);

  beforeAll(async () => {
    // The spool's temp files land here, so a test can see that none is left behind.
    spoolDir = mkdtempSync(join(tmpdir(), 'feed-client-spec-'));
    server = createServer((req, res) => {
      hits.push({ at: Date.now(), headers: req.headers });
      handler(req, res, hits.length);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/feed`;
  });

  beforeEach(() => {
    hits = [];
  });

  afterEach(() => {
    expect(spooledFiles()).toEqual([]);
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    rmSync(spoolDir, { recursive: true, force: true });
  });

  it('should spool the body of a 200 with its sha256 and validators, and remove the temp file on dispose', async () => {
    handler = (_req, res) => res.writeHead(200, { etag: '"v1"', 'last-modified': 'Mon, 01 Dec 2026 10:00:00 GMT' }).end(FEED);

    const feed = (await client().fetch(request())) as SpooledFeed;

    expect(feed.kind).toBe('fetched');
    expect(feed.contentHash).toBe(sha256(FEED));
    expect(feed.bytes).toBe(Buffer.byteLength(FEED));
    expect(feed.validators).toEqual({ etag: '"v1"', lastModified: 'Mon, 01 Dec 2026 10:00:00 GMT' });
    expect(feed.lastModifiedAt).toEqual(new Date('2026-12-01T10:00:00Z'));
    expect(await text(feed.open())).toBe(FEED);
    expect(spooledFiles()).toHaveLength(1);
    await feed.dispose();
  });

  it('should send If-None-Match and If-Modified-Since and report unchanged when the provider answers 304', async () => {
    handler = (req, res) => res.writeHead(req.headers['if-none-match'] === '"v1"' ? 304 : 200).end(req.headers['if-none-match'] === '"v1"' ? undefined : FEED);

    const result = await client().fetch(request({ validators: { etag: '"v1"', lastModified: 'Mon, 01 Dec 2026 10:00:00 GMT' }, lastContentHash: 'previous' }));

    expect(result).toMatchObject({ kind: 'unchanged', how: 'not_modified', attempts: 1 });
    expect(hits[0].headers).toMatchObject({ 'if-none-match': '"v1"', 'if-modified-since': 'Mon, 01 Dec 2026 10:00:00 GMT' });
  });

  it('should send no conditional headers and report unchanged when the body hashes to the last applied one', async () => {
    handler = (_req, res) => res.writeHead(200).end(FEED);

    const same = await client().fetch(request({ lastContentHash: sha256(FEED) }));
    const other = (await client().fetch(request({ lastContentHash: sha256('older feed') }))) as SpooledFeed;

    expect(same).toMatchObject({ kind: 'unchanged', how: 'same_content' });
    expect(other.kind).toBe('fetched');
    await other.dispose();
    expect(hits[0].headers['if-none-match']).toBeUndefined();
    expect(hits[0].headers['if-modified-since']).toBeUndefined();
  });

  it.each([500, 502, 503, 429])('should retry when the provider answers %i and succeed when it recovers', async (status) => {
    handler = (_req, res, hit) => (hit < 3 ? res.writeHead(status).end('busy') : res.writeHead(200).end(FEED));

    const feed = (await client().fetch(request())) as SpooledFeed & { attempts: number };

    expect(feed.attempts).toBe(3);
    expect(hits).toHaveLength(3);
    await feed.dispose();
  });

  it.each([400, 401, 403, 404, 410])('should fail at once, without a retry, when the provider answers %i', async (status) => {
    handler = (_req, res) => res.writeHead(status).end('no');

    const error = await failure(client().fetch(request()));

    expect(hits).toHaveLength(1);
    expect(error).toMatchObject({ failure: 'http', retryable: false });
    expect(error.message).toMatch(new RegExp(`^the provider answered HTTP ${status}`));
  });

  it('should give up after PROVIDER_RETRY_ATTEMPTS retries and say how many attempts it made', async () => {
    handler = (_req, res) => res.writeHead(503).end();

    const error = await failure(client({ PROVIDER_RETRY_ATTEMPTS: 2 }).fetch(request()));

    expect(hits).toHaveLength(3);
    expect(error.message).toBe('the provider answered HTTP 503 Service Unavailable (3 attempts)');
    expect(error.message).not.toContain('127.0.0.1');
  });

  it('should retry when the connection is dropped before an answer, naming no host', async () => {
    handler = (req, res, hit) => (hit === 1 ? req.socket.destroy() : res.writeHead(200).end(FEED));

    const feed = (await client().fetch(request())) as SpooledFeed & { attempts: number };

    expect(feed.attempts).toBe(2);
    await feed.dispose();
  });

  it('should report an unreachable provider as a network error without its address', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));

    const error = await failure(client({ PROVIDER_URL: `http://127.0.0.1:${port}/feed`, PROVIDER_RETRY_ATTEMPTS: 1 }).fetch(request()));

    expect(error).toMatchObject({ failure: 'network', retryable: true });
    expect(error.message).toBe('the provider is unreachable (connection refused) (2 attempts)');
  });

  it('should wait the seconds of Retry-After on a 429 before the next attempt', async () => {
    handler = (_req, res, hit) => (hit === 1 ? res.writeHead(429, { 'retry-after': '1' }).end() : res.writeHead(200).end(FEED));

    const feed = (await client().fetch(request())) as SpooledFeed;

    expect(hits[1].at - hits[0].at).toBeGreaterThanOrEqual(1000);
    await feed.dispose();
  });

  it('should wait until the HTTP-date of Retry-After on a 503 before the next attempt', async () => {
    let retryAt = 0;
    handler = (_req, res, hit) => {
      if (hit > 1) return res.writeHead(200).end(FEED);
      // HTTP-dates have whole seconds: two seconds ahead is at least one second of waiting.
      retryAt = Math.floor((Date.now() + 2000) / 1000) * 1000;
      res.writeHead(503, { 'retry-after': new Date(retryAt).toUTCString() }).end();
    };

    const feed = (await client().fetch(request())) as SpooledFeed;

    expect(hits[1].at).toBeGreaterThanOrEqual(retryAt - 5);
    await feed.dispose();
  });

  it('should not start a wait the provider asks for when it would overrun the budget', async () => {
    handler = (_req, res) => res.writeHead(503, { 'retry-after': '30' }).end();
    const started = Date.now();

    const error = await failure(client().fetch(request({ deadline: started + 10_000 })));

    expect(Date.now() - started).toBeLessThan(1000);
    expect(hits).toHaveLength(1);
    expect(error.message).toBe(
      'the provider answered HTTP 503 Service Unavailable; gave up after 1 attempt: the 30 s the provider asked to wait (Retry-After) would not end before the next sync',
    );
  });

  it('should time out a provider that never answers, and retry it only while a whole attempt fits the budget', async () => {
    handler = () => undefined; // never answers
    const started = Date.now();

    const error = await failure(client({ PROVIDER_TIMEOUT: 300, PROVIDER_RETRY_ATTEMPTS: 10 }).fetch(request({ deadline: started + 1000 })));

    const elapsed = Date.now() - started;
    expect(error).toMatchObject({ failure: 'timeout', retryable: true });
    expect(error.message).toMatch(/^the provider did not answer within 0.3 s \(PROVIDER_TIMEOUT\); gave up after [23] attempts/);
    expect(hits.length).toBeGreaterThanOrEqual(2);
    expect(hits.length).toBeLessThanOrEqual(3);
    expect(elapsed).toBeLessThanOrEqual(1000 + 50);
  });

  it('should time out a body that stops arriving, since the deadline covers the body too', async () => {
    handler = (_req, res) => {
      res.writeHead(200, { 'content-length': '1000' });
      res.write('<planList>'); // and then nothing
    };
    const started = Date.now();

    const error = await failure(client({ PROVIDER_TIMEOUT: 300, PROVIDER_RETRY_ATTEMPTS: 0 }).fetch(request()));

    expect(error.message).toBe('the provider did not send the whole feed within 0.3 s (PROVIDER_TIMEOUT)');
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('should refuse a body over PROVIDER_MAX_FEED_BYTES without retrying, whether announced or streamed', async () => {
    const big = 'x'.repeat(5000);
    handler = (_req, res, hit) => {
      if (hit === 1) return res.writeHead(200, { 'content-length': String(big.length) }).end(big);
      res.writeHead(200); // chunked: no length announced
      res.write(big.slice(0, 2500));
      res.end(big.slice(2500));
    };

    const announced = await failure(client({ PROVIDER_MAX_FEED_BYTES: 4096 }).fetch(request()));
    const streamed = await failure(client({ PROVIDER_MAX_FEED_BYTES: 4096 }).fetch(request()));

    for (const error of [announced, streamed]) {
      expect(error).toMatchObject({ failure: 'too_large', retryable: false });
      expect(error.message).toBe('the feed is larger than PROVIDER_MAX_FEED_BYTES (4096 bytes)');
    }
    expect(hits).toHaveLength(2);
  });

  it('should treat a body cut short of its Content-Length as truncated and retry it', async () => {
    handler = (_req, res, hit) => {
      if (hit > 1) return res.writeHead(200).end(FEED);
      res.writeHead(200, { 'content-length': '1000' });
      res.write('<planList><output>', () => res.socket?.destroy());
    };

    const feed = (await client().fetch(request())) as SpooledFeed & { attempts: number };

    expect(feed.attempts).toBe(2);
    expect(feed.contentHash).toBe(sha256(FEED));
    await feed.dispose();
  });

  it('should say how much of the body arrived when every attempt is truncated', async () => {
    handler = (_req, res) => {
      res.writeHead(200, { 'content-length': '1000' });
      res.write('<planList><output>', () => res.socket?.destroy());
    };

    const error = await failure(client({ PROVIDER_RETRY_ATTEMPTS: 1 }).fetch(request()));

    expect(error).toMatchObject({ failure: 'truncated', retryable: true });
    // What already arrived may be dropped with the failed stream, so only the announced length is certain.
    expect(error.message).toMatch(/^the provider closed the connection before the feed was complete \(\d+ bytes of the 1000 announced\) \(2 attempts\)$/);
  });

  it('should stop at once, not retry, when the scheduler shuts down mid-attempt', async () => {
    const shutdown = new AbortController();
    handler = () => shutdown.abort(); // the request arrived: now the scheduler stops

    const error = await failure(client({ PROVIDER_TIMEOUT: 5000 }).fetch(request({ signal: shutdown.signal })));

    expect(error).toMatchObject({ failure: 'interrupted', retryable: false });
    expect(hits).toHaveLength(1);
  });
});
