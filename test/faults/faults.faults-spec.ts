import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { ApiClient, loginAdmin, signupAndLogin } from '../support/api-client';
import { AppName, AppProcess, startApp } from '../support/app-process';
import { eventually } from '../support/eventually';
import { ThrowawayRedis } from '../support/redis-server';
import { TEST_DB, TEST_ENV, TEST_PORT_OFFSET, TEST_VHOST } from '../support/test-env';

const QUICK = process.env.FAULTS_QUICK === '1';
const BASE = 3600;
const PORTS: Record<AppName, number> = { gateway: BASE, core: BASE + 1, indexer: BASE + 2, scheduler: BASE + 3, 'provider-sim': BASE + 4 };
const CONCURRENCY = 16;
const SHUTDOWN_GRACE_MS = 5000;

interface Attempt {
  name: string;
  started: number;
  status: number; // 0: no answer (connection dropped or refused)
  id?: string;
  outcome?: string;
  envelopeOk: boolean;
}

interface Row {
  scenario: string;
  attempted: number;
  acknowledged: number;
  failed: number;
  indeterminate: number;
  stored: number;
  lost: number;
  unexpected: number;
  duplicated: number;
  recovered: number;
  recoveryMs: number;
  statuses: string;
  problems: string[];
}

const rows: Row[] = [];
const redis = new ThrowawayRedis(6397);
const apps: Partial<Record<AppName, AppProcess>> = {};
let db: Client;
let gatewayUrl: string;

function envFor(name: AppName): Record<string, string> {
  return {
    REDIS_URL: redis.url,
    SHUTDOWN_GRACE_MS: String(SHUTDOWN_GRACE_MS),
    ...(name === 'scheduler' ? { PROVIDER_URL: `http://127.0.0.1:${PORTS['provider-sim'] + TEST_PORT_OFFSET}/feed` } : {}),
  };
}

async function start(name: AppName): Promise<AppProcess> {
  apps[name] = await startApp(name, PORTS[name], envFor(name));
  return apps[name];
}

function isEnvelope(body: unknown): boolean {
  const error = (body as { data?: unknown; error?: Record<string, unknown> })?.error;
  return (body as { data?: unknown })?.data === null && typeof error?.code === 'string' && typeof error.message === 'string' && typeof error.request_id === 'string';
}

// Posts orders with unique names from CONCURRENCY clients until `stop` says so; every attempt recorded.
function orderLoad(token: string, tag: string) {
  const attempts: Attempt[] = [];
  let running = true;
  const worker = async () => {
    while (running) {
      const name = `${tag} ${randomUUID()}`;
      const attempt: Attempt = { name, started: Date.now(), status: 0, envelopeOk: true };
      attempts.push(attempt);
      try {
        const res = await fetch(`${gatewayUrl}/api/v1/orders`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: JSON.stringify({ product_name: name, amount: 1 }),
          signal: AbortSignal.timeout(15_000),
        });
        attempt.status = res.status;
        const body = (await res.json().catch(() => undefined)) as { id?: string; error?: { details?: { outcome?: string; order_id?: string } } } | undefined;
        if (res.status === 202) attempt.id = body?.id;
        else {
          attempt.envelopeOk = isEnvelope(body);
          attempt.outcome = body?.error?.details?.outcome;
          attempt.id = body?.error?.details?.order_id;
        }
      } catch {
        attempt.status = 0;
        await new Promise((resolve) => setTimeout(resolve, 50)); // the gateway is away: do not spin
      }
    }
  };
  const workers = Array.from({ length: CONCURRENCY }, worker);
  return {
    attempts,
    acceptedSoFar: () => attempts.filter((attempt) => attempt.status === 202).length,
    stop: async () => {
      running = false;
      await Promise.all(workers);
    },
  };
}

async function waitForAccepted(load: ReturnType<typeof orderLoad>, count: number): Promise<void> {
  await eventually(() => expect(load.acceptedSoFar()).toBeGreaterThanOrEqual(count), 60_000, 20);
}

