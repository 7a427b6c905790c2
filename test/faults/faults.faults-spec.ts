import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { ApiClient, loginAdmin, signupAndLogin } from '../support/api-client';
import { AppName, AppProcess, startApp } from '../support/app-process';
import { eventually } from '../support/eventually';
import { ThrowawayRedis } from '../support/redis-server';
import { TEST_DB, TEST_ENV, TEST_PORT_OFFSET, TEST_VHOST } from '../support/test-env';
import { ProviderSimClient } from '../../apps/provider-sim/src/admin/provider-sim.client';
import { account, Attempt, Row, tableOf } from './fault-accounting.util';

const QUICK = process.env.FAULTS_QUICK === '1';
const BASE = 3600;
const PORTS: Record<AppName, number> = { gateway: BASE, core: BASE + 1, indexer: BASE + 2, scheduler: BASE + 3, 'provider-sim': BASE + 4 };
const CONCURRENCY = 16;
const SHUTDOWN_GRACE_MS = 5000;

// A fault's report: the window in which dropped connections are allowed, what it found wrong, and (when recovery
// is not the next accepted order, e.g. a sync) its own recovery time.
interface FaultResult {
  windowFrom?: number;
  windowTo?: number;
  problems?: string[];
  recoveryMs?: number;
}
type Fault = (load: OrderLoad) => Promise<FaultResult>;
type OrderLoad = ReturnType<typeof orderLoad>;

const rows: Row[] = [];
// One line per SIGTERM: when readiness failed, how long the process kept answering, when it exited, its drain.
const shutdowns: string[] = [];
const redis = new ThrowawayRedis(6397);
const apps: Partial<Record<AppName, AppProcess>> = {};
let db: Client;
let gatewayUrl: string;
let adminToken: string;
const sim = new ProviderSimClient(`http://127.0.0.1:${PORTS['provider-sim'] + TEST_PORT_OFFSET}`);

