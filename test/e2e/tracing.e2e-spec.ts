import { execFileSync } from 'node:child_process';
import { Client } from 'pg';
import { ApiClient, signupAndLogin, TestUser } from '../support/api-client';
import { AppProcess, startApp } from '../support/app-process';
import { eventually } from '../support/eventually';
import { OtlpReceiver, parentOf, ReceivedSpan, traceTree } from '../support/otlp-receiver';
import { order } from '../support/orders';
import { makePlan } from '../support/plans';
import { TEST_ENV } from '../support/test-env';

type Traced = 'gateway' | 'core' | 'indexer' | 'scheduler';
const SERVER = 2;
const CLIENT = 3;
const PRODUCER = 4;
const CONSUMER = 5;
// The outbox relay's advisory lock (OutboxRepository): while the test holds it, no relay publishes.
const RELAY_LOCK_KEY = 7_363_517_002;

function rabbitmqctl(...args: string[]): void {
  execFileSync('rabbitmqctl', ['-q', ...args], { stdio: 'pipe', timeout: 60_000 });
}

function one(spans: ReceivedSpan[], service: string, kind: number, name: string): ReceivedSpan {
  const found = spans.filter((span) => span.service === service && span.kind === kind && span.name === name);
  if (found.length !== 1) throw new Error(`want one ${service} "${name}" span, found ${found.length} in:\n${traceTree(spans)}`);
  return found[0];
}

function isUnder(spans: ReceivedSpan[], span: ReceivedSpan, ancestor: ReceivedSpan): boolean {
  for (let up = parentOf(spans, span); up; up = parentOf(spans, up)) if (up === ancestor) return true;
  return false;
}

