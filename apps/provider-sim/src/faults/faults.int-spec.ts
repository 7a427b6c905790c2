import { readFileSync } from 'node:fs';
import { connect, Socket } from 'node:net';
import { join } from 'node:path';
import { eventually } from '../../../../test/support/eventually';
import { parseFeed } from '../../../../test/support/feed-xml';
import { bootProviderSim, RunningProviderSim } from '../../../../test/support/provider-sim';

const feed1 = readFileSync(join(__dirname, '..', 'fixtures', 'feed-1.xml'));

interface RawExchange {
  socket: Socket;
  received(): Buffer;
  closed: Promise<'closed'>; // the connection ended (either side)
  idle: Promise<'idle'>; // nothing arrived for idleMs: the client gives up here
}

// A GET on a bare socket, to see exactly what the simulator sends and when it closes.
function rawGet(url: string, idleMs: number): RawExchange {
  const { hostname, port } = new URL(url);
  const socket = connect(Number(port), hostname);
  const chunks: Buffer[] = [];
  socket.on('data', (chunk: Buffer) => chunks.push(chunk));
  socket.on('error', () => undefined);
  socket.write(`GET /feed HTTP/1.1\r\nHost: ${hostname}\r\nConnection: close\r\n\r\n`);
  socket.setTimeout(idleMs);
  return {
    socket,
    received: () => Buffer.concat(chunks),
    closed: new Promise((resolve) => socket.once('close', () => resolve('closed'))),
    idle: new Promise((resolve) => socket.once('timeout', () => resolve('idle'))),
  };
}

function splitResponse(raw: Buffer): { head: string; body: Buffer } {
  const end = raw.indexOf('\r\n\r\n');
  return { head: raw.subarray(0, end).toString('latin1'), body: raw.subarray(end + 4) };
}