function envFor(name: AppName): Record<string, string> {
  return {
    REDIS_URL: redis.url,
    SHUTDOWN_GRACE_MS: String(SHUTDOWN_GRACE_MS),
    // Syncs only when asked (and once at start), so the provider scenario's plans snapshot is not raced by a tick;
    // a hanging provider costs 2 s per attempt, one retry.
    ...(name === 'scheduler' ? { PROVIDER_URL: `${sim.feedUrl}`, PROVIDER_SYNC_INTERVAL: '1h', PROVIDER_TIMEOUT: '2s', PROVIDER_RETRY_ATTEMPTS: '1' } : {}),
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
async function scenario(name: string, fault: Fault): Promise<Row> {
  const user = await signupAndLogin(new ApiClient(gatewayUrl));
  const tag = `faults-${randomUUID().slice(0, 8)}`;
  const load = orderLoad(user.accessToken, tag);
  await waitForAccepted(load, 200);
  const faultAt = Date.now();
  const { windowFrom = faultAt, windowTo = faultAt, problems = [], recoveryMs: ownRecoveryMs } = await fault(load);
  // Recovery: the first order accepted after the fault ended.
  const faultEnd = Date.now();
  const acceptedBefore = load.acceptedSoFar();
  await eventually(() => expect(load.acceptedSoFar()).toBeGreaterThan(acceptedBefore + 50), 60_000, 20);
  const firstAfter = load.attempts.find((attempt) => attempt.started >= faultEnd && attempt.status === 202);
  const recoveryMs = ownRecoveryMs ?? (firstAfter ? Math.max(0, firstAfter.started - faultEnd) : -1);
  await load.stop();

  // Everything sent has landed once the queue is drained: wait for the stored count to settle (unchanged over two
  // reads once it covers every acknowledged order, or over five when it never does: the accounting then names the
  // lost ones instead of a timeout).
  let stored: Array<{ id: string; product_name: string }> = [];
  let unchanged = 0;
  const acked = load.attempts.filter((attempt) => attempt.status === 202).length;
  await eventually(
    async () => {
      const { rows: now } = await db.query('SELECT id, product_name FROM orders WHERE user_id = $1', [user.id]);
      unchanged = now.length === stored.length ? unchanged + 1 : 0;
      stored = now;
      expect(unchanged >= (now.length >= acked ? 1 : 5)).toBe(true);
    },
    60_000,
    1000,
  );

  const row = account({ scenario: name, attempts: load.attempts, stored, windowFrom, windowTo, recoveryMs, problems });
  rows.push(row);
  return row;
}

// kill -9 of an app mid-stream, then a restart; the kill window is until it is ready again.
const kill9 =
  (name: AppName): Fault =>
  async () => {
    const from = Date.now();
    apps[name]!.signal('SIGKILL');
    await apps[name]!.exited;
    await start(name);
    return { windowFrom: from, windowTo: Date.now() };
  };

// SIGTERM under load, proven rather than assumed: /health/ready is polled back to back from the signal on, and
// must answer 503 (never 200 again) while the process still answers; requests in flight at the signal must get
// their answers (gateway) and messages in flight finish or go back to the queue (the drain's own log lines, and the
// accounting: nothing acknowledged lost); the process exits 0 within SHUTDOWN_GRACE_MS. Then a restart.
const sigterm =
  (name: AppName, inFlight?: () => Promise<InFlightWork>): Fault =>
  async (load) => {
    const app = apps[name]!;
    const problems: string[] = [];
    const work = await inFlight?.();
    let exitedAt: number | undefined;
    const exited = app.exited.then((code) => {
      exitedAt = Date.now();
      return code;
    });
    const probes: Array<{ sent: number; answered: number; status: number | 'gone' }> = [];
    const from = Date.now();
    app.signal('SIGTERM');
    while (exitedAt === undefined) {
      const sent = Date.now();
      const status = await fetch(`${app.url}/health/ready`, { signal: AbortSignal.timeout(1000) }).then(
        (res) => res.status,
        () => 'gone' as const,
      );
      probes.push({ sent, answered: Date.now(), status });
      if (status === 'gone') await new Promise((resolve) => setTimeout(resolve, 5)); // closed: do not spin
    }
    const code = await exited;
    const at = exitedAt;
    const first503 = probes.find((probe) => probe.status === 503);
    const answered = probes.filter((probe) => probe.status !== 'gone');
    const lastAnswer = answered.at(-1);
    if (!first503)
      problems.push(
        `${name}: readiness never answered 503 after SIGTERM (${answered.length} answer(s): ${[...new Set(answered.map((p) => p.status))].join(', ') || 'none'})`,
      );
    else if (probes.some((probe) => probe.sent > first503.answered && probe.status === 200)) problems.push(`${name}: readiness answered 200 again after its 503`);
    // Messages: the drain's own account (GracefulShutdown logs both lines).
    const messages = app.logs().map((line) => (typeof line.message === 'string' ? line.message : ''));
    const drain = messages.map((message) => /draining (\d+) message\(s\) in flight/.exec(message)).find(Boolean);
    const requeued = messages.map((message) => /grace period over with (\d+) message/.exec(message)).find(Boolean);
    // Requests: every one in flight at the signal got an answer from the old process.
    const droppedInFlight = name === 'gateway' ? load.attempts.filter((attempt) => attempt.started < from && attempt.status === 0).length : 0;
    if (droppedInFlight) problems.push(`${name}: ${droppedInFlight} request(s) in flight at SIGTERM got no answer`);
    if (at - from > SHUTDOWN_GRACE_MS) problems.push(`${name}: exited ${at - from} ms after SIGTERM (SHUTDOWN_GRACE_MS ${SHUTDOWN_GRACE_MS})`);
    if (code !== 0) problems.push(`${name}: exit code ${code} after SIGTERM`);
    shutdowns.push(
      `| ${name} | ${first503 ? first503.answered - from : '-'} | ${lastAnswer ? lastAnswer.answered - from : '-'} | ${at - from} | ${drain ? drain[1] : '-'} | ${requeued ? requeued[1] : 0} | ${droppedInFlight} |`,
    );
    if (work) problems.push(...(await work.atExit()));
    await start(name);
    if (work) problems.push(...(await work.afterRestart()));
    return { windowFrom: from, windowTo: name === 'gateway' ? Date.now() : from, problems };
  };

// The scheduler's load is a sync: one runs against a slow provider when SIGTERM lands. The scheduler interrupts
// it by design (a sync may take minutes; the next one redoes it): by the time the process has exited the run must be
// recorded (succeeded, or failed as interrupted), not left running, and after the restart a sync must succeed.
interface InFlightWork {
  atExit: () => Promise<string[]>;
  afterRestart: () => Promise<string[]>;
}

async function slowSyncInFlight(): Promise<InFlightWork> {
  await sim.setFault({ mode: 'latency', latency_ms: 1500 });
  const asked = (await sim.stats()).requests;
  const { id } = await startSync();
  await eventually(async () => expect((await sim.stats()).requests).toBeGreaterThan(asked), 5000, 20);
  return {
    atExit: async () => {
      const { rows } = await db.query('SELECT status, error FROM provider_sync_runs WHERE id = $1', [id]);
      const recorded = rows[0] as { status: string; error: string | null } | undefined;
      shutdowns.push(`| scheduler's sync in flight | recorded at exit as ${recorded?.status} (${recorded?.error ?? 'no error'}) ||||||`);
      await sim.clearFault();
      return !recorded || recorded.status === 'running' ? [`scheduler: the sync in flight at SIGTERM was left ${recorded?.status ?? 'unrecorded'} at exit`] : [];
    },
    afterRestart: async () => {
      const next = await syncNow();
      return next.status === 'succeeded' ? [] : [`scheduler: the sync after the restart ended ${next.status} (${next.error})`];
    },
  };
}

const rabbitmqctl = (...args: string[]) => execFileSync('rabbitmqctl', ['-q', ...args], { stdio: 'pipe' }).toString();

interface SyncRun {
  id: string;
  status: string;
  error: string | null;
}

async function startSync(): Promise<{ id: string }> {
  const started = await new ApiClient(gatewayUrl).post('/api/v1/admin/sync', {}, { token: adminToken });
  if (started.status !== 202 && started.status !== 200) throw new Error(`POST /admin/sync answered ${started.status}: ${started.text}`);
  return started.body as { id: string };
}

async function syncNow(): Promise<SyncRun> {
  return syncRun((await startSync()).id);
}

// The run once it is over (not running).
async function syncRun(id: string): Promise<SyncRun> {
  const api = new ApiClient(gatewayUrl);
  return eventually(
    async () => {
      const status = await api.get('/api/v1/admin/sync/status', { token: adminToken });
      const run = (status.body as { runs: SyncRun[] }).runs.find((candidate) => candidate.id === id);
      if (!run || run.status === 'running') throw new Error(`sync ${id} still running`);
      return run;
    },
    30_000,
    100,
  );
}

// What the provider sync leaves behind: the catalog's rows (a digest) and the breaker's consecutive failures.
async function catalogSnapshot(): Promise<{ plans: string; failures: number }> {
  const { rows: plans } = await db.query(`SELECT count(*)::int AS n, coalesce(md5(string_agg(p::text, '|' ORDER BY p::text)), '') AS digest FROM provider_plans p`);
  const { rows: state } = await db.query(`SELECT breaker FROM provider_sync_state`);
  return { plans: `${plans[0].n} rows, md5 ${plans[0].digest}`, failures: Number(state[0]?.breaker?.breakerState ?? 0) };
}

// An app's last warn/error log lines, to say why a check failed.
function lastWarnings(app: AppProcess): string {
  const warnings = app.logs().filter((line) => ['warn', 'error', 'fatal', 40, 50, 60].includes(line.level as string | number));
  return JSON.stringify(warnings.slice(-3).map((line) => line.message ?? line.msg));
}

// The snapshot once `expected` holds, or the last one after 5 s (the check then reports it).
async function settledSnapshot(expected: (snapshot: Awaited<ReturnType<typeof catalogSnapshot>>) => boolean): Promise<Awaited<ReturnType<typeof catalogSnapshot>>> {
  let snapshot = await catalogSnapshot();
  for (const deadline = Date.now() + 5000; !expected(snapshot) && Date.now() < deadline; snapshot = await catalogSnapshot()) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return snapshot;
}

// The provider hangs, then answers garbage, during syncs: each sync fails cleanly (recorded with its error, counted
// by the circuit), the catalog is untouched, the scheduler stays ready throughout, and the next sync with a healthy
// provider succeeds (its recovery time: from the fault cleared to that sync done).
const providerMisbehaves: Fault = async () => {
  const problems: string[] = [];
  const scheduler = apps.scheduler!;
  const before = await catalogSnapshot();
  let readinessSeen = 0;
  let notReady = 0;
  let watching = true;
  const watcher = (async () => {
    while (watching) {
      const status = await fetch(`${scheduler.url}/health/ready`, { signal: AbortSignal.timeout(2500) }).then(
        (res) => res.status,
        () => 0,
      );
      readinessSeen += 1;
      if (status !== 200) notReady += 1;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  })();
  const failures: SyncRun[] = [];
  for (const mode of ['hang', 'malformed'] as const) {
    await sim.setFault({ mode });
    const run = await syncNow();
    failures.push(run);
    if (run.status !== 'failed' || !run.error) problems.push(`sync against a provider in mode ${mode}: ${run.status}, error ${JSON.stringify(run.error)}`);
  }
  // A run reads failed before the sync saves the breaker and releases its lock: allow that a moment.
  const during = await settledSnapshot((snapshot) => snapshot.failures === before.failures + failures.length);
  await sim.clearFault();
  const cleared = Date.now();
  const healthy = await syncNow();
  const recoveryMs = Date.now() - cleared;
  watching = false;
  await watcher;
  const after = await settledSnapshot((snapshot) => snapshot.failures === 0);
  if (during.plans !== before.plans) problems.push(`provider_plans changed by failed syncs: ${before.plans} -> ${during.plans}`);
  if (during.failures !== before.failures + failures.length)
    problems.push(
      `circuit counted ${during.failures - before.failures} failure(s) of ${failures.length} (${before.failures} -> ${during.failures}; runs: ${failures.map((run) => `${run.status} ${run.error}`).join('; ')}; scheduler's last warnings: ${lastWarnings(scheduler)})`,
    );
  if (healthy.status !== 'succeeded') problems.push(`the sync after the fault: ${healthy.status} (${healthy.error})`);
  if (after.failures !== 0) problems.push(`circuit still counts ${after.failures} failure(s) after a successful sync`);
  if (notReady) problems.push(`scheduler not ready ${notReady} time(s) of ${readinessSeen} during the faulty syncs`);
  process.stdout.write(
    `provider scenario: failed runs ${failures.map((run) => `${run.status} (${run.error})`).join('; ')}; then ${healthy.status}; ${readinessSeen} readiness probes\n`,
  );
  return { problems, recoveryMs };
};

const SCENARIOS: Array<[string, Fault, boolean]> = [
  ['kill -9 core', kill9('core'), true],
  ['kill -9 gateway', kill9('gateway'), true],
  ['kill -9 indexer', kill9('indexer'), false],
  ['kill -9 scheduler', kill9('scheduler'), false],
  ['SIGTERM core', sigterm('core'), true],
  ['SIGTERM gateway', sigterm('gateway'), false],
  ['SIGTERM indexer', sigterm('indexer'), false],
  ['SIGTERM scheduler (a sync in flight)', sigterm('scheduler', slowSyncInFlight), false],
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
  ['provider hanging, then answering garbage, during syncs', providerMisbehaves, true],
];

describe(`fault runner${QUICK ? ' (quick subset)' : ''}`, () => {
  beforeAll(async () => {
    await redis.start();
    db = new Client({ connectionString: TEST_ENV.DATABASE_URL });
    await db.connect();
    for (const name of ['core', 'gateway', 'indexer', 'provider-sim', 'scheduler'] as AppName[]) await start(name);
    gatewayUrl = apps.gateway!.url;
    adminToken = (await loginAdmin(new ApiClient(gatewayUrl))).accessToken;
  }, 120_000);

  afterAll(async () => {
    await Promise.all(Object.values(apps).map((app) => app?.stop()));
    await redis.stop();
    await db?.end();
    const table = tableOf(rows);
    process.stdout.write(`\n${table}\n\n`);
    if (shutdowns.length) {
      const header = '| SIGTERM | readiness 503 at ms | last HTTP answer at ms | exit at ms | messages in flight | requeued | requests in flight dropped |';
      process.stdout.write(`${[header, `|${'---|'.repeat(7)}`, ...shutdowns].join('\n')}\n\n`);
    }
  });

  for (const [name, fault, quick] of SCENARIOS) {
    (QUICK && !quick ? it.skip : it)(`${name}: nothing acknowledged lost, nothing unexpected or twice, statuses in the contract, recovered`, async () => {
      const row = await scenario(name, fault);
      expect(row.problems).toEqual([]);
      for (const app of Object.values(apps)) expect((await fetch(`${app.url}/health/ready`)).status).toBe(200);
    });
  }
});