describe('tracing across processes (e2e)', () => {
  const receiver = new OtlpReceiver();
  const apps: Partial<Record<Traced, AppProcess>> = {};
  let api: ApiClient;
  let user: TestUser;

  const tracingEnv = (): Record<string, string> => ({
    OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
    OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
    OTEL_BSP_SCHEDULE_DELAY: '100',
  });
  const PORTS: Record<Traced, number> = { gateway: 3600, core: 3601, indexer: 3602, scheduler: 3603 };
  const EXTRA: Partial<Record<Traced, Record<string, string>>> = {
    // No simulator: the sync fails fast, which is a traced run all the same. A refresh tick every 2 s.
    scheduler: { PROVIDER_URL: 'http://127.0.0.1:9/feed', MV_REFRESH_SCHEDULE: '*/2 * * * * *' },
  };
  const start = (name: Traced) => startApp(name, PORTS[name], { ...tracingEnv(), OTEL_SERVICE_NAME: name, ...EXTRA[name] });

  // The whole trace of one gateway request, found by the request id it answered with, once `complete` holds.
  async function traceOf(requestId: string, complete: (spans: ReceivedSpan[]) => boolean): Promise<ReceivedSpan[]> {
    return receiver.waitFor((all) => {
      const server = all.find((span) => span.service === 'gateway' && span.kind === SERVER && span.attributes['app.request_id'] === requestId);
      if (!server) return undefined;
      const spans = receiver.trace(server.traceId);
      return complete(spans) ? spans : undefined;
    });
  }

  // Every process's part has arrived (each app exports on its own schedule).
  const planIndexed = (spans: ReceivedSpan[]) =>
    ['plans.create process', 'plan.created publish', 'plan.created process'].every((name) => spans.some((span) => span.name === name));

  async function postPlan(): Promise<{ requestId: string; objectId: string }> {
    const plan = makePlan();
    const res = await api.post('/api/v1/plans', plan, { token: user.accessToken });
    expect(res.status).toBe(201);
    return { requestId: res.headers.get('x-request-id')!, objectId: plan.objectId };
  }

  // gateway HTTP -> RPC call -> core handler (pg spans under it) -> outbox publish -> indexer handler.
  function expectPlanChain(spans: ReceivedSpan[]): void {
    const server = one(spans, 'gateway', SERVER, 'POST /api/v1/plans');
    expect(server.parentSpanId).toBeUndefined();
    // The RPC is a CLIENT span from the send to the reply; core's handler is its SERVER span, inside it.
    const rpc = one(spans, 'gateway', CLIENT, 'plans.create call');
    expect(parentOf(spans, rpc)).toBe(server);
    const handler = one(spans, 'core', SERVER, 'plans.create process');
    expect(parentOf(spans, handler)).toBe(rpc);
    expect(rpc.startNs <= handler.startNs && handler.startNs <= rpc.endNs).toBe(true);
    const queries = spans.filter((span) => span.service === 'core' && span.attributes['db.system.name'] === 'postgresql');
    // The plan, its objects, outbox row and audit event are one statement (WITH ... INSERT ...), with no BEGIN/COMMIT.
    expect(queries.map((span) => span.name)).toEqual(expect.arrayContaining([expect.stringMatching(/^pg\.query:WITH /)]));
    for (const query of queries) expect(isUnder(spans, query, handler)).toBe(true);
    // ioredis is required when @app/common loads: its spans show the instrumentation was registered before that.
    const redis = spans.filter((span) => span.service === 'core' && (span.attributes['db.system.name'] ?? span.attributes['db.system']) === 'redis');
    expect(redis.length).toBeGreaterThan(0);
    for (const command of redis) expect(isUnder(spans, command, handler)).toBe(true);
    const relay = one(spans, 'core', PRODUCER, 'plan.created publish');
    expect(parentOf(spans, relay)).toBe(handler);
    const indexed = one(spans, 'indexer', CONSUMER, 'plan.created process');
    expect(parentOf(spans, indexed)).toBe(relay);
  }

  beforeAll(async () => {
    await receiver.start();
    apps.core = await start('core');
    [apps.gateway, apps.indexer, apps.scheduler] = await Promise.all([start('gateway'), start('indexer'), start('scheduler')]);
    api = new ApiClient(apps.gateway.url);
    user = await signupAndLogin(api);
  }, 120_000);

  afterAll(async () => {
    await Promise.all(Object.values(apps).map((app) => app?.stop()));
    await receiver.stop();
  });

  it('should give a plan POST one trace from the gateway through core (with its pg spans) and the outbox to the indexer', async () => {
    const { requestId } = await postPlan();

    const spans = await traceOf(requestId, planIndexed);

    expectPlanChain(spans);
    process.stdout.write(`plan POST trace:\n${traceTree(spans)}\n`);
  });

  it("should write the handler's trace_id and span_id on core's log lines for the request", async () => {
    const { requestId } = await postPlan();
    const spans = await traceOf(requestId, planIndexed);
    const handler = one(spans, 'core', SERVER, 'plans.create process');

    const lines = apps.core!.logs().filter((line) => line.request_id === requestId);

    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) expect(line).toMatchObject({ trace_id: handler.traceId, span_id: expect.stringMatching(/^[0-9a-f]{16}$/) });
    expect(lines.map((line) => line.span_id)).toContain(handler.spanId);
  });

  it("should give the orders batch span a link to the order message's context", async () => {
    const res = await api.post('/api/v1/orders', order(), { token: user.accessToken });
    expect(res.status).toBe(202);
    const requestId = res.headers.get('x-request-id')!;
    const spans = await traceOf(requestId, (trace) => trace.some((span) => span.name === 'core.orders publish'));
    const publish = one(spans, 'gateway', PRODUCER, 'core.orders publish');
    expect(parentOf(spans, publish)).toBe(one(spans, 'gateway', SERVER, 'POST /api/v1/orders'));

    const batch = await receiver.waitFor((all) =>
      all.find((span) => span.name === 'orders.place batch' && span.links.some((link) => link.traceId === publish.traceId && link.spanId === publish.spanId)),
    );

    expect(batch.service).toBe('core');
    expect(batch.traceId).not.toBe(publish.traceId);
    expect(batch.parentSpanId).toBeUndefined();
    const inserts = receiver.trace(batch.traceId).filter((span) => span.attributes['db.system.name'] === 'postgresql' && /INSERT/.test(span.name));
    expect(inserts.length).toBeGreaterThan(0);
    process.stdout.write(`order POST trace:\n${traceTree(spans)}\norders batch trace (linked):\n${traceTree(receiver.trace(batch.traceId))}\n`);
  });

  it('should publish an outbox event written before a core restart in its original trace', async () => {
    const db = new Client({ connectionString: TEST_ENV.DATABASE_URL });
    await db.connect();
    try {
      // A core that never publishes from memory (as if it died after each commit), and the relay's lock held:
      // core commits the plan and its event, and cannot publish it.
      await apps.core!.stop();
      apps.core = await startApp('core', PORTS.core, { ...tracingEnv(), OTEL_SERVICE_NAME: 'core', ...EXTRA.core, TEST_SKIP_OUTBOX_HANDOFF: 'true' });
      await db.query('BEGIN');
      await db.query('SELECT pg_advisory_xact_lock($1)', [RELAY_LOCK_KEY]);
      const { requestId, objectId } = await postPlan();
      const written = await traceOf(requestId, (trace) => trace.some((span) => span.name === 'plans.create process'));
      const handler = one(written, 'core', SERVER, 'plans.create process');
      expect(written.some((span) => span.name === 'plan.created publish')).toBe(false);
      const { rows } = await db.query(`SELECT trace_context FROM outbox WHERE aggregate_id = $1 AND published_at IS NULL`, [objectId]);
      expect(rows).toEqual([{ trace_context: { traceparent: `00-${handler.traceId}-${handler.spanId}-01` } }]);

      expect(await apps.core.stop('SIGKILL')).toBeNull();
      await db.query('COMMIT');
      apps.core = await start('core');

      const spans = await receiver.waitFor(() => (planIndexed(receiver.trace(handler.traceId)) ? receiver.trace(handler.traceId) : undefined));
      const relay = one(spans, 'core', PRODUCER, 'plan.created publish');
      expect(parentOf(spans, relay)).toBe(handler);
      expect(parentOf(spans, one(spans, 'indexer', CONSUMER, 'plan.created process'))).toBe(relay);
    } finally {
      await db.query('ROLLBACK').catch(() => undefined);
      await db.end();
    }
  });

  it('should make a scheduler refresh tick a trace of its own that reaches core', async () => {
    const spans = await receiver.waitFor((all) => {
      for (const tick of all.filter((span) => span.service === 'scheduler' && span.name === 'sales-view-refresh tick')) {
        const trace = receiver.trace(tick.traceId);
        if (trace.some((span) => span.service === 'core' && span.kind === CONSUMER)) return trace;
      }
      return undefined;
    });

    const tick = one(spans, 'scheduler', 1, 'sales-view-refresh tick');
    expect(tick.parentSpanId).toBeUndefined();
    const publish = one(spans, 'scheduler', PRODUCER, 'core.rpc publish');
    expect(parentOf(spans, publish)).toBe(tick);
    expect(parentOf(spans, one(spans, 'core', CONSUMER, 'sales-view.refresh-scheduled process'))).toBe(publish);
  });

  it('should make a provider sync run a trace whose root span lasts until the run has released its lock', async () => {
    const statement = (span: ReceivedSpan) => {
      const text = span.attributes['db.query.text'] ?? span.attributes['db.statement'];
      return typeof text === 'string' ? text : '';
    };
    // The run's last step is the lock's release; the root span must not end before it.
    const spans = await receiver.waitFor((all) => {
      for (const root of all.filter((span) => span.service === 'scheduler' && span.name.startsWith('provider-sync '))) {
        const trace = receiver.trace(root.traceId);
        if (trace.some((span) => statement(span).includes('pg_advisory_unlock'))) return trace;
      }
      return undefined;
    });

    const root = spans.find((span) => span.name.startsWith('provider-sync '))!;
    expect(root.parentSpanId).toBeUndefined();
    const unlock = spans.find((span) => statement(span).includes('pg_advisory_unlock'))!;
    expect(isUnder(spans, unlock, root)).toBe(true);
    // The SDK anchors each span's clock on Date.now() when it starts (millisecond resolution): 1 ms of slack.
    const outliving = spans
      .filter((span) => span.endNs > root.endNs + 1_000_000n)
      .map((span) => `${span.name} ${statement(span).slice(0, 60)} ends ${Number(span.endNs - root.endNs) / 1e6} ms after the root`);
    expect(outliving).toEqual([]);
  });

  it('should keep propagating context after RabbitMQ restarts', async () => {
    // Affects every user of this machine's broker for a few seconds: once per run.
    rabbitmqctl('stop_app');
    rabbitmqctl('start_app');
    // The gateway's publisher and core's consumer reconnect on their own: the first plan accepted after it.
    const requestId = await eventually(
      async () => {
        const res = await api.post('/api/v1/plans', makePlan(), { token: user.accessToken });
        expect(res.status).toBe(201);
        return res.headers.get('x-request-id')!;
      },
      60_000,
      500,
    );

    const spans = await traceOf(requestId, planIndexed);

    expectPlanChain(spans);
  }, 120_000);
});