// One scenario: load, the fault, recovery, then the Jepsen-style count against Postgres.
async function scenario(name: string, fault: () => Promise<{ windowFrom?: number; windowTo?: number; problems?: string[] }>): Promise<Row> {
  const user = await signupAndLogin(new ApiClient(gatewayUrl));
  const tag = `faults-${randomUUID().slice(0, 8)}`;
  const load = orderLoad(user.accessToken, tag);
  await waitForAccepted(load, 200);
  const faultAt = Date.now();
  const { windowFrom = faultAt, windowTo = faultAt, problems = [] } = await fault();
  // Recovery: the first order accepted after the fault ended.
  const faultEnd = Date.now();
  const acceptedBefore = load.acceptedSoFar();
  await eventually(() => expect(load.acceptedSoFar()).toBeGreaterThan(acceptedBefore + 50), 60_000, 20);
  const firstAfter = load.attempts.find((attempt) => attempt.started >= faultEnd && attempt.status === 202);
  const recoveryMs = firstAfter ? Math.max(0, firstAfter.started - faultEnd) : -1;
  await load.stop();

  // Everything sent has landed once the queue is drained: wait for the stored count to settle.
  let stored: Array<{ id: string; product_name: string }> = [];
  await eventually(
    async () => {
      const { rows: now } = await db.query('SELECT id, product_name FROM orders WHERE user_id = $1', [user.id]);
      const acked = load.attempts.filter((attempt) => attempt.status === 202).length;
      const settled = now.length === stored.length && now.length >= acked;
      stored = now;
      expect(settled).toBe(true);
    },
    60_000,
    1000,
  );

  const sent = new Set(load.attempts.map((attempt) => attempt.name));
  const byName = new Map<string, number>();
  for (const row of stored) byName.set(row.product_name, (byName.get(row.product_name) ?? 0) + 1);
  const acked = load.attempts.filter((attempt) => attempt.status === 202);
  const failed = load.attempts.filter((attempt) => attempt.status !== 202 && attempt.status !== 0 && attempt.outcome !== 'unknown' && attempt.status !== 504);
  const indeterminate = load.attempts.filter((attempt) => attempt.status === 0 || attempt.outcome === 'unknown' || attempt.status === 504);
  const statuses = new Map<string, number>();
  for (const attempt of load.attempts) statuses.set(String(attempt.status || 'dropped'), (statuses.get(String(attempt.status || 'dropped')) ?? 0) + 1);

  const found: string[] = [...problems];
  const lost = acked.filter((attempt) => !byName.has(attempt.name)).length;
  const unexpected = stored.filter((row) => !sent.has(row.product_name)).length;
  const duplicated = [...byName.values()].filter((count) => count > 1).length;
  const storedFailures = failed.filter((attempt) => byName.has(attempt.name)).length;
  if (lost) found.push(`${lost} acknowledged order(s) lost`);
  if (unexpected) found.push(`${unexpected} stored order(s) nobody sent`);
  if (duplicated) found.push(`${duplicated} order(s) stored twice`);
  if (storedFailures) found.push(`${storedFailures} order(s) refused as not_accepted yet stored`);
  const badStatus = load.attempts.filter((attempt) => attempt.status >= 500 && attempt.status !== 503 && attempt.status !== 504);
  if (badStatus.length) found.push(`statuses outside the contract: ${[...new Set(badStatus.map((attempt) => attempt.status))].join(', ')}`);
  const badBodies = load.attempts.filter((attempt) => attempt.status !== 202 && attempt.status !== 0 && !attempt.envelopeOk);
  if (badBodies.length) found.push(`${badBodies.length} answer(s) outside the envelope`);
  const droppedOutside = load.attempts.filter((attempt) => attempt.status === 0 && (attempt.started < windowFrom - 15_000 || attempt.started > windowTo));
  if (droppedOutside.length) found.push(`${droppedOutside.length} dropped connection(s) outside the kill window`);

  const row: Row = {
    scenario: name,
    attempted: load.attempts.length,
    acknowledged: acked.length,
    failed: failed.length,
    indeterminate: indeterminate.length,
    stored: stored.length,
    lost,
    unexpected,
    duplicated,
    recovered: indeterminate.filter((attempt) => byName.has(attempt.name)).length,
    recoveryMs,
    statuses: [...statuses].map(([status, count]) => `${status}×${count}`).join(' '),
    problems: found,
  };
  rows.push(row);
  return row;
}

// kill -9 of an app mid-stream, then a restart; the kill window is until it is ready again.
const kill9 = (name: AppName) => async () => {
  const from = Date.now();
  apps[name]!.signal('SIGKILL');
  await apps[name]!.exited;
  await start(name);
  return { windowFrom: from, windowTo: Date.now() };
};