describe('provider-sim faults', () => {
  let running: RunningProviderSim;
  beforeAll(async () => (running = await bootProviderSim(3483)));
  afterAll(() => running?.stop());
  beforeEach(() => running.sim.reset());

  it('should answer normally after latency_ms when the fault is latency', async () => {
    await running.sim.setFault({ mode: 'latency', latency_ms: 300 });
    const started = Date.now();
    const response = await fetch(running.sim.feedUrl);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect([response.status, await response.text()]).toEqual([200, feed1.toString('utf8')]);
  });

  it('should answer a 5xx, 503 unless told, with Retry-After only when given', async () => {
    await running.sim.setFault({ mode: 'server_error' });
    const plain = await fetch(running.sim.feedUrl);
    expect([plain.status, plain.headers.get('retry-after')]).toEqual([503, null]);
    await running.sim.setFault({ mode: 'server_error', status: 502, retry_after_s: 7, latency_ms: 150 });
    const started = Date.now();
    const delayed = await fetch(running.sim.feedUrl);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    expect([delayed.status, delayed.headers.get('retry-after')]).toEqual([502, '7']);
  });

  it('should answer 429 with Retry-After when rate limiting', async () => {
    await running.sim.setFault({ mode: 'rate_limit', retry_after_s: 30 });
    const response = await fetch(running.sim.feedUrl);
    expect([response.status, response.headers.get('retry-after')]).toEqual([429, '30']);
    await running.sim.setFault({ mode: 'rate_limit' });
    expect((await fetch(running.sim.feedUrl)).headers.get('retry-after')).toBe('1');
  });

  it('should answer 200 with XML that does not parse when malformed', async () => {
    await running.sim.setFault({ mode: 'malformed' });
    const response = await fetch(running.sim.feedUrl);
    expect([response.status, response.headers.get('content-type')]).toEqual([200, 'application/xml; charset=utf-8']);
    const body = await response.text();
    expect(() => parseFeed(body)).toThrow();
  });

  it('should answer 200 with a well-formed feed and nothing in <output> when empty', async () => {
    await running.sim.setFault({ mode: 'empty' });
    const response = await fetch(running.sim.feedUrl);
    expect(response.status).toBe(200);
    expect(parseFeed(await response.text())).toEqual({ hasOutput: true, basePlans: [], plans: 0 });
  });

  it('should promise the whole body in Content-Length, send half and close the socket when truncated', async () => {
    await running.sim.setFault({ mode: 'truncated' });
    const exchange = rawGet(running.url, 5000);
    expect(await Promise.race([exchange.closed, exchange.idle])).toBe('closed');
    const { head, body } = splitResponse(exchange.received());
    expect(head).toMatch(/^HTTP\/1\.1 200/);
    expect(head).toMatch(new RegExp(`content-length: ${feed1.length}\\r?$`, 'im'));
    expect(body.length).toBe(Math.floor(feed1.length / 2));
    expect(body.equals(feed1.subarray(0, body.length))).toBe(true);

    const response = await fetch(running.sim.feedUrl); // the next one is truncated too: a client's body read fails
    expect(response.status).toBe(200);
    await expect(response.text()).rejects.toThrow();
  });

  it('should never answer until the client gives up, and let go of the request then, when hanging', async () => {
    await running.sim.setFault({ mode: 'hang' });
    const exchange = rawGet(running.url, 400);
    await eventually(async () => expect((await running.sim.stats()).held).toBe(1));
    expect(await Promise.race([exchange.closed, exchange.idle])).toBe('idle');
    expect(exchange.received().length).toBe(0);
    exchange.socket.destroy();
    await eventually(async () => expect((await running.sim.stats()).held).toBe(0));

    const started = Date.now();
    await expect(fetch(running.sim.feedUrl, { signal: AbortSignal.timeout(300) })).rejects.toThrow(/aborted|timeout/i);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    await eventually(async () => expect((await running.sim.stats()).held).toBe(0));
  });

  it('should send the headers and half the body, then nothing until the client gives up, when stalling', async () => {
    await running.sim.setFault({ mode: 'stall' });
    const exchange = rawGet(running.url, 400);
    expect(await Promise.race([exchange.closed, exchange.idle])).toBe('idle');
    const { head, body } = splitResponse(exchange.received());
    expect(head).toMatch(/^HTTP\/1\.1 200/);
    expect(body.length).toBe(Math.floor(feed1.length / 2));
    exchange.socket.destroy();

    const response = await fetch(running.sim.feedUrl, { signal: AbortSignal.timeout(400) });
    expect(response.status).toBe(200);
    await expect(response.text()).rejects.toThrow();
    await eventually(async () => expect((await running.sim.stats()).held).toBe(0));
  });

  it('should apply a fault with times to that many requests only, without moving the rotation on', async () => {
    await running.sim.setFault({ mode: 'server_error', times: 2 });
    const answers = [];
    for (let i = 0; i < 4; i++) {
      const response = await fetch(running.sim.feedUrl);
      answers.push(`${response.status} ${response.headers.get('x-provider-sim-feed') ?? response.headers.get('x-provider-sim-fault')}`);
    }
    expect(answers).toEqual(['503 server_error', '503 server_error', '200 feed-1', '200 feed-2']);
    expect(await running.sim.fault()).toBeNull();
    expect(await running.sim.stats()).toEqual({ requests: 4, by_status: { 200: 2, 503: 2 }, by_fault: { server_error: 2 }, held: 0 });
  });

  it('should show what is left of a fault and none once it is cleared', async () => {
    await running.sim.setFault({ mode: 'rate_limit', times: 3 });
    await fetch(running.sim.feedUrl);
    expect(await running.sim.fault()).toEqual({ mode: 'rate_limit', times: 3, remaining: 2 });
    await running.sim.clearFault();
    expect(await running.sim.fault()).toBeNull();
    expect((await fetch(running.sim.feedUrl)).status).toBe(200);
  });
});

describe('provider-sim faults from the environment', () => {
  it('should start with the configured fault and re-arm it on reset', async () => {
    const running = await bootProviderSim(3484, { PROVIDER_SIM_FAULT: 'rate_limit', PROVIDER_SIM_RETRY_AFTER_S: '5', PROVIDER_SIM_FAULT_TIMES: '1' });
    try {
      const statuses = async () => [(await fetch(running.sim.feedUrl)).status, (await fetch(running.sim.feedUrl)).status];
      expect(await statuses()).toEqual([429, 200]);
      await running.sim.reset();
      expect(await statuses()).toEqual([429, 200]);
    } finally {
      await running.stop();
    }
  });

  it('should close promptly with hanging, stalled and delayed requests open, ending their sockets', async () => {
    const running = await bootProviderSim(3485, { PROVIDER_SIM_FAULT: 'hang' });
    const hanging = rawGet(running.url, 60_000);
    await eventually(async () => expect((await running.sim.stats()).held).toBe(1));
    await running.sim.setFault({ mode: 'stall' });
    const stalled = rawGet(running.url, 60_000);
    await eventually(async () => expect((await running.sim.stats()).held).toBe(2));
    await running.sim.setFault({ mode: 'latency', latency_ms: 60_000 });
    const delayed = rawGet(running.url, 60_000);
    await eventually(async () => expect((await running.sim.stats()).requests).toBe(3));

    const started = Date.now();
    await running.stop();
    expect(Date.now() - started).toBeLessThan(5000);
    expect(await Promise.all([hanging.closed, stalled.closed, delayed.closed])).toEqual(['closed', 'closed', 'closed']);
    expect(hanging.received().length).toBe(0);
    expect(delayed.received().length).toBe(0);
  });
});