describe('tracing off (e2e)', () => {
  // Where an SDK with no endpoint would send: the default OTLP/HTTP port.
  const receiver = new OtlpReceiver(4318);
  const apps: AppProcess[] = [];

  beforeAll(async () => {
    await receiver.start();
  });

  afterAll(async () => {
    await Promise.all(apps.map((app) => app.stop()));
    await receiver.stop();
  });

  it('should send nothing to any OTLP port when no endpoint is set', async () => {
    // The other OTEL_* variables set, the endpoint not: still off.
    const env = { OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json', OTEL_BSP_SCHEDULE_DELAY: '100', OTEL_TRACES_SAMPLER: 'always_on' };
    const core = await startApp('core', 3611, { ...env, OTEL_SERVICE_NAME: 'core' });
    apps.push(core);
    const gateway = await startApp('gateway', 3610, { ...env, OTEL_SERVICE_NAME: 'gateway' });
    apps.push(gateway);
    const api = new ApiClient(gateway.url);
    const user = await signupAndLogin(api);
    const res = await api.post('/api/v1/plans', makePlan(), { token: user.accessToken });
    expect(res.status).toBe(201);
    const requestId = res.headers.get('x-request-id')!;

    // Both apps stop gracefully, which is when an SDK would flush whatever it still held.
    await Promise.all(apps.splice(0).map((app) => app.stop()));

    expect(receiver.requests).toBe(0);
    const lines = core.logs().filter((line) => line.request_id === requestId);
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) expect(line).not.toHaveProperty('trace_id');
  });
});