// SIGTERM under load: readiness fails first, the process exits within SHUTDOWN_GRACE_MS; then a restart.
const sigterm = (name: AppName) => async () => {
  const app = apps[name]!;
  const from = Date.now();
  const problems: string[] = [];
  let readiness: number | 'gone' | undefined;
  const exited = app.exited.then((code) => ({ code, at: Date.now() }));
  let done = false;
  void exited.then(() => (done = true));
  app.signal('SIGTERM');
  while (!done && readiness === undefined) {
    readiness = await fetch(`${app.url}/health/ready`, { signal: AbortSignal.timeout(1000) }).then(
      (res) => res.status,
      () => 'gone' as const,
    );
    if (readiness === 200) readiness = undefined; // the signal may not have landed yet
  }
  const { code, at } = await exited;
  if (readiness !== undefined && readiness !== 503 && readiness !== 'gone') problems.push(`${name}: readiness answered ${readiness} after SIGTERM`);
  if (at - from > SHUTDOWN_GRACE_MS) problems.push(`${name}: exited ${at - from} ms after SIGTERM (SHUTDOWN_GRACE_MS ${SHUTDOWN_GRACE_MS})`);
  if (code !== 0) problems.push(`${name}: exit code ${code} after SIGTERM`);
  await start(name);
  return { windowFrom: from, windowTo: name === 'gateway' ? Date.now() : from, problems };
};

const rabbitmqctl = (...args: string[]) => execFileSync('rabbitmqctl', ['-q', ...args], { stdio: 'pipe' }).toString();

const SCENARIOS: Array<[string, () => Promise<{ windowFrom?: number; windowTo?: number; problems?: string[] }>, boolean]> = [
  ['kill -9 core', kill9('core'), true],
  ['kill -9 gateway', kill9('gateway'), true],
  ['kill -9 indexer', kill9('indexer'), false],
  ['kill -9 scheduler', kill9('scheduler'), false],
  ['SIGTERM core', sigterm('core'), true],
  ['SIGTERM gateway', sigterm('gateway'), false],
  ['SIGTERM indexer', sigterm('indexer'), false],
  ['SIGTERM scheduler', sigterm('scheduler'), false],
  [
    'RabbitMQ close_all_connections (own vhost)',
    async () => {
      rabbitmqctl('close_all_connections', '-p', TEST_VHOST, 'fault runner');
      return {};
    },
    true,
  ],
  [
    'RabbitMQ stop_app/start_app',
    async () => {
      rabbitmqctl('stop_app');
      await new Promise((resolve) => setTimeout(resolve, 2000));
      rabbitmqctl('start_app');
      rabbitmqctl('await_startup');
      return {};
    },
    false,
  ],
  [
    'own Redis killed and restarted',
    async () => {
      await redis.stop();
      await new Promise((resolve) => setTimeout(resolve, 3000));
      await redis.start();
      return {};
    },
    true,
  ],
  [
    'Postgres backends terminated',
    async () => {
      for (let i = 0; i < 3; i++) {
        await db.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [TEST_DB]);
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
      return {};
    },
    true,
  ],
];

describe(`fault runner${QUICK ? ' (quick subset)' : ''}`, () => {
  beforeAll(async () => {
    await redis.start();
    db = new Client({ connectionString: TEST_ENV.DATABASE_URL });
    await db.connect();
    for (const name of ['core', 'gateway', 'indexer', 'scheduler'] as AppName[]) await start(name);
    gatewayUrl = apps.gateway!.url;
    await loginAdmin(new ApiClient(gatewayUrl));
  }, 120_000);

  afterAll(async () => {
    await Promise.all(Object.values(apps).map((app) => app?.stop()));
    await redis.stop();
    await db?.end();
    const header = '| scenario | attempted | acknowledged | failed | indeterminate | stored | lost | unexpected | duplicated | recovered | recovery ms | statuses |';
    const table = [header, `|${'---|'.repeat(12)}`]
      .concat(
        rows.map(
          (r) =>
            `| ${r.scenario} | ${r.attempted} | ${r.acknowledged} | ${r.failed} | ${r.indeterminate} | ${r.stored} | ${r.lost} | ${r.unexpected} | ${r.duplicated} | ${r.recovered} | ${r.recoveryMs} | ${r.statuses} |`,
        ),
      )
      .join('\n');
    process.stdout.write(`\n${table}\n\n`);
  });

  for (const [name, fault, quick] of SCENARIOS) {
    (QUICK && !quick ? it.skip : it)(`${name}: nothing acknowledged lost, nothing unexpected or twice, statuses in the contract, recovered`, async () => {
      const row = await scenario(name, fault);
      expect(row.problems).toEqual([]);
      for (const app of Object.values(apps)) expect((await fetch(`${app.url}/health/ready`)).status).toBe(200);
    });
  }
});
